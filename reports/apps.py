from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Opinion reports")

    def ready(self):
        from auditlog.registry import auditlog

        from reports import models

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
                model, exclude_fields=["search_text", "updated_at", "version"]
            )
