"""Weights of a survey's approved responses to its population margins.

Post-stratification when every cell with a population (commune × sex × age group)
holds at least ``MIN_CELL`` approved responses: a response's weight is its cell's
share of the population over its share of the sample. Otherwise raking
(iterative proportional fitting) over the three margins, commune, sex and age
group, on the counts per cell (a few thousand cells at most, in Python), until
each margin matches within ``TOLERANCE`` or ``MAX_ITERATIONS`` rounds.

Weights are normalised to a mean of 1 over the responses weighed. A response in
a cell with no population (or without a commune, a sex or an age group) keeps a
weight of 1 and is counted in the result's ``outside``. Nothing loops over the
responses: the counts come from one GROUP BY and the weights are the cells'
(``surveys.weights``): a weighting writes a few hundred cells, not 200,000 rows.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys import stats
from surveys.models import Response, Survey, SurveyCell
from surveys.weights import link_cells

MIN_CELL = 5
TOLERANCE = 1e-6
MAX_ITERATIONS = 50
WRITE_BATCH = 500
POST_STRATIFICATION = "post-stratification"
RAKING = "raking"
# How long the page says "being computed" at most, should a worker die mid-way.
RUNNING_TIMEOUT = 15 * 60

Cell = tuple[int, str, str]  # (commune id, sex, age group)


@dataclass
class WeightingResult:
    method: str
    n: int  # approved responses weighed (in a cell with a population)
    deff: float
    effective_n: float
    cells: dict[Cell, float] = field(default_factory=dict)  # cell → weight
    iterations: int = 0
    outside: int = 0  # approved responses left at weight 1 (no population cell)
    converged: bool = True

    @property
    def note(self) -> str:
        if not self.outside:
            return ""
        return str(
            _(
                "%(count)s approved responses are in no cell with a population "
                "and keep a weight of 1."
            )
            % {"count": self.outside}
        )


def running_key(survey_id: int) -> str:
    return f"surveys:weighing:{survey_id}"


def is_running(survey: Survey) -> bool:
    return bool(cache.get(running_key(survey.pk)))


def post_stratify(population: dict[Cell, int], sample: dict[Cell, int]) -> dict:
    """Cell → population share / sample share, over the cells with a population."""
    total_p = sum(population.values())
    total_n = sum(sample.get(cell, 0) for cell in population)
    return {
        cell: (population[cell] / total_p) / (sample[cell] / total_n)
        for cell in population
        if sample.get(cell)
    }


def rake(
    population: dict[Cell, int],
    sample: dict[Cell, int],
    *,
    tolerance: float = TOLERANCE,
    max_iterations: int = MAX_ITERATIONS,
) -> tuple[dict[Cell, float], int, bool]:
    """Iterative proportional fitting of the sample cells to the population's
    margins (commune, sex, age group): (cell → weight, rounds, converged).

    A margin's level with no response (a commune nobody in the sample lives in)
    cannot be matched: the targets are the population shares among the levels the
    sample holds. Weights come out with a mean of 1 over the responses.
    """
    cells = [cell for cell in sample if sample[cell] and population.get(cell, 0) > 0]
    total_n = sum(sample[cell] for cell in cells)
    if not total_n:
        return {}, 0, True
    margins = []
    for axis in range(3):
        held = {cell[axis] for cell in cells}
        pop = {}
        for cell, people in population.items():
            if cell[axis] in held:
                pop[cell[axis]] = pop.get(cell[axis], 0) + people
        whole = sum(pop.values())
        margins.append(
            {level: total_n * people / whole for level, people in pop.items()}
        )
    weights = dict.fromkeys(cells, 1.0)

    def sums(axis):
        found = {}
        for cell in cells:
            found[cell[axis]] = (
                found.get(cell[axis], 0.0) + sample[cell] * weights[cell]
            )
        return found

    rounds, converged = 0, False
    for rounds in range(1, max_iterations + 1):  # noqa: B007 (rounds is returned)
        for axis, targets in enumerate(margins):
            current = sums(axis)
            for cell in cells:
                weights[cell] *= targets[cell[axis]] / current[cell[axis]]
        gap = max(
            abs(value - targets[level]) / total_n
            for axis, targets in enumerate(margins)
            for level, value in sums(axis).items()
        )
        if gap < tolerance:
            converged = True
            break
    mean = sum(sample[cell] * weights[cell] for cell in cells) / total_n
    return {cell: w / mean for cell, w in weights.items()}, rounds, converged


def _populated_cell():
    return SurveyCell.objects.filter(
        survey_id=OuterRef("survey_id"),
        commune_id=OuterRef("commune_id"),
        sex=OuterRef("sex"),
        age_group=OuterRef("age_group"),
        population__gt=0,
    )


def _write(survey: Survey, weights: dict[Cell, float]) -> None:
    """Each cell's weight onto the cell (its responses read it from there)."""
    cells = list(SurveyCell.objects.filter(survey=survey))
    for cell in cells:
        cell.weight = weights.get((cell.commune_id, cell.sex, cell.age_group))
    SurveyCell.objects.bulk_update(cells, ["weight"], batch_size=WRITE_BATCH)


