from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SummariesConfig(AppConfig):
    name = "summaries"
    verbose_name = _("Periodic summaries")

    def ready(self):
        from auditlog.registry import auditlog

        import summaries.tasks  # noqa: F401 (registered: services queue them by name)
        from summaries import models

        # The snapshot is written once by the worker; progress changes every step.
        auditlog.register(
            models.Summary,
            exclude_fields=[
                "snapshot",
                "progress",
                "progress_step",
                "rendered_revision",
                "rendered_at",
            ],
        )
        auditlog.register(models.SummaryRead)
