"""The period's opinion: its reports, their streams by direction and topic, the
proposals and the quotes staff may pick."""

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Q

from reports.models import OpinionReport, OpinionStream, Topic
from summaries.snapshot.scope import (
    DIRECTIONS,
    NEGATIVE_DIRECTIONS,
    Scope,
    figure,
    iso,
    share_figure,
)

QUOTE_CANDIDATES = 30
PROPOSALS = 10


def reports(scope: Scope) -> dict:
    supportive = OpinionStream.objects.filter(
        report=OuterRef("pk"), direction=OpinionStream.Direction.SUPPORT
    )
    other = OpinionStream.objects.filter(report=OuterRef("pk")).exclude(
        direction=OpinionStream.Direction.SUPPORT
    )
    rows = {
        row.pop("period_id"): row
        for row in scope.reports()
        .values("period_id")
        .annotate(
            total=Count("id"),
            periodic=Count("id", filter=Q(kind=OpinionReport.Kind.PERIODIC)),
            urgent=Count("id", filter=Q(kind=OpinionReport.Kind.URGENT)),
            accepted=Count("id", filter=Q(status=OpinionReport.Status.ACCEPTED)),
            rumour=Count("id", filter=Q(is_rumour=True)),
            with_proposals=Count("id", filter=~Q(proposals="")),
            one_sided=Count(
                "id",
                filter=Q(proposals="") & Q(Exists(supportive)) & ~Q(Exists(other)),
            ),
        )
    }
    current, previous = scope.split(rows)
    result = {
        key: figure(current, previous, key)
        for key in (
            "total",
            "periodic",
            "urgent",
            "accepted",
            "rumour",
            "with_proposals",
            "one_sided",
        )
    }
    result["one_sided_share"] = share_figure(current, previous, "one_sided", "total")
    return result


def directions(scope: Scope) -> dict:
    rows = defaultdict(dict)
    for row in (
        scope.streams()
        .values("report__period_id", "direction")
        .annotate(count=Count("id"))
    ):
        rows[row["report__period_id"]][row["direction"] or "unclear"] = (
            rows[row["report__period_id"]].get(row["direction"] or "unclear", 0)
            + row["count"]
        )
    for counts in rows.values():
        counts["total"] = sum(counts.get(d, 0) for d in DIRECTIONS)
        counts["negative"] = sum(counts.get(d, 0) for d in NEGATIVE_DIRECTIONS)
    current, previous = scope.split(rows)
    result = {key: figure(current, previous, key) for key in (*DIRECTIONS, "total")}
    result["negative_share"] = share_figure(current, previous, "negative", "total")
    return result


def topics(scope: Scope) -> list[dict]:
    parents = dict(Topic.objects.values_list("pk", "parent_id"))
    names = dict(Topic.objects.values_list("pk", "name"))

    def root(pk):
        seen = 0
        while parents.get(pk) is not None and seen < 20:
            pk, seen = parents[pk], seen + 1
        return pk

    table: dict[int, dict] = {}
    for row in (
        scope.streams()
        .filter(report__topics__isnull=False)
        .values("report__period_id", "report__topics", "direction")
        .annotate(count=Count("id"))
    ):
        top = root(row["report__topics"])
        entry = table.setdefault(
            top,
            {
                "id": top,
                "name": names.get(top, ""),
                **dict.fromkeys(DIRECTIONS, 0),
                "total": 0,
                "previous_total": 0,
            },
        )
        if row["report__period_id"] == scope.period.pk:
            entry[row["direction"] or "unclear"] += row["count"]
            entry["total"] += row["count"]
        else:
            entry["previous_total"] += row["count"]
    return sorted(
        (entry for entry in table.values() if entry["total"]),
        key=lambda entry: (-entry["total"], entry["name"]),
    )


def proposals(scope: Scope) -> list[dict]:
    rows = (
        scope.reports()
        .filter(period_id=scope.period.pk)
        .exclude(proposals="")
        .select_related("author", "area", "unit")
        .only(
            "pk",
            "title",
            "proposals",
            "urgency",
            "submitted_at",
            "author__full_name",
            "area__name",
            "unit__name",
        )
        .order_by("-urgency", "-quality_usefulness", "-submitted_at", "-pk")[:PROPOSALS]
    )
    return [
        {
            "report_id": report.pk,
            "title": report.title,
            "text": report.proposals,
            "area": (report.area or report.unit).name,
            "author": report.author.full_name,
            "urgency": report.urgency,
            "submitted_at": iso(report.submitted_at),
        }
        for report in rows
    ]


def quote_candidates(scope: Scope) -> list[dict]:
    streams = (
        scope.streams([scope.period.pk])
        .filter(report__status=OpinionReport.Status.ACCEPTED, is_rumour=False)
        .select_related("report__author", "report__area", "report__unit")
        .only(
            "pk",
            "summary",
            "direction",
            "breadth",
            "intensity",
            "social_groups",
            "report__id",
            "report__title",
            "report__author__full_name",
            "report__area__name",
            "report__unit__name",
        )
        .order_by("-intensity", "-breadth", "-report__urgency", "-pk")[
            :QUOTE_CANDIDATES
        ]
    )
    return [
        {
            "stream_id": stream.pk,
            "report_id": stream.report.pk,
            "title": stream.report.title,
            "text": stream.summary,
            "direction": stream.direction,
            "breadth": stream.breadth,
            "intensity": stream.intensity,
            "area": (stream.report.area or stream.report.unit).name,
            "social_groups": list(stream.social_groups or []),
            "author": stream.report.author.full_name,
        }
        for stream in streams
    ]
