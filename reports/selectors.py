"""Reads for reports: the queue, report and issue pages, home panels."""

from collections import OrderedDict
from dataclasses import dataclass

from django.db import connections
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dluan.models import OrgUnit
from dluan.scoping import subtree_ids
from dluan.search import fold, search
from reports.models import (
    Attachment,
    Direction,
    EarlyWarning,
    FocusTopic,
    FollowUp,
    Issue,
    OpinionReport,
    OpinionStream,
    ReportEvent,
    ReportingPeriod,
    ReportingRecord,
    ReportingTally,
    Topic,
)

Status = OpinionReport.Status


def coverage_areas(collaborator):
    """Units a collaborator may report about: their coverage areas and below."""
    paths = [unit.path for unit in collaborator.coverage_areas.all()]
    if not paths:
        return OrgUnit.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return OrgUnit.objects.filter(condition, is_active=True).order_by("path")


def focus_topics_for(unit, period=None):
    """Focus topics of ``unit`` and its ancestors for ``period`` (default: current)."""
    period = period or ReportingPeriod.objects.current()
    if unit is None or period is None:
        return FocusTopic.objects.none()
    return (
        FocusTopic.objects.filter(period=period, unit_id__in=unit.path_ids)
        .select_related("topic", "unit")
        .order_by("topic__name")
    )


def topic_choices():
    """Active topics, parents before their children."""
    topics = list(Topic.objects.active().select_related("parent"))
    by_parent = {}
    for topic in topics:
        by_parent.setdefault(topic.parent_id, []).append(topic)
    ordered = []

    def walk(parent_id, depth):
        for topic in sorted(by_parent.get(parent_id, []), key=lambda t: t.name):
            topic.depth = depth
            ordered.append(topic)
            walk(topic.pk, depth + 1)

    walk(None, 0)
    # Active children of a retired parent still appear, at the top level.
    seen = {t.pk for t in ordered}
    ordered += [t for t in topics if t.pk not in seen]
    return ordered


def report_queue(user, filters: dict):
    """Reports in the user's scope, filtered; urgent first, then oldest first."""
    queryset = OpinionReport.objects.visible_to(user).with_related()
    status = filters.get("status")
    if status:
        queryset = queryset.filter(status=status)
    else:
        queryset = queryset.exclude(status__in=[Status.DRAFT, Status.ARCHIVED])
    if filters.get("period"):
        queryset = queryset.filter(period=filters["period"])
    if filters.get("unit"):
        queryset = queryset.filter(unit__path__startswith=filters["unit"].path)
    if filters.get("topic"):
        topic = filters["topic"]
        # The topic and its sub-topics as ids, so the planner sees how many rows
        # they hold.
        topic_ids = list(
            Topic.objects.filter(Q(pk=topic.pk) | Q(parent=topic)).values_list(
                "pk", flat=True
            )
        )
        queryset = queryset.filter(
            Exists(
                OpinionReport.topics.through.objects.filter(
                    opinionreport_id=OuterRef("pk"), topic_id__in=topic_ids
                )
            )
        )
    if filters.get("direction"):
        queryset = queryset.filter(
            Exists(
                OpinionStream.objects.filter(
                    report=OuterRef("pk"), direction=filters["direction"]
                )
            )
        )
    if filters.get("kind"):
        queryset = queryset.filter(kind=filters["kind"])
    if filters.get("urgency"):
        queryset = queryset.filter(urgency=filters["urgency"])
    if filters.get("q"):
        queryset = search(queryset, filters["q"])
    return queryset.order_by("-urgency", "submitted_at", "pk")


def queue_rows(keys):
    """The queue's rows for a page's keys (already scoped and filtered)."""
    return (
        OpinionReport.objects.filter(pk__in=keys)
        .select_related("author", "unit", "area", "issue")
        .prefetch_related("topics")
    )


def with_stream_counts(reports) -> list:
    """``reports`` (one page) with ``stream_count`` set: one query, for this page only."""
    reports = list(reports)
    counts = dict(
        OpinionStream.objects.filter(report__in=[r.pk for r in reports])
        .values_list("report")
        .annotate(n=Count("pk"))
        .values_list("report", "n")
    )
    for report in reports:
        report.stream_count = counts.get(report.pk, 0)
    return reports


