"""Weights against figures computed by hand: post-stratification, raking, Kish."""

import datetime
import time
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from surveys.models import Response, Survey, SurveyCell
from surveys.services import weighting
from surveys.tasks import survey_weigh_task
from surveys.weights import weight

AGE = "30-44"


def _responses(survey, commune, sex, count, *, review="approved", **fields):
    now = timezone.now()
    age_group = fields.pop("age_group", AGE)
    return Response.objects.bulk_create(
        Response(
            survey=survey,
            version=survey.current_version,
            mode=Response.Mode.FACE_TO_FACE,
            client_id=uuid.uuid4(),
            state=Response.State.SUBMITTED,
            submitted_at=now,
            started_at=now - datetime.timedelta(minutes=10),
            ended_at=now,
            commune=commune,
            sex=sex,
            age_group=age_group,
            review=review,
            **fields,
        )
        for _ in range(count)
    )


@pytest.fixture
def cells(survey, commune, other_commune):
    """Population: Tứ Hạ 300 men, 200 women; Hương Toàn 100 men, 400 women."""
    for unit, sex, people in [
        (commune, "male", 300),
        (commune, "female", 200),
        (other_commune, "male", 100),
        (other_commune, "female", 400),
    ]:
        SurveyCell.objects.create(
            survey=survey, commune=unit, sex=sex, age_group=AGE, population=people
        )


def _weights(survey, commune, sex):
    """The distinct weights of a cell's approved responses."""
    return sorted(
        set(
            Response.objects.filter(
                survey=survey, commune=commune, sex=sex, review="approved"
            )
            .annotate(w=weight())
            .values_list("w", flat=True)
        )
    )


def test_post_stratified_weights_are_population_share_over_sample_share(
    survey, cells, commune, other_commune
):
    # Sample 5 / 10 / 5 / 20 of 40; shares of the population 0.3 / 0.2 / 0.1 / 0.4.
    _responses(survey, commune, "male", 5)
    _responses(survey, commune, "female", 10)
    _responses(survey, other_commune, "male", 5)
    _responses(survey, other_commune, "female", 20)

    result = weighting.survey_weigh(survey=survey)

    assert result.method == weighting.POST_STRATIFICATION
    assert result.n == 40
    # 0.3 / (5/40) = 2.4; 0.2 / (10/40) = 0.8; 0.1 / (5/40) = 0.8; 0.4 / (20/40) = 0.8
    assert _weights(survey, commune, "male") == [pytest.approx(2.4)]
    assert _weights(survey, commune, "female") == [pytest.approx(0.8)]
    assert _weights(survey, other_commune, "male") == [pytest.approx(0.8)]
    assert _weights(survey, other_commune, "female") == [pytest.approx(0.8)]
    # Σw = 40, Σw² = 5·2.4² + 35·0.8² = 51.2: deff = 40·51.2/40² = 1.28, n/deff 31.25.
    assert result.deff == pytest.approx(1.28)
    assert result.effective_n == pytest.approx(31.25)
    survey.refresh_from_db()
    assert survey.weighting == "post-stratification"
    assert survey.weighted_at is not None
    assert survey.results_version == 1


def test_raking_with_an_empty_cell_converges_to_the_margins(
    survey, cells, commune, other_commune
):
    # Hương Toàn's men gave no answer and Tứ Hạ's women only 4: too few for cells.
    _responses(survey, commune, "male", 6)
    _responses(survey, commune, "female", 4)
    _responses(survey, other_commune, "female", 10)

    result = weighting.survey_weigh(survey=survey)

    assert result.method == weighting.RAKING
    assert 1 < result.iterations <= weighting.MAX_ITERATIONS
    # Margins of 20 answers: communes 500/500 → 10 and 10; men 400 → 8, women 12.
    # 10·d = 10, 6·a = 8, 4·b + 10·d = 12: a = 4/3, b = 1/2, d = 1.
    (a,) = _weights(survey, commune, "male")
    (b,) = _weights(survey, commune, "female")
    (d,) = _weights(survey, other_commune, "female")
    assert a == pytest.approx(4 / 3, abs=1e-5)
    assert b == pytest.approx(0.5, abs=1e-5)
    assert d == pytest.approx(1.0, abs=1e-5)
    assert 6 * a + 4 * b == pytest.approx(10, abs=1e-4)  # Tứ Hạ's margin
    assert 6 * a == pytest.approx(8, abs=1e-4)  # men's margin
    # Mean 1 over the responses.
    assert (6 * a + 4 * b + 10 * d) / 20 == pytest.approx(1.0)
    assert Survey.objects.get(pk=survey.pk).weighting == "raking"


