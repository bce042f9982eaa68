"""The survey statistics, stated honestly: sample size, allocation, intervals, deff.

Pure functions of numbers (no database): the services and selectors feed them
aggregates. The formulas are the board's training material's and the textbooks':

- sample size n₀ = z²·p·q / e², with the finite population correction
  n = n₀ / (1 + (n₀ − 1) / N), then divided by the expected response rate;
- Kish's design effect of unequal weights, deff = n·Σw² / (Σw)², and the
  effective sample size n / deff = (Σw)² / Σw²;
- Wilson's score interval for a proportion, on the effective sample size
  (the interval a weighted estimate deserves);
- cells of fewer than ``SMALL_CELL`` answers are not shown.
"""

import math

SMALL_CELL = 10
Z = {90: 1.6448536269514722, 95: 1.959963984540054, 99: 2.5758293035489004}


def z_for(confidence: int) -> float:
    return Z[int(confidence)]


def sample_size(
    *,
    margin: float,
    confidence: int = 95,
    proportion: float = 0.5,
    population: int | None = None,
    response_rate: float = 1.0,
) -> int:
    """Interviews to plan for: 385 for ±5 % at 95 % in a large population."""
    z = z_for(confidence)
    n0 = z * z * proportion * (1 - proportion) / (margin * margin)
    n = n0
    if population:
        n = n0 / (1 + (n0 - 1) / population)
    # The rounding follows the textbook (385, not 384.15): up, after the tiny
    # float error of z² is taken off.
    n = math.ceil(round(n, 6))
    if response_rate < 1:
        n = math.ceil(round(n / response_rate, 6))
    return n


def allocate(total: int, sizes: dict, *, equal: bool = False) -> dict:
    """``total`` shared among ``sizes``' keys, proportionally (or equally), in whole
    numbers that add up to ``total`` (largest remainders get the units left)."""
    keys = list(sizes)
    if not keys or total <= 0:
        return dict.fromkeys(keys, 0)
    weights = dict.fromkeys(keys, 1) if equal else {k: max(0, sizes[k]) for k in keys}
    whole = sum(weights.values())
    if whole == 0:
        return dict.fromkeys(keys, 0)
    exact = {k: total * weights[k] / whole for k in keys}
    result = {k: math.floor(exact[k]) for k in keys}
    left = total - sum(result.values())
    by_remainder = sorted(keys, key=lambda k: (-(exact[k] - result[k]), str(k)))
    for key in by_remainder[:left]:
        result[key] += 1
    return result


def kish(sum_w: float, sum_w2: float, n: int) -> tuple[float, float]:
    """(design effect, effective sample size) of ``n`` answers with weights whose
    sum is ``sum_w`` and sum of squares ``sum_w2``."""
    if n <= 0 or not sum_w or not sum_w2:
        return 1.0, float(n)
    deff = n * sum_w2 / (sum_w * sum_w)
    return deff, n / deff


def wilson(
    proportion: float, n: float, *, confidence: int = 95, deff: float = 1.0
) -> tuple[float, float]:
    """Wilson's interval for ``proportion`` of ``n`` answers, widened by ``deff``
    (computed on the effective sample size n / deff)."""
    if n <= 0:
        return 0.0, 1.0
    z = z_for(confidence)
    n_eff = n / max(deff, 1e-9)
    z2 = z * z
    centre = (proportion + z2 / (2 * n_eff)) / (1 + z2 / n_eff)
    half = (
        z
        * math.sqrt(proportion * (1 - proportion) / n_eff + z2 / (4 * n_eff * n_eff))
        / (1 + z2 / n_eff)
    )
    return max(0.0, centre - half), min(1.0, centre + half)


def margin_of_error(
    proportion: float, n: float, *, confidence: int = 95, deff: float = 1.0
) -> float:
    """Half the width of Wilson's interval: the "± x %" a table states."""
    low, high = wilson(proportion, n, confidence=confidence, deff=deff)
    return (high - low) / 2


def shown(count: int) -> bool:
    """Whether a cell of ``count`` answers is shown (else "ít hơn 10")."""
    return count >= SMALL_CELL
