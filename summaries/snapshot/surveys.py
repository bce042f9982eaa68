"""The opinion surveys of the unit's subtree that closed in the period, with their
headline figures (``surveys.selectors.results.headline``), frozen as they were."""

from django.db.models import Count, Q

from summaries.snapshot.scope import Scope
from surveys.models import Response, Survey
from surveys.selectors.results import headline

# A province runs a handful of surveys a period; the brief lists them all, up to this.
MOST = 10


def surveys(scope: Scope) -> list[dict]:
    period = scope.period
    found = (
        Survey.objects.filter(
            unit_id__in=scope.ids,
            status__in=[Survey.Status.CLOSED, Survey.Status.ARCHIVED],
            ends_on__gte=period.start,
            ends_on__lte=period.end,
        )
        .select_related("unit")
        .annotate(
            approved=Count(
                "responses",
                filter=Q(
                    responses__state=Response.State.SUBMITTED,
                    responses__review=Response.Review.APPROVED,
                ),
            )
        )
        .order_by("ends_on", "pk")[:MOST]
    )
    return [
        {
            "id": survey.pk,
            "title": survey.title,
            "unit": survey.unit.name,
            "mode": survey.mode,
            "starts_on": survey.starts_on.isoformat(),
            "ends_on": survey.ends_on.isoformat(),
            "approved": survey.approved,
            "headline": [
                {
                    "label": str(item.get("label", "")),
                    "answer": str(item.get("choice", "")),
                    "percent": item.get("weighted_percent"),
                    "low": item.get("low"),
                    "high": item.get("high"),
                }
                for item in headline(survey)
            ],
        }
        for survey in found
    ]
