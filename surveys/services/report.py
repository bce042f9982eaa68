"""The survey's report: the staff's words, then an approval like a summary's."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models import Survey, SurveyReport

FIELDS = (
    "findings",
    "assessment",
    "recommendations",
    "number",
    "recipients",
    "sign_for",
    "sign_title",
    "signer",
)


def report_for(survey: Survey) -> SurveyReport:
    """The survey's report, unsaved and empty when nobody has written it yet."""
    try:
        return survey.report
    except SurveyReport.DoesNotExist:
        return SurveyReport(survey=survey)


def report_save(*, survey: Survey, user, data: dict) -> SurveyReport:
    """Save the staff's words; an approved report changed goes back to draft."""
    with transaction.atomic():
        report = SurveyReport.objects.select_for_update().filter(
            survey=survey
        ).first() or SurveyReport(survey=survey)
        for name in FIELDS:
            setattr(report, name, data.get(name, ""))
        report.status = SurveyReport.Status.DRAFT
        report.approved_by, report.approved_at = None, None
        report.edited_by, report.edited_at = user, timezone.now()
        report.save()
    return report


def report_approve(*, survey: Survey, user) -> SurveyReport:
    """Approve the report of a closed survey whose findings are written."""
    with transaction.atomic():
        report = SurveyReport.objects.select_for_update().filter(survey=survey).first()
        if report is None or not report.findings.strip():
            raise ValidationError(
                _("Write the main findings before approving the report.")
            )
        if survey.status not in (Survey.Status.CLOSED, Survey.Status.ARCHIVED):
            raise ValidationError(
                _(
                    "Close the survey before approving its report: the figures must "
                    "not change after it is approved."
                )
            )
        if report.status == SurveyReport.Status.APPROVED:
            return report
        report.status = SurveyReport.Status.APPROVED
        report.approved_by, report.approved_at = user, timezone.now()
        report.save(update_fields=["status", "approved_by", "approved_at"])
    return report