def test_rake_stops_at_the_iteration_limit():
    # Three margins that cannot all be met by two communes' one cell each.
    population = {
        (1, "male", "18-29"): 10,
        (1, "female", "30-44"): 90,
        (2, "male", "30-44"): 50,
        (2, "female", "18-29"): 50,
    }
    sample = {
        (1, "male", "18-29"): 5,
        (2, "female", "18-29"): 5,
        (1, "female", "30-44"): 1,
    }
    weights, rounds, converged = weighting.rake(population, sample, max_iterations=3)
    assert rounds == 3
    assert not converged
    assert sum(sample[c] * w for c, w in weights.items()) == pytest.approx(11)


def test_responses_outside_the_population_keep_weight_one(
    survey, cells, commune, other_commune, town
):
    _responses(survey, commune, "male", 5)
    _responses(survey, commune, "female", 5)
    _responses(survey, other_commune, "male", 5)
    _responses(survey, other_commune, "female", 5)
    # No sex given; a unit with no population cell; one awaiting review.
    _responses(survey, commune, "", 1)
    _responses(survey, town, "male", 1)
    _responses(survey, commune, "male", 1, review="pending")

    result = weighting.survey_weigh(survey=survey)

    assert result.method == weighting.POST_STRATIFICATION
    assert result.n == 20
    assert result.outside == 2
    assert "2" in result.note
    weighed = Response.objects.annotate(w=weight())
    assert set(weighed.filter(survey=survey, sex="").values_list("w", flat=True)) == {
        1.0
    }
    assert weighed.get(commune=town).w == 1.0
    # 0.3/(5/20) = 1.2 for Tứ Hạ's men.
    assert _weights(survey, commune, "male") == [pytest.approx(1.2)]


def test_weighing_twice_gives_the_same_weights(survey, cells, commune, other_commune):
    _responses(survey, commune, "male", 6)
    _responses(survey, commune, "female", 4)
    _responses(survey, other_commune, "female", 10)
    weighting.survey_weigh(survey=survey)
    first = sorted(Response.objects.annotate(w=weight()).values_list("pk", "w"))
    assert survey_weigh_task(survey.pk) is True
    assert sorted(Response.objects.annotate(w=weight()).values_list("pk", "w")) == [
        (pk, pytest.approx(w)) for pk, w in first
    ]


def test_weighing_without_a_population_is_refused(survey, commune):
    _responses(survey, commune, "male", 5)
    with pytest.raises(ValidationError):
        weighting.survey_weigh(survey=survey)
    assert weighting.weighting_problem(survey)
    assert Survey.objects.get(pk=survey.pk).weighting == ""
    # The task says so and changes nothing.
    assert survey_weigh_task(survey.pk) is False
    assert survey_weigh_task(0) is False


def test_weighing_without_approved_responses_is_refused(survey, cells, commune):
    _responses(survey, commune, "male", 5, review="pending")
    with pytest.raises(ValidationError):
        weighting.survey_weigh(survey=survey)


def test_weighing_costs_the_same_queries_for_more_responses(
    survey, cells, commune, other_commune, django_assert_max_num_queries
):
    for unit in (commune, other_commune):
        for sex in ("male", "female"):
            _responses(survey, unit, sex, 60)
    with django_assert_max_num_queries(12):
        weighting.survey_weigh(survey=survey)


@pytest.mark.django_db(transaction=False)
def test_many_responses_weigh_quickly(survey, commune, other_commune):
    # 40 cells (2 communes × 2 sexes × 4 age groups + cells nobody answered in).
    ages = ["18-29", "30-44", "45-59", "60+"]
    for unit in (commune, other_commune):
        for sex in ("male", "female"):
            for age in ages:
                SurveyCell.objects.create(
                    survey=survey,
                    commune=unit,
                    sex=sex,
                    age_group=age,
                    population=100 + len(age) * 37 + (sex == "male") * 11,
                )
                _responses(
                    survey, unit, sex, 1000 if age != "60+" else 3, age_group=age
                )
    started = time.monotonic()
    result = weighting.survey_weigh(survey=survey)
    assert time.monotonic() - started < 5
    assert result.method == weighting.RAKING
    assert result.n == 2 * 2 * (3 * 1000 + 3)
