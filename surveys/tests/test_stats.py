"""surveys.stats against figures computed by hand and against statsmodels."""

import math

import pytest
from statsmodels.stats.proportion import proportion_confint

from surveys import stats


@pytest.mark.parametrize(
    ("count", "nobs"),
    [(0, 10), (1, 10), (5, 10), (10, 10), (38, 120), (193, 385), (7, 2000)],
)
def test_wilson_matches_statsmodels(count, nobs):
    expected = proportion_confint(count, nobs, alpha=0.05, method="wilson")
    low, high = stats.wilson(count / nobs, nobs)
    assert low == pytest.approx(expected[0], abs=1e-9)
    assert high == pytest.approx(expected[1], abs=1e-9)


@pytest.mark.parametrize(("confidence", "alpha"), [(90, 0.10), (99, 0.01)])
def test_wilson_other_confidence_levels(confidence, alpha):
    expected = proportion_confint(40, 150, alpha=alpha, method="wilson")
    low, high = stats.wilson(40 / 150, 150, confidence=confidence)
    assert (low, high) == pytest.approx(expected, abs=1e-9)


def test_wilson_with_design_effect_is_wilson_on_the_effective_sample():
    # 400 answers with deff 1.6 are worth 250: the interval of 100 / 250.
    low, high = stats.wilson(0.4, 400, deff=1.6)
    assert (low, high) == pytest.approx(stats.wilson(0.4, 250), abs=1e-12)
    assert (low, high) == pytest.approx(
        proportion_confint(100, 250, alpha=0.05, method="wilson"), abs=1e-9
    )
    # Wider than the interval that ignores the weights.
    plain = stats.wilson(0.4, 400)
    assert high - low > plain[1] - plain[0]


def test_wilson_of_no_answers_says_nothing():
    assert stats.wilson(0.5, 0) == (0.0, 1.0)


def test_margin_of_error_is_half_the_interval():
    low, high = stats.wilson(0.5, 385)
    assert stats.margin_of_error(0.5, 385) == pytest.approx((high - low) / 2)
    # About ±5 % for 385 answers at p = 0.5.
    assert stats.margin_of_error(0.5, 385) == pytest.approx(0.0497, abs=5e-4)


def test_sample_size_is_385_for_five_percent_at_95():
    assert stats.sample_size(margin=0.05) == 385


def test_sample_size_with_finite_population_correction():
    # n0 = 1.96² · 0.25 / 0.0025 = 384.146; n = n0 / (1 + (n0 − 1) / 2000) = 322.3
    n0 = 1.959963984540054**2 * 0.25 / 0.05**2
    by_hand = math.ceil(n0 / (1 + (n0 - 1) / 2000))
    assert by_hand == 323
    assert stats.sample_size(margin=0.05, population=2000) == 323


def test_sample_size_with_response_rate():
    # 385 interviews wanted, 90 % answer: 385 / 0.9 = 427.8 → 428 to plan.
    assert stats.sample_size(margin=0.05, response_rate=0.9) == 428


def test_sample_size_other_settings():
    # ±3 % at 99 %, p = 0.3: 2.5758² · 0.21 / 0.0009 = 1548.1 → 1549.
    assert stats.sample_size(margin=0.03, confidence=99, proportion=0.3) == 1549


def test_kish_by_hand():
    weights = [0.5, 0.5, 1.0, 2.0]
    sum_w, sum_w2 = sum(weights), sum(w * w for w in weights)
    assert (sum_w, sum_w2) == (4.0, 5.5)
    deff, effective = stats.kish(sum_w, sum_w2, 4)
    # n Σw² / (Σw)² = 4 · 5.5 / 16 = 1.375; n / deff = 16 / 5.5 = 2.909.
    assert deff == pytest.approx(1.375)
    assert effective == pytest.approx(16 / 5.5)


def test_kish_of_equal_weights_is_one():
    assert stats.kish(10.0, 10.0, 10) == (1.0, 10.0)


def test_kish_of_nothing():
    assert stats.kish(0, 0, 0) == (1.0, 0.0)


def test_allocate_adds_up():
    shares = stats.allocate(100, {"a": 1, "b": 1, "c": 1})
    assert sum(shares.values()) == 100
    assert sorted(shares.values()) == [33, 33, 34]


def test_small_cells_are_not_shown():
    assert not stats.shown(9)
    assert stats.shown(10)
