"""The plan: the sample size, its allocation to communes and cells (the quotas),
and the figures of the method's sentence."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from dluan.audit_bulk import BulkChanges
from surveys import stats
from surveys.forms.respondent import survey_communes
from surveys.models import AgeGroup, Sex, Survey, SurveyCell
from surveys.services.sample.base import _check_changeable, _write_cells

CELL_KEYS = [(sex, age) for sex in Sex.values for age in AgeGroup.values]


@dataclass
class Plan:
    """A sample-size calculation and its allocation to communes and cells."""

    n: int
    population: int
    quotas: dict  # (commune id, sex, age group) → quota
    by_commune: dict  # commune id → quota


def plan_compute(
    *,
    survey: Survey,
    margin: float,
    confidence: int,
    proportion: float,
    response_rate: float,
    allocation: str,
    cells: dict | None = None,
) -> Plan:
    """n from the sample-size helper, allocated to communes then to their cells.

    Proportional allocation shares n by the communes' population; equal gives each
    commune the same. Within a commune, its quota is shared by the population of
    its sex × age cells (equally when the commune has no figures). Every level
    adds up exactly (largest remainders).
    """
    if cells is None:
        cells = {
            (c.commune_id, c.sex, c.age_group): c.population
            for c in SurveyCell.objects.filter(survey=survey)
        }
    communes = [commune.pk for commune in survey_communes(survey)]
    people = {
        commune: {key: cells.get((commune, *key), 0) or 0 for key in CELL_KEYS}
        for commune in communes
    }
    total = sum(sum(row.values()) for row in people.values())
    n = stats.sample_size(
        margin=float(margin),
        confidence=int(confidence),
        proportion=float(proportion),
        population=total or None,
        response_rate=float(response_rate),
    )
    equal = allocation == Survey.Allocation.EQUAL
    if not equal and not total:
        raise ValidationError(
            _(
                "A proportional allocation needs the population of the communes: "
                "enter it first, or share the sample equally."
            )
        )
    by_commune = stats.allocate(
        n, {c: sum(people[c].values()) for c in communes}, equal=equal
    )
    quotas = {}
    for commune in communes:
        inside = people[commune]
        share = stats.allocate(
            by_commune[commune], inside, equal=not sum(inside.values())
        )
        for key, quota in share.items():
            quotas[(commune, *key)] = quota
    return Plan(n=n, population=total, quotas=quotas, by_commune=by_commune)


def sample_plan(
    *,
    survey: Survey,
    margin,
    confidence: int,
    proportion,
    response_rate,
    allocation: str,
    user,
) -> Plan:
    """Adopt a plan: save its inputs and n on the survey and set every quota."""
    _check_changeable(survey)
    with transaction.atomic():
        plan = plan_compute(
            survey=survey,
            margin=margin,
            confidence=confidence,
            proportion=proportion,
            response_rate=response_rate,
            allocation=allocation,
        )
        survey.margin_of_error = margin
        survey.confidence = confidence
        survey.expected_proportion = proportion
        survey.response_rate = response_rate
        survey.allocation = allocation
        survey.sample_size = plan.n
        survey.save(
            update_fields=[
                "margin_of_error",
                "confidence",
                "expected_proportion",
                "response_rate",
                "allocation",
                "sample_size",
                "updated_at",
            ]
        )
        _write_cells(survey=survey, values=plan.quotas, field="quota", user=user)
        # Cells of a commune no longer in the survey's population keep no quota.
        with BulkChanges(actor=user) as bulk:
            bulk.update(
                SurveyCell.objects.filter(survey=survey, quota__gt=0).exclude(
                    commune_id__in=list(plan.by_commune)
                ),
                quota=0,
            )
    return plan


def plan_method(
    *, margin, confidence: int, proportion, response_rate, population: int
) -> dict:
    """The figures of the method's sentence: z, n₀, n after the finite population
    correction, and n after the response rate (that of ``stats.sample_size``)."""
    z = stats.z_for(confidence)
    p, e = float(proportion), float(margin)
    n0 = z * z * p * (1 - p) / (e * e)
    corrected = n0 / (1 + (n0 - 1) / population) if population else n0
    return {
        "z": z,
        "p": p,
        "q": 1 - p,
        "e": e,
        "n0": n0,
        "population": population,
        "corrected": corrected,
        "response_rate": float(response_rate),
        "n": stats.sample_size(
            margin=e,
            confidence=int(confidence),
            proportion=p,
            population=population or None,
            response_rate=float(response_rate),
        ),
    }
