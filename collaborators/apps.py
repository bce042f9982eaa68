from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaboratorsConfig(AppConfig):
    name = "collaborators"
    verbose_name = _("Collaborators")

    def ready(self):
        from auditlog.registry import auditlog

        from collaborators import models

        # The record's own fields only: reverse relations of later apps stay out.
        auditlog.register(
            models.Collaborator,
            include_fields=[
                f.name
                for f in models.Collaborator._meta.concrete_fields
                if f.name not in {"id", "search_text", "created_at", "updated_at"}
            ],
            m2m_fields={"coverage_areas"},
        )
        auditlog.register(models.RosterEvent)
        auditlog.register(models.Regulation)
        auditlog.register(models.RegulationAcknowledgement)
        auditlog.register(models.TrainingSession)
        auditlog.register(models.TrainingAttendance)
        auditlog.register(models.ImportMapping)
        # The daily upsert sends no signals: only deletions in the admin are logged.
        auditlog.register(models.CollaboratorScore)
