"""Reads for reporting discipline (rules in reports/services/discipline.py)."""

from dataclasses import dataclass

from django.db.models import Q, Sum, Value
from django.db.models.functions import StrIndex, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dluan.models import OrgUnit
from reports.models import (
    OpinionReport,
    ReportingPeriod,
    ReportingRecord,
    ReportingTally,
)

Status = OpinionReport.Status
STATES = tuple(ReportingRecord.State.values)


DISCIPLINE_TREND_PERIODS = 6
# my_discipline's default: the period current today, read by it.
CURRENT = object()


@dataclass
class DisciplineRow:
    """Counts of one unit (or its subtree) for one period, with their rates."""

    unit: OrgUnit | None = None
    on_time: int = 0
    late: int = 0
    missing: int = 0
    pending: int = 0
    not_expected: int = 0

    def add(self, counts: dict) -> None:
        for state in STATES:
            setattr(self, state, getattr(self, state) + counts.get(state, 0))

    @property
    def expected(self) -> int:
        return self.on_time + self.late + self.missing + self.pending

    @property
    def collaborators(self) -> int:
        return self.expected + self.not_expected

    @property
    def reporting_rate(self) -> float | None:
        """Per cent; None when nothing was expected (shown as "—")."""
        if not self.expected:
            return None
        return 100 * (self.on_time + self.late) / self.expected

    @property
    def on_time_rate(self) -> float | None:
        if not self.expected:
            return None
        return 100 * self.on_time / self.expected


def _state_sums() -> dict:
    return {state: Sum("count", filter=Q(state=state)) for state in STATES}


def discipline_default_period(today=None) -> ReportingPeriod | None:
    """The latest period whose deadline has passed, else the current one."""
    today = today or timezone.localdate()
    return ReportingPeriod.objects.filter(deadline__lt=today).order_by(
        "-start"
    ).first() or ReportingPeriod.objects.current(today)


def discipline_periods(today=None):
    """Periods one may look at: those begun by ``today``."""
    today = today or timezone.localdate()
    return ReportingPeriod.objects.filter(start__lte=today).order_by("-start")


def discipline_table(user, unit: OrgUnit, period: ReportingPeriod) -> dict:
    """The unit's own row, one rolled-up row per child unit, totals, and (for a
    unit without sub-units holding collaborators) its collaborators' records.

    One query sums the period's tallies of the subtree by the child unit each
    falls under, so the database does the roll-up (rule 8: counts summed along
    unit paths, never rates averaged) and a province reads one row per town.
    """
    children = [
        DisciplineRow(unit=child)
        for child in OrgUnit.objects.filter(parent=unit)
        .order_by("path")
        .only("pk", "name", "path", "parent_id", "depth", "kind")
    ]
    counts = (
        _subtree_tallies(user, unit)
        .filter(period=period)
        .annotate(branch=_branch_path(unit))
        .values("branch")
        .annotate(**_state_sums())
    )
    by_branch = {row.pop("branch"): _no_none(row) for row in counts}
    own = DisciplineRow(unit=unit)
    own.add(by_branch.get(unit.path, {}))
    for row in children:
        row.add(by_branch.get(row.unit.path, {}))
    total = DisciplineRow(unit=unit)
    for row in [own, *children]:
        total.add(vars(row))
    is_leaf = not any(row.collaborators for row in children)
    records = None
    if is_leaf:
        records = list(
            ReportingRecord.objects.visible_to(user)
            .filter(period=period, unit=unit)
            .select_related("collaborator")
            .order_by("collaborator__full_name", "collaborator_id")
        )
    return {
        "own": own,
        "children": children,
        "total": total,
        "is_leaf": is_leaf,
        "records": records,
    }


def _subtree_tallies(user, unit: OrgUnit):
    """The tallies of ``unit``'s subtree the user may see.

    By the units' paths: a province's subtree is every unit, and a list of all
    their ids would cost the query more than it filters.
    """
    return (
        ReportingTally.objects.visible_to(user)
        .filter(unit__path__startswith=unit.path)
        .order_by()
    )


def _branch_path(unit: OrgUnit):
    """The path of the child of ``unit`` a tally's unit lies under, or ``unit``'s
    own path for its own tallies: the unit path up to the first "/" after
    ``unit``'s path (paths are "/1/2/42/")."""
    length = len(unit.path)
    rest = Substr("unit__path", length + 1)
    return Substr("unit__path", 1, length + StrIndex(rest, Value("/")))


def discipline_trend(user, unit: OrgUnit, period: ReportingPeriod) -> dict:
    """The unit subtree's rates over the last periods up to ``period``, one query."""
    periods = list(
        ReportingPeriod.objects.filter(start__lte=period.start).order_by("-start")[
            :DISCIPLINE_TREND_PERIODS
        ]
    )[::-1]
    counts = (
        _subtree_tallies(user, unit)
        .filter(period__in=periods)
        .values("period_id")
        .annotate(**_state_sums())
    )
    by_period = {row.pop("period_id"): _no_none(row) for row in counts}
    labels, reporting, on_time, rows = [], [], [], []
    for item in periods:
        row = DisciplineRow()
        row.add(by_period.get(item.pk, {}))
        label = f"{item.start:%m/%Y}"
        labels.append(label)
        reporting.append(rounded_rate(row.reporting_rate))
        on_time.append(rounded_rate(row.on_time_rate))
        rows.append((label, row))
    return {
        "data": {
            "labels": labels,
            "datasets": [
                {
                    "key": "reporting",
                    "label": str(_("Reporting rate")),
                    "data": reporting,
                },
                {"key": "on_time", "label": str(_("On-time rate")), "data": on_time},
            ],
        },
        "rows": rows,
    }


def _no_none(sums: dict) -> dict:
    """SUM of no rows is NULL: a state with no tally counts zero."""
    return {state: value or 0 for state, value in sums.items()}


def rounded_rate(rate: float | None) -> float | None:
    """A rate to one decimal, as the page and the workbook show it."""
    return None if rate is None else round(rate, 1)


def my_discipline(
    user, count: int = DISCIPLINE_TREND_PERIODS, *, period=CURRENT
) -> dict:
    """A collaborator's current period and its report, and their latest records.

    ``period`` is the current period when the caller has read it already.
    """
    if period is CURRENT:
        period = ReportingPeriod.objects.current()
    sent = None
    if period is not None:
        sent = (
            OpinionReport.objects.visible_to(user)
            .filter(
                period=period,
                kind=OpinionReport.Kind.PERIODIC,
                status__in=[Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED],
                submitted_at__isnull=False,
            )
            .order_by("submitted_at")
            .values_list("submitted_at", flat=True)
            .first()
        )
    records = list(
        ReportingRecord.objects.visible_to(user)
        .filter(period__deadline__lt=timezone.localdate())
        .select_related("period")
        .order_by("-period__start")[:count]
    )
    return {"period": period, "sent": sent, "records": records}