def my_reports(user):
    return (
        OpinionReport.objects.visible_to(user)
        .exclude(status=Status.ARCHIVED)
        .select_related("period", "area", "issue")
        .order_by("-created_at", "-pk")
    )


def report_for_page(user, pk):
    """One report in the user's scope with everything its page shows."""
    return (
        OpinionReport.objects.visible_to(user)
        .with_related()
        .select_related("author__user")
        .prefetch_related(
            Prefetch(
                "streams", queryset=OpinionStream.objects.order_by("position", "pk")
            ),
            Prefetch("attachments", queryset=Attachment.objects.order_by("pk")),
            Prefetch(
                "events",
                queryset=ReportEvent.objects.select_related("actor").order_by(
                    "created_at", "pk"
                ),
            ),
        )
        .filter(pk=pk)
    )


def last_question(report) -> ReportEvent | None:
    """The latest question staff returned the report with (from prefetched events)."""
    questions = [
        e for e in report.events.all() if e.action == ReportEvent.Action.RETURNED
    ]
    return questions[-1] if questions else None


def issue_for_page(user, pk):
    """One issue in the user's scope; its areas only those the user may see."""
    return (
        Issue.objects.visible_to(user)
        .with_related(user)
        .prefetch_related(
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.select_related("created_by").order_by(
                    "due_date", "pk"
                ),
            ),
            Prefetch(
                "directions",
                queryset=Direction.objects.select_related("author").order_by(
                    "-created_at", "-pk"
                ),
            ),
        )
        .filter(pk=pk)
    )


def issue_reports(user, issue):
    """The issue's reports this user may see (a collaborator: only their own)."""
    return (
        OpinionReport.objects.visible_to(user)
        .filter(issue=issue)
        .exclude(status=Status.ARCHIVED)
        .select_related("author", "area", "period")
        .order_by("-submitted_at", "-pk")
    )


def issue_direction_mix(user, issue) -> dict:
    """Stream counts by direction for each period, from the reports the user sees."""
    reports = (
        OpinionReport.objects.visible_to(user)
        .filter(issue=issue)
        .exclude(status=Status.ARCHIVED)
    )
    rows = (
        OpinionStream.objects.filter(report__in=reports)
        .values("report__period__start", "direction")
        .annotate(n=Count("pk"))
        .order_by("report__period__start")
    )
    periods = OrderedDict()
    for row in rows:
        start = row["report__period__start"]
        label = start.strftime("%m/%Y") if start else "—"
        periods.setdefault(label, {})
        periods[label][row["direction"] or "unclear"] = row["n"]
    labels = list(periods)
    datasets = []
    for value, label in OpinionStream.Direction.choices:
        datasets.append(
            {
                "key": value,
                "label": str(label),
                "data": [periods[p].get(value, 0) for p in labels],
            }
        )
    rows = [
        [label] + [dataset["data"][index] for dataset in datasets]
        for index, label in enumerate(labels)
    ]
    return {"labels": labels, "datasets": datasets, "rows": rows}


ISSUE_SEARCH_LIMIT = 20


def issue_link_candidates(user, issue, query: str) -> list[OpinionReport]:
    """Reports matching ``query`` that staff may add to ``issue``, one query.

    Only submitted or accepted reports can join an issue; one more row than the
    limit is read so the page can say there are more without counting them.
    """
    queryset = (
        OpinionReport.objects.visible_to(user)
        .live()
        .filter(status__in=[Status.SUBMITTED, Status.ACCEPTED])
        .exclude(issue=issue)
        .select_related("author", "area", "issue")
        .order_by("-submitted_at", "-pk")
    )
    return list(search(queryset, query)[: ISSUE_SEARCH_LIMIT + 1])


def with_report_counts(user, issues) -> list:
    """``issues`` (one page) with ``report_count``: live reports the user may see.

    One grouped query over the reports of these issues alone, by their issue
    index: counting inside the list's own query would visit every issue's reports
    for every page.
    """
    issues = list(issues)
    counts = dict(
        OpinionReport.objects.visible_to(user)
        .live()
        .filter(issue__in=[issue.pk for issue in issues])
        .order_by()
        .values_list("issue")
        .annotate(n=Count("pk"))
        .values_list("issue", "n")
    )
    for issue in issues:
        issue.report_count = counts.get(issue.pk, 0)
    return issues


