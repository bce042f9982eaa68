"""The reporting parts of the emulation score (rules in collaborators/scoring.py).

``parts(year, collaborator_ids)`` returns part name → {collaborator id: 0..1};
a collaborator of whom nothing was expected in a part is left out of it.
"""

from django.conf import settings
from django.db.models import Count, F, Q, Sum

from reports.models import OpinionReport, ReportingRecord

State = ReportingRecord.State


def _limit(queryset, field: str, collaborator_ids):
    if collaborator_ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": list(collaborator_ids)})


def parts(year: int, collaborator_ids=None) -> dict[str, dict[int, float]]:
    cap = max(1, settings.SCORE_URGENT_CAP)
    reporting, on_time = {}, {}
    records = (
        _limit(ReportingRecord.objects, "collaborator_id", collaborator_ids)
        .filter(
            period__deadline__year=year,
            state__in=[State.ON_TIME, State.LATE, State.MISSING],
        )
        .values("collaborator_id")
        .annotate(
            expected=Count("id"),
            filed=Count("id", filter=Q(state__in=[State.ON_TIME, State.LATE])),
            in_time=Count("id", filter=Q(state=State.ON_TIME)),
        )
        .order_by()
    )
    for row in records:
        reporting[row["collaborator_id"]] = row["filed"] / row["expected"]
        on_time[row["collaborator_id"]] = row["in_time"] / row["expected"]

    accepted = _limit(OpinionReport.objects, "author_id", collaborator_ids).filter(
        status=OpinionReport.Status.ACCEPTED, accepted_at__year=year
    )
    quality, urgent = {}, dict.fromkeys(reporting, 0.0)
    rows = (
        accepted.values("author_id")
        .annotate(
            rated=Count("id", filter=Q(quality_depth__isnull=False)),
            points=Sum(
                F("quality_depth")
                + F("quality_balance")
                + F("quality_timeliness")
                + F("quality_usefulness"),
                filter=Q(quality_depth__isnull=False),
            ),
            urgent=Count("id", filter=Q(kind=OpinionReport.Kind.URGENT)),
        )
        .order_by()
    )
    for row in rows:
        if row["rated"] and row["points"] is not None:
            average = row["points"] / (4 * row["rated"])
            quality[row["author_id"]] = min(1.0, max(0.0, (average - 1) / 4))
        if row["urgent"]:
            urgent[row["author_id"]] = min(row["urgent"], cap) / cap
    return {
        "reporting": reporting,
        "on_time": on_time,
        "quality": quality,
        "urgent": urgent,
    }
