"""The survey's report (báo cáo kết quả điều tra): the staff's words, approved once."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dluan.scoping import ScopedQuerySet

from .design import Survey


class SurveyReportQuerySet(ScopedQuerySet):
    unit_path_lookup = "survey__unit__path"

    def with_related(self):
        return self.select_related("survey", "survey__unit", "approved_by")


class SurveyReport(models.Model):
    """The narrative of a survey's report and its approval, like a summary's."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    survey = models.OneToOneField(
        Survey, on_delete=models.CASCADE, related_name="report"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # The staff's words; method, sample, response and figures are the survey's own.
    findings = models.TextField(_("main findings"), blank=True)
    assessment = models.TextField(_("assessment"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    # The document's heading and closing (GLOSSARY: a Party document's layout).
    number = models.CharField(_("document number"), max_length=50, blank=True)
    recipients = models.TextField(_("recipients (one per line)"), blank=True)
    sign_for = models.CharField(_("signing on behalf of"), max_length=100, blank=True)
    sign_title = models.CharField(_("signer's title"), max_length=100, blank=True)
    signer = models.CharField(_("signer"), max_length=150, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    objects = SurveyReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey report")
        verbose_name_plural = _("survey reports")

    def __str__(self):
        return str(self.survey)
