"""The sample-size helper and the allocation of quotas: figures worked by hand."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from surveys import stats
from surveys.models import AgeGroup, Sex, Survey, SurveyCell
from surveys.services import sample as services
from surveys.tests.factories import SurveyFactory

CELLS = [(sex, age) for sex in Sex.values for age in AgeGroup.values]


def test_textbook_sample_size_is_385():
    assert stats.sample_size(margin=0.05, confidence=95, proportion=0.5) == 385


def test_small_population_correction_by_hand():
    # n0 = 1.96² · 0.25 / 0.05² = 384.15; N = 500:
    # n = 384.15 / (1 + 383.15 / 500) = 384.15 / 1.7663 = 217.49 → 218.
    n0 = 1.959963984540054**2 * 0.25 / 0.0025
    assert round(n0, 2) == 384.15
    assert round(n0 / (1 + (n0 - 1) / 500), 2) == 217.49
    assert stats.sample_size(margin=0.05, proportion=0.5, population=500) == 218


def test_response_rate_raises_n():
    # 385 / 0.9 = 427.8 → 428.
    assert stats.sample_size(margin=0.05, response_rate=0.9) == 428


def test_plan_method_matches_sample_size():
    method = services.plan_method(
        margin=0.05, confidence=95, proportion=0.5, response_rate=1, population=500
    )
    assert round(method["n0"], 1) == 384.1
    assert round(method["corrected"], 1) == 217.5
    assert method["n"] == 218


@given(
    total=st.integers(min_value=0, max_value=5000),
    sizes=st.lists(
        st.integers(min_value=0, max_value=100_000), min_size=1, max_size=30
    ),
    equal=st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_allocation_adds_up_exactly(total, sizes, equal):
    shares = stats.allocate(total, dict(enumerate(sizes)), equal=equal)
    if equal or sum(sizes):
        assert sum(shares.values()) == total
    assert all(share >= 0 for share in shares.values())
    if not equal and sum(sizes):
        # Each share is its exact proportion rounded down or up, never further.
        for key, size in enumerate(sizes):
            exact = total * size / sum(sizes)
            assert math.floor(exact) <= shares[key] <= math.ceil(exact)


@pytest.fixture
def two_communes(survey, commune, other_commune):
    """Tứ Hạ 3,000 people, Hương Toàn 1,000, spread unevenly over the cells."""
    for index, (sex, age) in enumerate(CELLS):
        SurveyCell.objects.create(
            survey=survey,
            commune=commune,
            sex=sex,
            age_group=age,
            population=[300, 500, 400, 300, 350, 450, 400, 300][index],
        )
        SurveyCell.objects.create(
            survey=survey,
            commune=other_commune,
            sex=sex,
            age_group=age,
            population=125,
        )
    return survey


def _plan(survey, allocation):
    return services.plan_compute(
        survey=survey,
        margin=0.05,
        confidence=95,
        proportion=0.5,
        response_rate=1,
        allocation=allocation,
    )


def test_proportional_plan_adds_up_at_every_level(two_communes, commune, other_commune):
    plan = _plan(two_communes, Survey.Allocation.PROPORTIONAL)
    # N = 4,000: 384.15 / (1 + 383.15 / 4000) = 350.57 → 351.
    assert plan.n == 351
    assert plan.by_commune == {commune.pk: 263, other_commune.pk: 88}
    assert sum(plan.quotas.values()) == 351
    for unit in (commune, other_commune):
        assert (
            sum(q for (c, _s, _a), q in plan.quotas.items() if c == unit.pk)
            == plan.by_commune[unit.pk]
        )
    # Hương Toàn's cells are equal: 88 / 8 = 11 each.
    assert {q for (c, _s, _a), q in plan.quotas.items() if c == other_commune.pk} == {
        11
    }


def test_equal_plan_shares_communes_alike(two_communes, commune, other_commune):
    plan = _plan(two_communes, Survey.Allocation.EQUAL)
    assert plan.by_commune == {commune.pk: 176, other_commune.pk: 175}


def test_proportional_plan_needs_the_population(survey, commune):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        _plan(survey, Survey.Allocation.PROPORTIONAL)
    # Equal allocation without figures: n without correction, cells alike.
    plan = _plan(survey, Survey.Allocation.EQUAL)
    assert plan.n == 385
    assert sum(plan.quotas.values()) == 385


def test_sample_plan_saves_inputs_and_quotas(two_communes, staff, commune):
    from decimal import Decimal

    services.sample_plan(
        survey=two_communes,
        margin=Decimal("0.050"),
        confidence=95,
        proportion=Decimal("0.50"),
        response_rate=Decimal("0.90"),
        allocation=Survey.Allocation.PROPORTIONAL,
        user=staff,
    )
    survey = Survey.objects.get(pk=two_communes.pk)
    # 350.57 / 0.9 = 389.5 → 390.
    assert survey.sample_size == 390
    assert survey.response_rate == Decimal("0.90")
    assert (
        sum(SurveyCell.objects.filter(survey=survey).values_list("quota", flat=True))
        == 390
    )


def test_other_town_survey_is_not_a_factor(other_town, other_staff):
    # A survey of another town has none of Hương Trà's communes.
    survey = SurveyFactory(unit=other_town, created_by=other_staff)
    plan = services.plan_compute(
        survey=survey,
        margin=0.05,
        confidence=95,
        proportion=0.5,
        response_rate=1,
        allocation=Survey.Allocation.EQUAL,
    )
    assert plan.by_commune == {}
