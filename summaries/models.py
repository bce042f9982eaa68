"""The periodic summary (báo cáo tổng hợp) of a unit for a period, in versions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dluan.models import OrgUnit
from dluan.scoping import ScopedQuerySet
from reports.models import ReportingPeriod


class SummaryQuerySet(ScopedQuerySet):
    unit_path_lookup = "unit__path"

    def visible_to(self, user):
        # Collaborators never see summaries; staff and leaders see their subtree's.
        if user is not None and user.is_authenticated and user.is_collaborator:
            return self.none()
        return super().visible_to(user)

    def with_related(self):
        return self.select_related(
            "unit", "period", "requested_by", "approved_by", "edited_by"
        )

    def compiled(self):
        return self.filter(status__in=[Summary.Status.DRAFT, Summary.Status.APPROVED])

    def approved(self):
        return self.filter(status=Summary.Status.APPROVED)

    def running(self):
        return self.filter(status__in=Summary.RUNNING)


class Summary(models.Model):
    """One version of a unit's summary for a period: a frozen snapshot and its text."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be compiled")
        COMPILING = "compiling", _("Compiling")
        FAILED = "failed", _("Compilation failed")
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    RUNNING = (Status.QUEUED, Status.COMPILING)
    # What the progress bar says the worker is doing (``progress_step``).
    STEPS = {
        "reports": _("counting the reports"),
        "directions": _("counting the opinion streams"),
        "discipline": _("reporting discipline"),
        "topics": _("topics and directions"),
        "issues": _("issues"),
        "follow_ups": _("follow-ups"),
        "proposals": _("proposals"),
        "meetings": _("briefings"),
        "warnings": _("early warnings"),
        "sub_summaries": _("sub-units' summaries"),
        "surveys": _("opinion surveys"),
        "quote_candidates": _("quotes"),
        "workbook": _("writing the workbook"),
        "brief": _("rendering the PDF and Word files"),
    }

    class Confidentiality(models.TextChoices):
        NONE = "", _("None")
        CONFIDENTIAL = "MẬT", _("Confidential (MẬT)")
        SECRET = "TỐI MẬT", _("Secret (TỐI MẬT)")

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("reporting period"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    # Compilation: who asked, when, how far the worker has got, what went wrong.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    compiled_at = models.DateTimeField(_("compiled at"), null=True, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    progress_step = models.CharField(max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    snapshot = models.JSONField(_("figures"), default=dict, blank=True)
    # The narrative staff write (GLOSSARY: sections).
    general_situation = models.TextField(_("general situation"), blank=True)
    prominent_opinion = models.TextField(_("prominent opinion, by topic"), blank=True)
    forecast = models.TextField(_("forecast"), blank=True)
    recommendations = models.TextField(
        _("recommendations to the Standing Committee"), blank=True
    )
    # Quotes picked from the snapshot's candidates, frozen as they were picked.
    quotes = models.JSONField(_("quotes"), default=list, blank=True)
    include_names = models.BooleanField(
        _("include collaborators' names (internal version)"), default=False
    )
    # The document's heading and closing (GLOSSARY: a Party document's layout).
    number = models.CharField(_("document number"), max_length=50, blank=True)
    confidentiality = models.CharField(
        _("confidentiality mark"),
        max_length=20,
        choices=Confidentiality.choices,
        blank=True,
        default=Confidentiality.NONE,
    )
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
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    # Files the worker renders and stores; served through an access-checked view.
    pdf = models.FileField(upload_to="summaries/%Y/%m/", blank=True)
    docx = models.FileField(upload_to="summaries/%Y/%m/", blank=True)
    xlsx = models.FileField(upload_to="summaries/%Y/%m/", blank=True)
    # The text the PDF and the Word file were rendered from, and when.
    rendered_revision = models.PositiveIntegerField(default=0)
    revision = models.PositiveIntegerField(default=0)
    rendered_at = models.DateTimeField(null=True, blank=True)

    objects = SummaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("summary")
        verbose_name_plural = _("summaries")
        ordering = ["-period__start", "unit__path", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "version"],
                name="%(app_label)s_%(class)s_one_version",
            ),
            # One compilation at a time per unit and period: a second request
            # while one runs is the same request.
            models.UniqueConstraint(
                fields=["unit", "period"],
                condition=Q(status__in=["queued", "compiling"]),
                name="%(app_label)s_%(class)s_one_running",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100),
                name="%(app_label)s_%(class)s_progress_range",
            ),
            models.CheckConstraint(
                condition=Q(approved_at__isnull=True, approved_by__isnull=True)
                | Q(approved_at__isnull=False, approved_by__isnull=False),
                name="%(app_label)s_%(class)s_approved_by_whom",
            ),
        ]
        indexes = [
            # The dashboard's trend and the list: a unit's summaries by period.
            models.Index(
                fields=["unit", "period", "status", "-version"],
                name="summary_unit_period",
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.period} · v{self.version}"

    def get_absolute_url(self):
        return reverse("summaries:summary-detail", args=[self.pk])

    @property
    def progress_label(self) -> str:
        return str(self.STEPS.get(self.progress_step, self.progress_step))

    @property
    def is_running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def is_stalled(self) -> bool:
        """Queued or compiling for longer than the job may run: it died."""
        if not self.is_running:
            return False
        limit = settings.SUMMARY_COMPILE_TIME_LIMIT + settings.SUMMARY_STALL_GRACE
        started = self.started_at or self.requested_at
        return (timezone.now() - started).total_seconds() > limit

    @property
    def is_compiled(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.APPROVED}

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def files_ready(self) -> bool:
        return bool(self.pdf) and self.rendered_revision == self.revision

    def recipient_lines(self) -> list[str]:
        return [line.strip() for line in self.recipients.splitlines() if line.strip()]


class SummaryRead(models.Model):
    """That a leader confirmed reading a summary, and when (a POST, never a GET)."""

    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        verbose_name = _("summary read receipt")
        verbose_name_plural = _("summary read receipts")
        ordering = ["read_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["summary", "user"], name="%(app_label)s_%(class)s_once"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.summary_id}"
