"""Reads for the review queue, a report's page and the staff home panels."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from dluan.search import search
from reports.models import (
    Attachment,
    OpinionReport,
    OpinionStream,
    ReportEvent,
    Topic,
)

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
