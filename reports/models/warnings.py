"""Early warnings the daily job raises for a unit's staff."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dluan.models import OrgUnit
from dluan.scoping import ScopedQuerySet

from .issues import Issue
from .periods import ReportingPeriod
from .topics import Topic


class EarlyWarningQuerySet(ScopedQuerySet):
    unit_path_lookup = "unit__path"

    def with_related(self):
        return self.select_related(
            "unit", "topic", "area", "issue", "period", "acknowledged_by"
        )

    def open(self):
        return self.filter(acknowledged_at__isnull=True)


class EarlyWarning(models.Model):
    """An early warning (cảnh báo sớm) raised by the daily job for a unit's staff."""

    # What the figures behind a warning are called on its page.
    FIGURE_LABELS = {
        "reports": _("Reports"),
        "baseline": _("Reports a period before (average)"),
        "baseline_periods": _("Periods in the baseline"),
        "ratio": _("Times the baseline at least"),
        "streams": _("Opinion streams"),
        "negative_streams": _("Opposed or worried streams"),
        "share": _("Share opposed or worried (%)"),
        "baseline_share": _("Share before (%)"),
        "baseline_streams": _("Opinion streams before"),
        "points": _("Rise needed (percentage points)"),
        "communes": _("Communes"),
        "days": _("Within (days)"),
        "similarity": _("Similarity at least"),
        "periods": _("Periods without a report"),
        "last_period": _("Last reported in"),
        "hours": _("Hours waiting"),
        "limit_hours": _("Hours allowed"),
    }

    class Kind(models.TextChoices):
        VOLUME_JUMP = "volume_jump", _("More reports than usual")
        NEGATIVE_JUMP = "negative_jump", _("More opposed or worried opinion")
        SPREAD = "spread", _("Reported from several communes")
        SIMILAR = "similar", _("Similar reports not in an issue")
        SILENT_AREA = "silent_area", _("Area without reports")
        URGENT_WAITING = "urgent_waiting", _("Urgent report waiting for review")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # Whose staff see it: the lowest unit holding every report behind it.
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.ForeignKey(
        Topic,
        verbose_name=_("topic"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    area = models.ForeignKey(
        OrgUnit,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issue = models.ForeignKey(
        Issue,
        verbose_name=_("issue"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("reporting period"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("reason"), max_length=500)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    report_ids = models.JSONField(default=list, blank=True)
    # The condition's identity: the same condition never raises twice.
    key = models.CharField(max_length=200)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    objects = EarlyWarningQuerySet.as_manager()

    class Meta:
        verbose_name = _("early warning")
        verbose_name_plural = _("early warnings")
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "key"], name="%(app_label)s_%(class)s_once"
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="%(app_label)s_%(class)s_acknowledged_by_whom",
            ),
        ]
        indexes = [
            # The warnings page and home panels: a subtree's warnings, open ones
            # first, newest first.
            models.Index(
                fields=["unit", "acknowledged_at", "-raised_at"],
                name="warning_unit_open_recent",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:warnings")

    def figure_rows(self) -> list[tuple[str, object]]:
        """The figures with their names, in the order the rule gives them."""
        return [
            (self.FIGURE_LABELS.get(key, key), value)
            for key, value in (self.figures or {}).items()
        ]

    @property
    def is_open(self) -> bool:
        return self.acknowledged_at is None