def linkable_issues(user, report):
    """Open issues a report can join from its page: those of its unit and above.

    A province holds thousands of issues; the ones of other towns are not what a
    report is about (the issue page finds any report by search instead).
    """
    return (
        Issue.objects.visible_to(user)
        .open()
        .filter(unit__in=report.unit.path_ids)
        .order_by("-last_seen", "-pk")
    )


SIMILAR_ISSUES = 3
SIMILAR_ISSUE_THRESHOLD = 0.3


def similar_issues(user, report, limit: int = SIMILAR_ISSUES) -> list[Issue]:
    """The open issues a report may join that its title most resembles.

    Among the issues its page offers (its unit's and those above: a few dozen),
    by trigram similarity of the folded title on PostgreSQL; elsewhere, issues
    sharing at least two of the title's longer words.
    """
    candidates = linkable_issues(user, report)
    title = fold(report.title)
    if connections[candidates.db].vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        return list(
            candidates.annotate(likeness=TrigramSimilarity("search_text", title))
            .filter(likeness__gte=SIMILAR_ISSUE_THRESHOLD)
            .order_by("-likeness", "-last_seen", "-pk")[:limit]
        )
    words = {word for word in title.split() if len(word) >= 4}
    scored = []
    for issue in candidates:
        shared = len(words & set(issue.search_text.split()))
        if shared >= 2:
            scored.append((shared, issue))
    scored.sort(key=lambda pair: -pair[0])
    return [issue for _shared, issue in scored[:limit]]


def overdue_followups(user, limit=10):
    return (
        FollowUp.objects.visible_to(user)
        .overdue()
        .select_related("issue")
        .order_by("due_date", "pk")[:limit]
    )


def staff_queue_counts(user) -> dict:
    # Only the rows counted are read: the queue index holds status, urgency, kind
    # and unit, so the counts come from the index alone.
    queryset = OpinionReport.objects.visible_to(user).filter(
        status__in=[Status.SUBMITTED, Status.RETURNED]
    )
    return queryset.aggregate(
        submitted=Count("pk", filter=Q(status=Status.SUBMITTED)),
        urgent=Count(
            "pk",
            filter=Q(status=Status.SUBMITTED)
            & (Q(urgency__gt=1) | Q(kind=OpinionReport.Kind.URGENT)),
        ),
        returned=Count("pk", filter=Q(status=Status.RETURNED)),
    )


def urgent_waiting(user, limit=5):
    return (
        OpinionReport.objects.visible_to(user)
        .filter(status=Status.SUBMITTED)
        .filter(Q(urgency__gt=1) | Q(kind=OpinionReport.Kind.URGENT))
        .select_related("area", "author")
        .order_by("-urgency", "submitted_at", "pk")[:limit]
    )


def open_issues_by_severity(user) -> list[dict]:
    counts = dict(
        Issue.objects.visible_to(user)
        .open()
        .values_list("severity")
        .annotate(n=Count("pk"))
        .values_list("severity", "n")
    )
    return [
        {"value": value, "label": label, "count": counts.get(value, 0)}
        for value, label in reversed(Issue.Severity.choices)
    ]


def recent_directions(user, limit=5):
    return (
        Direction.objects.visible_to(user)
        .select_related("issue", "author")
        .order_by("-created_at", "-pk")[:limit]
    )


def resolved_issues_of(user, limit=5):
    return (
        Issue.objects.visible_to(user)
        .filter(status__in=[Issue.Status.RESOLVED, Issue.Status.CLOSED])
        .order_by("-resolved_at", "-pk")[:limit]
    )


# --- Reporting discipline (rules in reports/services/discipline.py) -----------------

