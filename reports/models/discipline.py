"""Reporting discipline: who filed each period's report, and on time."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from collaborators.models import Collaborator
from dluan.models import OrgUnit
from dluan.scoping import ScopedQuerySet

from .filing import OpinionReport
from .periods import ReportingPeriod


class ReportingRecordQuerySet(ScopedQuerySet):
    unit_path_lookup = "unit__path"
    owner_lookup = "collaborator__user"

    def with_related(self):
        return self.select_related("collaborator", "period", "unit")


class ReportingRecord(models.Model):
    """Whether a collaborator filed a period's periodic report, and on time."""

    class State(models.TextChoices):
        ON_TIME = "on_time", _("On time")
        LATE = "late", _("Late")
        MISSING = "missing", _("Missing")
        PENDING = "pending", _("Not yet due")
        NOT_EXPECTED = "not_expected", _("Not expected")

    collaborator = models.ForeignKey(
        Collaborator,
        verbose_name=_("collaborator"),
        on_delete=models.PROTECT,
        related_name="reporting_records",
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("reporting period"),
        on_delete=models.PROTECT,
        related_name="reporting_records",
    )
    # The collaborator's unit when computed: a collaborator counts in their unit.
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    report = models.ForeignKey(
        OpinionReport,
        verbose_name=_("opinion report"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    objects = ReportingRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting record")
        verbose_name_plural = _("reporting records")
        ordering = ["period", "collaborator"]
        constraints = [
            models.UniqueConstraint(
                fields=["collaborator", "period"], name="%(app_label)s_%(class)s_once"
            ),
        ]
        indexes = [
            # The discipline page: a period's records of a unit subtree counted by
            # unit and state from the index alone; also its collaborator list.
            models.Index(
                fields=["period", "unit", "state"], name="record_period_unit_state"
            ),
        ]

    def __str__(self):
        return f"{self.collaborator_id} {self.period_id}: {self.state}"


class ReportingTallyQuerySet(ScopedQuerySet):
    unit_path_lookup = "unit__path"


class ReportingTally(models.Model):
    """How many of a unit's collaborators are in each state for a period.

    Kept with the records (``reports.services.discipline``): the discipline page
    of a province sums a few thousand of these rather than counting hundreds of
    thousands of records.
    """

    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="+"
    )
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(
        _("state"), max_length=20, choices=ReportingRecord.State.choices
    )
    count = models.PositiveIntegerField(_("count"), default=0)

    objects = ReportingTallyQuerySet.as_manager()

    class Meta:
        verbose_name = _("reporting tally")
        verbose_name_plural = _("reporting tallies")
        ordering = ["period", "unit", "state"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit", "state"], name="%(app_label)s_%(class)s_once"
            ),
        ]

    def __str__(self):
        return f"{self.period_id} {self.unit_id} {self.state}: {self.count}"
