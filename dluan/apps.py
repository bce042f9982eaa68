from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DluanConfig(AppConfig):
    name = "dluan"
    verbose_name = _("Foundation")

    def ready(self):
        from auditlog.registry import auditlog

        from dluan import audit  # noqa: F401 (the trail's receivers)
        from dluan.models import OrgUnit, User

        auditlog.register(OrgUnit, exclude_fields=["search_text", "path", "depth"])
        auditlog.register(
            User, exclude_fields=["password", "last_login"], mask_fields=["email"]
        )
