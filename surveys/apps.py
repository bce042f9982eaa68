from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Opinion surveys")

    def ready(self):
        from auditlog.registry import auditlog

        import surveys.tasks  # noqa: F401 (registered: views queue them by name)
        from surveys import models

        for model in (
            models.Survey,
            models.QuestionnaireVersion,
            models.Question,
            models.Choice,
            models.BankQuestion,
            models.SurveyCell,
            models.Assignment,
            models.PersonalLink,
            models.SurveyReport,
        ):
            auditlog.register(model)
        # A response's answers are the respondent's: its review is what the trail
        # keeps (who approved or rejected it, when), not every autosave of a draft.
        auditlog.register(
            models.Response,
            include_fields=["review", "review_comment", "reviewed_by", "state"],
        )
