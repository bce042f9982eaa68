from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Opinion reports")

    def ready(self):
        from auditlog.registry import auditlog
        from django.db.models.signals import post_save

        from dluan.models import OrgUnit
        from reports import models
        from reports.services.towns import unit_moved

        post_save.connect(unit_moved, sender=OrgUnit, dispatch_uid="reports-unit-moved")

        for model in (
            models.ReportingPeriod,
            models.Topic,
            models.FocusTopic,
            models.OpinionReport,
            models.OpinionStream,
            models.Attachment,
            models.Issue,
            models.FollowUp,
            models.Direction,
            models.ReportingRecord,
            models.ReportingTally,
            models.EarlyWarning,
        ):
            # Derived and bookkeeping columns would log an entry on every autosave.
            auditlog.register(
                model, exclude_fields=["search_text", "town", "updated_at", "version"]
            )