def weighting_problem(survey: Survey) -> str:
    """Why the survey cannot be weighed now ("" when it can)."""
    if not SurveyCell.objects.filter(survey=survey, population__gt=0).exists():
        return str(_("Enter the population by commune, sex and age group first."))
    if (
        not Response.objects.approved()
        .filter(survey=survey)
        .filter(Exists(_populated_cell()))
        .exists()
    ):
        return str(_("No approved response falls in a cell with a population yet."))
    return ""


@transaction.atomic
def survey_weigh(*, survey: Survey) -> WeightingResult:
    """Weigh the approved responses of ``survey`` to its population margins.

    Raises ValidationError (and changes nothing) when there is no population or
    no approved response in a cell that has one.
    """
    # One weighing of a survey at a time: a second waits, then weighs again.
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    population = {
        (c["commune_id"], c["sex"], c["age_group"]): c["population"]
        for c in SurveyCell.objects.filter(survey=survey, population__gt=0).values(
            "commune_id", "sex", "age_group", "population"
        )
    }
    if not population:
        raise ValidationError(weighting_problem(survey), code="no_population")
    approved = Response.objects.approved().filter(survey=survey)
    counts = {
        (row["commune_id"], row["sex"], row["age_group"]): row["n"]
        for row in approved.filter(commune__isnull=False, sex__gt="", age_group__gt="")
        .values("commune_id", "sex", "age_group")
        .annotate(n=Count("pk"))
        .order_by()
    }
    sample = {cell: n for cell, n in counts.items() if cell in population}
    if not sample:
        raise ValidationError(weighting_problem(survey), code="no_sample")
    if all(sample.get(cell, 0) >= MIN_CELL for cell in population):
        method, iterations, converged = POST_STRATIFICATION, 0, True
        weights = post_stratify(population, sample)
    else:
        method = RAKING
        weights, iterations, converged = rake(population, sample)
    # The cells get their weights; a response in no weighed cell counts 1.
    link_cells(survey)
    _write(survey, weights)
    weighed = sum(sample.values())
    total = approved.count()
    outside = total - weighed
    sum_w = outside + sum(sample[c] * weights.get(c, 1.0) for c in sample)
    sum_w2 = outside + sum(sample[c] * weights.get(c, 1.0) ** 2 for c in sample)
    deff, effective_n = stats.kish(sum_w, sum_w2, total)
    Survey.objects.filter(pk=survey.pk).update(
        weighting=method, weighted_at=timezone.now()
    )
    survey.touch_results()
    return WeightingResult(
        method=method,
        n=weighed,
        deff=deff,
        effective_n=effective_n,
        cells=weights,
        iterations=iterations,
        outside=outside,
        converged=converged,
    )


def survey_weigh_request(*, survey: Survey) -> None:
    """Queue the weighing once the request commits; the page says it is running."""
    from celery import current_app

    from dluan.queue import enqueue_on_commit

    cache.set(running_key(survey.pk), "queued", RUNNING_TIMEOUT)
    enqueue_on_commit(current_app.tasks[WEIGH_TASK], survey.pk)


WEIGH_TASK = "surveys.tasks.survey_weigh_task"