DISCIPLINE_TREND_PERIODS = 6


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
        for state in ReportingRecord.State.values:
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
    return {
        state: Sum("count", filter=Q(state=state))
        for state in ReportingRecord.State.values
    }


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

    One grouped query over the period's records of the subtree; the roll-up sums
    counts along unit paths (rule 8), never averages rates.
    """
    units = list(
        OrgUnit.objects.filter(path__startswith=unit.path)
        .order_by("path")
        .only("pk", "name", "path", "parent_id", "depth", "kind")
    )
    unit._subtree_ids = [u.pk for u in units]
    counts = (
        ReportingTally.objects.visible_to(user)
        .filter(period=period, unit_id__in=unit._subtree_ids)
        .order_by()
        .values("unit_id")
        .annotate(**_state_sums())
    )
    by_unit = {row.pop("unit_id"): _no_none(row) for row in counts}
    own = DisciplineRow(unit=unit)
    own.add(by_unit.get(unit.pk, {}))
    children = [DisciplineRow(unit=u) for u in units if u.parent_id == unit.pk]
    child_of_path = {row.unit.path: row for row in children}
    depth = unit.depth + 1
    for member in units:
        if member.depth < depth or member.pk not in by_unit:
            continue
        # The child's path is the first depth + 1 ids of the member's path.
        child_path = (
            "/" + "/".join(member.path.strip("/").split("/")[: depth + 1]) + "/"
        )
        child_of_path[child_path].add(by_unit[member.pk])
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


def discipline_trend(user, unit: OrgUnit, period: ReportingPeriod) -> dict:
    """The unit subtree's rates over the last periods up to ``period``, one query."""
    periods = list(
        ReportingPeriod.objects.filter(start__lte=period.start).order_by("-start")[
            :DISCIPLINE_TREND_PERIODS
        ]
    )[::-1]
    counts = (
        ReportingTally.objects.visible_to(user)
        .filter(period__in=periods, unit_id__in=subtree_ids(unit))
        .order_by()
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
        reporting.append(_rounded(row.reporting_rate))
        on_time.append(_rounded(row.on_time_rate))
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


def _rounded(rate: float | None) -> float | None:
    return None if rate is None else round(rate, 1)


def discipline_sheets(table: dict) -> list[tuple[str, list[str], list[list]]]:
    """The discipline page's rows as workbook sheets: units, then collaborators."""
    header = [
        _("Unit"),
        _("Expected"),
        _("On time"),
        _("Late"),
        _("Missing"),
        _("Not yet due"),
        _("Reporting rate (%)"),
        _("On-time rate (%)"),
    ]

    def line(name, row):
        return [
            name,
            row.expected,
            row.on_time,
            row.late,
            row.missing,
            row.pending,
            "—" if row.reporting_rate is None else _rounded(row.reporting_rate),
            "—" if row.on_time_rate is None else _rounded(row.on_time_rate),
        ]

    own = table["own"]
    rows = [line(gettext("%(unit)s (own)") % {"unit": own.unit.name}, own)]
    rows += [line(row.unit.name, row) for row in table["children"]]
    rows.append(line(gettext("Total"), table["total"]))
    sheets = [(_("Units"), header, rows)]
    if table["records"] is not None:
        sheets.append(
            (
                _("Collaborators"),
                [_("Collaborator"), _("State"), _("Submitted on")],
                [
                    [
                        record.collaborator.full_name,
                        str(record.get_state_display()),
                        timezone.localtime(record.submitted_at).strftime("%d/%m/%Y")
                        if record.submitted_at
                        else "",
                    ]
                    for record in table["records"]
                ],
            )
        )
    return sheets


def my_discipline(user, count: int = DISCIPLINE_TREND_PERIODS) -> dict:
    """A collaborator's current period and its report, and their latest records."""
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


# --- Early warnings ---------------------------------------------------------------


def warnings_list(user, *, kind: str = "", show: str = "open"):
    """Warnings in the user's scope: open ones first, then the newest."""
    queryset = EarlyWarning.objects.visible_to(user)
    if kind:
        queryset = queryset.filter(kind=kind)
    if show != "all":
        queryset = queryset.open()
    return queryset.order_by(
        F("acknowledged_at").desc(nulls_first=True), "-raised_at", "-pk"
    )


def warning_rows(keys):
    """A page's warnings (keys already scoped and filtered), with what they show."""
    return EarlyWarning.objects.filter(pk__in=keys).with_related()


def with_visible_reports(user, warnings) -> list:
    """``warnings`` with ``reports`` set: (id, title) of those the user may see."""
    warnings = list(warnings)
    ids = {pk for warning in warnings for pk in warning.report_ids}
    titles = dict(
        OpinionReport.objects.visible_to(user)
        .filter(pk__in=ids)
        .values_list("pk", "title")
        if ids
        else []
    )
    for warning in warnings:
        warning.reports = [
            (pk, titles[pk]) for pk in warning.report_ids if pk in titles
        ]
    return warnings


def open_warnings(user, limit=5):
    """The newest open warnings of the user's scope, for the home panels."""
    return (
        EarlyWarning.objects.visible_to(user)
        .open()
        .select_related("unit")
        .order_by("-raised_at", "-pk")[:limit]
    )
