"""The survey share of the ``quality`` part of the emulation score.

``dluan.registry.score_parts`` gathers the apps' parts in order, and a part of
the same name from a later app replaces an earlier app's value collaborator by
collaborator; surveys come after reports. So for every collaborator whose survey
responses submitted in the year were reviewed (approved, rejected or "has
issues"), ``quality`` here is:

- the mean of the report quality that ``reports.scoring`` computes and the share
  of those reviewed responses that were not rejected, when the collaborator has
  both: (report quality + not rejected / reviewed) / 2;
- the share of reviewed responses not rejected alone, when the collaborator had
  no rated report accepted in the year.

A collaborator without reviewed survey responses is left out, and keeps the
report figure. Two aggregate queries (reports' own, and one GROUP BY here).
"""

from django.db.models import Count, Q

from surveys.models import Response

Review = Response.Review


def survey_quality(year: int, collaborator_ids=None) -> dict[int, float]:
    """Collaborator id → share of their reviewed responses of the year not rejected."""
    queryset = Response.objects.filter(
        collaborator__isnull=False,
        state=Response.State.SUBMITTED,
        submitted_at__year=year,
        review__in=[Review.APPROVED, Review.REJECTED, Review.HAS_ISSUES],
    )
    if collaborator_ids is not None:
        queryset = queryset.filter(collaborator_id__in=list(collaborator_ids))
    rows = (
        queryset.values("collaborator_id")
        .annotate(
            reviewed=Count("pk"),
            rejected=Count("pk", filter=Q(review=Review.REJECTED)),
        )
        .order_by()
    )
    return {
        row["collaborator_id"]: (row["reviewed"] - row["rejected"]) / row["reviewed"]
        for row in rows
    }


def parts(year: int, collaborator_ids=None) -> dict[str, dict[int, float]]:
    from reports import scoring as report_scoring

    surveys = survey_quality(year, collaborator_ids)
    if not surveys:
        return {}
    reports = report_scoring.parts(year, list(surveys))["quality"]
    quality = {}
    for collaborator_id, share in surveys.items():
        report = reports.get(collaborator_id)
        quality[collaborator_id] = share if report is None else (report + share) / 2
    return {"quality": quality}
