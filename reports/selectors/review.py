"""Reads for the review queue, a report's page and the staff home panels."""

from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    Value,
)
from django.db.models.functions import Cast
from django.urls import reverse

from dluan.search import search
from reports.models import (
    Attachment,
    OpinionReport,
    OpinionStream,
    ReportEvent,
    Topic,
)
from reports.models.filing import town_of

Status = OpinionReport.Status


def report_queue(user, filters: dict):
    """Reports in the user's scope, filtered; urgent first, then oldest first.

    The list alone, without joins: a page reads its keys from it and then its
    rows (``queue_rows``), so the paginator's count and estimate plan a query
    on one table.
    """
    queryset = OpinionReport.objects.visible_to(user)
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
    town = _queue_town(user, filters.get("unit"))
    if town is not None:
        # Implied by the scope, and said again for the indexes keyed on the town:
        # the queue's order within a town (report_queue_town), where the
        # province's order would pass over every other town's reports to fill a
        # page, and the words of a search (report_town_search). The latter's
        # operator class compares bigint with bigint: hence the cast.
        queryset = queryset.filter(town=Cast(Value(town), BigIntegerField()))
    return queryset.order_by("-urgency", "submitted_at", "pk")


def _queue_town(user, unit) -> int | None:
    """The town every report the queue may show lies in, if there is one."""
    scope = None if user.is_superuser else user.org_unit
    for candidate in (unit, scope):
        if candidate is not None and town_of(candidate) is not None:
            return town_of(candidate)
    return None


def queue_rows(keys):
    """The queue's rows for a page's keys (already scoped and filtered)."""
    return (
        OpinionReport.objects.filter(pk__in=keys)
        .select_related("author", "unit", "area", "issue")
        .prefetch_related("topics")
    )


def with_stream_counts(reports) -> list:
    """One page of the queue made ready to draw, for this page only.

    ``stream_count`` (one query), and the labels and link each row shows, looked
    up once per page: ``get_FOO_display`` rebuilds its choices on every call.
    """
    reports = list(reports)
    counts = dict(
        OpinionStream.objects.filter(report__in=[r.pk for r in reports])
        .values_list("report")
        .annotate(n=Count("pk"))
        .values_list("report", "n")
    )
    statuses = {value: str(label) for value, label in Status.choices}
    urgencies = {value: str(label) for value, label in OpinionReport.Urgency.choices}
    urgent_kind = str(OpinionReport.Kind.URGENT.label)
    # The detail path of a report is a fixed prefix followed by its id.
    link = reverse("reports:report-detail", args=[0]).removesuffix("0/")
    for report in reports:
        report.stream_count = counts.get(report.pk, 0)
        report.status_label = statuses.get(report.status, report.status)
        report.urgency_label = (
            urgencies.get(report.urgency)
            if report.urgency > OpinionReport.Urgency.NORMAL
            else urgent_kind
            if report.kind == OpinionReport.Kind.URGENT
            else ""
        )
        report.link = f"{link}{report.pk}/"
    return reports


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
