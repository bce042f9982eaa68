from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Briefings and documents")

    def ready(self):
        from auditlog.registry import auditlog

        from meetings import models

        for model in (
            models.Meeting,
            models.Invitation,
            models.AgendaItem,
            models.Attendance,
            models.MeetingAction,
            models.ReferenceDocument,
            models.DocumentReceipt,
        ):
            auditlog.register(model)
