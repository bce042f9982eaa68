"""Issues (open, new, lingering, the top lists) and their follow-ups."""

import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import Coalesce

from reports.models import FollowUp, Issue
from summaries.snapshot.scope import (
    LIST_ITEMS,
    NEGATIVE_DIRECTIONS,
    Scope,
    day_bounds,
    iso,
    share,
)

# Below this many streams an issue's share of opposed or worried opinion says
# little (one stream of one makes 100 %): it does not enter that top list.
MIN_STREAMS_FOR_SHARE = 3


def issues(scope: Scope) -> dict:
    period = scope.period
    limit = settings.SUMMARY_TOP_ISSUES
    volume = {
        row["issue_id"]: row
        for row in scope.reports()
        .filter(period_id=period.pk, issue__isnull=False)
        .values("issue_id")
        .annotate(
            reports=Count("id"),
            communes=Count(Coalesce("area_id", "unit_id"), distinct=True),
        )
    }
    streams = {
        row["report__issue_id"]: row
        for row in scope.streams([period.pk])
        .filter(report__issue__isnull=False)
        .values("report__issue_id")
        .annotate(
            streams=Count("id"),
            negative=Count("id", filter=Q(direction__in=NEGATIVE_DIRECTIONS)),
        )
    }
    # Issues of the subtree, counted at each period's end.
    issues = Issue.objects.filter(unit_id__in=scope.ids).order_by()
    counts = {}
    for item in scope.periods:
        _start, end = day_bounds(item)
        lingering_before = item.end - datetime.timedelta(
            days=settings.SUMMARY_LINGERING_DAYS
        )
        open_at_end = Q(first_seen__lte=item.end) & (
            Q(resolved_at__isnull=True) | Q(resolved_at__gte=end)
        )
        counts[item.pk] = {
            f"open_{item.pk}": Count("id", filter=open_at_end),
            f"new_{item.pk}": Count(
                "id", filter=Q(first_seen__gte=item.start, first_seen__lte=item.end)
            ),
            f"lingering_{item.pk}": Count(
                "id", filter=open_at_end & Q(first_seen__lte=lingering_before)
            ),
        }
    aggregate = issues.aggregate(
        **{key: value for group in counts.values() for key, value in group.items()}
    )

    _start, end = day_bounds(period)
    lingering_before = period.end - datetime.timedelta(
        days=settings.SUMMARY_LINGERING_DAYS
    )
    new_ids = list(
        issues.filter(first_seen__gte=period.start, first_seen__lte=period.end)
        .order_by("-severity", "first_seen", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    lingering_ids = list(
        issues.filter(
            Q(first_seen__lte=lingering_before)
            & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=end))
        )
        .order_by("first_seen", "pk")
        .values_list("pk", flat=True)[:limit]
    )

    def negative_share(pk):
        row = streams.get(pk)
        return share(row["negative"], row["streams"]) if row else None

    by_volume = sorted(volume, key=lambda pk: (-volume[pk]["reports"], pk))[:limit]
    by_share = sorted(
        (
            pk
            for pk in streams
            if streams[pk]["streams"] >= MIN_STREAMS_FOR_SHARE
            and streams[pk]["negative"]
        ),
        key=lambda pk: (-negative_share(pk), -streams[pk]["streams"], pk),
    )[:limit]
    by_communes = sorted(
        (pk for pk in volume if volume[pk]["communes"] > 1),
        key=lambda pk: (-volume[pk]["communes"], -volume[pk]["reports"], pk),
    )[:limit]
    wanted = {*by_volume, *by_share, *by_communes, *new_ids, *lingering_ids}
    details = {
        issue.pk: issue
        for issue in Issue.objects.filter(pk__in=wanted)
        .select_related("unit")
        .only(
            "pk",
            "title",
            "status",
            "severity",
            "first_seen",
            "last_seen",
            "unit__name",
        )
    }

    def row(pk):
        issue = details[pk]
        seen = volume.get(pk, {})
        said = streams.get(pk, {})
        first = issue.first_seen
        return {
            "id": pk,
            "title": issue.title,
            "unit": issue.unit.name,
            "status": issue.status,
            "severity": issue.severity,
            "reports": seen.get("reports", 0),
            "streams": said.get("streams", 0),
            "negative_streams": said.get("negative", 0),
            "negative_share": negative_share(pk),
            "communes": seen.get("communes", 0),
            "first_seen": iso(first),
            "last_seen": iso(issue.last_seen),
            "days_open": (period.end - first).days if first else None,
        }

    return {
        "open": scope.keyed_figure(aggregate, "open"),
        "new": scope.keyed_figure(aggregate, "new"),
        "lingering": scope.keyed_figure(aggregate, "lingering"),
        "by_volume": [row(pk) for pk in by_volume if pk in details],
        "by_negative_share": [row(pk) for pk in by_share if pk in details],
        "by_communes": [row(pk) for pk in by_communes if pk in details],
        "new_items": [row(pk) for pk in new_ids if pk in details],
        "lingering_items": [row(pk) for pk in lingering_ids if pk in details],
    }


def follow_ups(scope: Scope) -> dict:
    followups = FollowUp.objects.filter(issue__unit_id__in=scope.ids).order_by()
    aggregates = {}
    for item in scope.periods:
        aggregates[f"resolved_{item.pk}"] = Count(
            "id", filter=Q(responded_on__gte=item.start, responded_on__lte=item.end)
        )
        aggregates[f"overdue_{item.pk}"] = Count(
            "id",
            filter=Q(due_date__lt=item.end)
            & (Q(responded_on__isnull=True) | Q(responded_on__gt=item.end)),
        )
    counts = followups.aggregate(**aggregates)
    period = scope.period

    def items(queryset):
        return [
            {
                "id": f.pk,
                "issue_id": f.issue_id,
                "issue_title": f.issue.title,
                "agency": f.agency,
                "request": f.request,
                "due_date": iso(f.due_date),
                "responded_on": iso(f.responded_on),
                "response": f.response,
                "days_overdue": max(
                    ((f.responded_on or period.end) - f.due_date).days, 0
                ),
            }
            for f in queryset.select_related("issue")[:LIST_ITEMS]
        ]

    return {
        "resolved": scope.keyed_figure(counts, "resolved"),
        "overdue": scope.keyed_figure(counts, "overdue"),
        "resolved_items": items(
            followups.filter(
                responded_on__gte=period.start, responded_on__lte=period.end
            ).order_by("-responded_on", "pk")
        ),
        "overdue_items": items(
            followups.filter(
                Q(due_date__lt=period.end)
                & (Q(responded_on__isnull=True) | Q(responded_on__gt=period.end))
            ).order_by("due_date", "pk")
        ),
    }
