"""Reads of the review pages: the queue, one response shown in words, the weights."""

import datetime

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Count, Q
from django.utils.formats import get_format
from django.utils.translation import gettext as _

from surveys import stats
from surveys.models import AgeGroup, Question, Response, Sex, Survey, SurveyCell
from surveys.selectors.results import CACHE_SECONDS, cache_key

# The flag filter's values: one flag, any flag, or none of them.
FLAGS = {
    "fast": Q(flag_fast=True),
    "duplicate": Q(flag_duplicate=True),
    "over_quota": Q(over_quota=True),
    "any": Q(flag_fast=True) | Q(flag_duplicate=True) | Q(over_quota=True),
    "none": Q(flag_fast=False, flag_duplicate=False, over_quota=False),
}


def filtered(queryset, filters: dict):
    """``queryset`` narrowed by the review list's filters (its form's cleaned data)."""
    filters = filters or {}
    if filters.get("state"):
        queryset = queryset.filter(review=filters["state"])
    if filters.get("flag") in FLAGS:
        queryset = queryset.filter(FLAGS[filters["flag"]])
    if filters.get("commune"):
        queryset = queryset.filter(commune=filters["commune"])
    if filters.get("interviewer"):
        queryset = queryset.filter(collaborator=filters["interviewer"])
    if filters.get("mode"):
        queryset = queryset.filter(mode=filters["mode"])
    return queryset


def response_queue(user, survey: Survey, filters: dict):
    """The survey's submitted responses ``user`` may see, newest first."""
    queryset = Response.objects.visible_to(user).filter(
        survey=survey, state=Response.State.SUBMITTED
    )
    return filtered(queryset, filters).order_by("-submitted_at", "-pk")


def response_rows(keys) -> list[Response]:
    """A page of the queue, with what its rows show (the keys came scoped)."""
    return list(
        Response.objects.filter(pk__in=keys)
        .select_related("commune", "collaborator")
        .defer("answers")
    )


def _seconds(response: Response) -> float | None:
    if response.started_at and response.ended_at:
        return (response.ended_at - response.started_at).total_seconds()
    return None


def duration_text(response: Response) -> str:
    """ "12 min 05 s": how long the interview took, or "" when unknown."""
    seconds = _seconds(response)
    if seconds is None:
        return ""
    minutes, rest = divmod(round(seconds), 60)
    return _("%(minutes)s min %(seconds)02d s") % {"minutes": minutes, "seconds": rest}


def _date(value: str) -> str:
    try:
        return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return str(value)


def answer_lines(response: Response) -> list[dict]:
    """The answers as a reader reads them: each question's label with the chosen
    options' labels, a grid's rows, the "other" words, numbers and dd/mm/yyyy dates.

    ``{"label", "kind", "values": [text], "rows": [(row label, text)], "section"}``
    """
    answers = response.answers or {}
    lines = []
    for question in response.version.ordered_questions():
        if question.kind == Question.Kind.SECTION:
            lines.append({"section": True, "label": question.label})
            continue
        value = answers.get(question.name)
        if value in (None, "", [], {}):
            continue
        labels = {c.value: c for c in question.choices.all()}
        other = answers.get(f"{question.name}__other", "")

        def named(code, labels=labels, other=other):
            choice = labels.get(code)
            if choice is None:
                return str(code)
            if choice.is_other and other:
                return f"{choice.label}: {other}"
            return choice.label

        line = {"label": question.label, "kind": question.kind, "values": []}
        if question.kind == Question.Kind.GRID and isinstance(value, dict):
            names = {row.get("name"): row.get("label") for row in question.rows}
            line["rows"] = [
                (names.get(row, row), named(code)) for row, code in value.items()
            ]
        elif isinstance(value, list):
            line["values"] = [named(code) for code in value]
        elif question.has_choices:
            line["values"] = [named(value)]
        elif question.kind == Question.Kind.DATE:
            line["values"] = [_date(value)]
        else:
            line["values"] = [str(value)]
        lines.append(line)
    return lines


def twins(response: Response, limit: int = 5) -> list[int]:
    """Numbers of the responses near-identical to this one, by the same interviewer."""
    if not response.collaborator_id or not response.fingerprint:
        return []
    return list(
        Response.objects.filter(
            survey_id=response.survey_id,
            collaborator_id=response.collaborator_id,
            fingerprint=response.fingerprint,
            state=Response.State.SUBMITTED,
        )
        .exclude(pk=response.pk)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )


def flag_explanations(response: Response) -> list[str]:
    """Each flag of a response, said in a sentence the reviewer can check."""
    found = []
    if response.flag_fast:
        answered = sum(
            1
            for name, value in (response.answers or {}).items()
            if not name.endswith("__other") and value not in (None, "", [], {})
        )
        seconds = _seconds(response)
        if seconds is not None and answered:
            found.append(
                _(
                    "Entered faster than %(minimum)s seconds a question: "
                    "%(seconds)s seconds for %(count)s questions."
                )
                % {
                    "minimum": response.survey.min_seconds_per_question,
                    "seconds": round(seconds),
                    "count": answered,
                }
            )
        else:
            found.append(
                _("Entered faster than %(minimum)s seconds a question.")
                % {"minimum": response.survey.min_seconds_per_question}
            )
    if response.flag_duplicate:
        numbers = twins(response)
        if numbers:
            found.append(
                _("Identical to response %(numbers)s of the same collaborator.")
                % {"numbers": ", ".join(f"#{n}" for n in numbers)}
            )
        else:
            found.append(_("Identical to another response of the same collaborator."))
    if response.over_quota:
        found.append(
            _(
                "Over the quota of its cell (commune × sex × age group): the cell "
                "had all its interviews when it came in."
            )
        )
    return found


def review_history(response: Response) -> list[dict]:
    """The review decisions of a response, newest first, from the audit trail."""
    entries = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Response),
            object_pk=str(response.pk),
            action=LogEntry.Action.UPDATE,
        )
        .select_related("actor")
        .order_by("-timestamp", "-pk")
    )
    labels = dict(Response.Review.choices)
    history = []
    for entry in entries:
        changes = entry.changes_dict or {}
        if "review" not in changes and "review_comment" not in changes:
            continue
        review = changes.get("review", [None, None])[1]
        comment = changes.get("review_comment", [None, None])[1]
        history.append(
            {
                "when": entry.timestamp,
                "who": entry.actor.full_name if entry.actor else "",
                "review": labels.get(review, "") if review else "",
                "comment": comment if comment not in (None, "None") else "",
            }
        )
    return history


# The weights are not trimmed: the page counts the responses weighing more than
# this, so that a reader sees how much rests on a few cells.
HEAVY_WEIGHT = 3.0
# A cached cell: (commune id, sex, age group, population, approved responses,
# weight or None). Tuples of shared strings, not dicts: a province's thousands of
# cells come out of the cache on every view of the page.
COMMUNE_ID, SEX, AGE, POPULATION, COUNT, WEIGHT = range(6)
CELL_ORDERS = {
    "weight-desc": lambda cell: (cell[WEIGHT] is None, -(cell[WEIGHT] or 0.0)),
    "weight-asc": lambda cell: (cell[WEIGHT] is None, cell[WEIGHT] or 0.0),
}


def weights_summary(survey: Survey) -> dict:
    """The spread of a survey's weights, its margins and its cells, for the
    weights page.

    Two queries: the survey's cells, and the approved responses counted per cell
    (and per commune, sex and age group); the weights' sums, spread, design
    effect and weighted margins are worked out from those counts, as each
    response weighs its cell's (``surveys.weights``). Kept in the cache like the
    results, until the next review, weighting or change of the cells
    (``Survey.touch_results``).
    """
    key = cache_key(survey, "weights")
    summary = cache.get(key)
    if summary is None:
        summary = _weights_summary(survey)
        cache.set(key, summary, CACHE_SECONDS)
    return summary


def weight_cells(summary: dict, filters: dict) -> list[tuple]:
    """The summary's cells narrowed by the cells' filter form, in its order."""
    cells = summary["cells"]
    if filters.get("commune"):
        cells = [cell for cell in cells if cell[COMMUNE_ID] == filters["commune"]]
    if filters.get("sex"):
        cells = [cell for cell in cells if cell[SEX] == filters["sex"]]
    if filters.get("age_group"):
        cells = [cell for cell in cells if cell[AGE] == filters["age_group"]]
    order = CELL_ORDERS.get(filters.get("order"))
    return sorted(cells, key=order) if order else cells


def _decimals(places: int):
    """A number written with ``places`` decimals in the language's format:
    ``floatformat`` costs more than a row of the table."""
    separator = get_format("DECIMAL_SEPARATOR")
    return lambda value: f"{value:.{places}f}".replace(".", separator)


def cell_rows(summary: dict, cells: list[tuple]) -> list[dict]:
    """Cells (a page of them) as the cells' table shows them."""
    share, weight = _decimals(1), _decimals(3)
    sexes, ages = dict(Sex.choices), dict(AgeGroup.choices)
    population, in_cells = summary["population"], summary["in_cells"]
    names = summary["communes"]
    return [
        {
            "commune_id": cell[COMMUNE_ID],
            "commune": names[cell[COMMUNE_ID]],
            "sex_code": cell[SEX],
            "sex": sexes.get(cell[SEX], cell[SEX]),
            "age_code": cell[AGE],
            "age_group": ages.get(cell[AGE], cell[AGE]),
            "population": cell[POPULATION],
            "population_pct": share(100 * cell[POPULATION] / population),
            "count": cell[COUNT],
            "sample_pct": share(100 * cell[COUNT] / in_cells if in_cells else 0.0),
            "weight": None if cell[WEIGHT] is None else weight(cell[WEIGHT]),
        }
        for cell in cells
    ]


def margin_rows(summary: dict, levels: list[dict]) -> list[dict]:
    """A margin's levels (a page of them): population (the target), sample and
    weighted shares."""
    share = _decimals(1)
    population, in_cells = summary["population"], summary["in_cells"]
    weighted = summary["weighted_in_cells"]
    return [
        {
            **level,
            "population_pct": share(100 * level["population"] / population),
            "sample_pct": share(100 * level["count"] / in_cells if in_cells else 0.0),
            "weighted_pct": share(
                100 * level["weighted"] / weighted if weighted else 0.0
            ),
        }
        for level in levels
    ]


def _weights_summary(survey: Survey) -> dict:
    every_cell = list(
        SurveyCell.objects.filter(survey=survey)
        .select_related("commune")
        .only("commune_id", "sex", "age_group", "population", "weight", "commune__name")
        .order_by("commune__name", "sex", "age_group")
    )
    by_id = {cell.pk: cell for cell in every_cell}
    cells = [cell for cell in every_cell if cell.population > 0]
    populated = {(c.commune_id, c.sex, c.age_group) for c in cells}
    groups = (
        Response.objects.approved()
        .filter(survey=survey)
        .values("commune_id", "sex", "age_group", "cell_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    n = outside = heavy = 0
    sum_w = sum_w2 = 0.0
    low = high = None
    counts: dict = {}
    for group in groups:
        cell = by_id.get(group["cell_id"])
        w = cell.weight if cell is not None and cell.weight is not None else 1.0
        count = group["n"]
        n += count
        sum_w += count * w
        sum_w2 += count * w * w
        low = w if low is None else min(low, w)
        high = w if high is None else max(high, w)
        if w > HEAVY_WEIGHT:
            heavy += count
        key = (group["commune_id"], group["sex"], group["age_group"])
        if key not in populated:
            outside += count
        found = counts.setdefault(key, {"n": 0, "w": None, "sw": 0.0})
        found["n"] += count
        found["sw"] += count * w
        found["w"] = w if found["w"] is None else max(found["w"], w)
    deff, effective_n = stats.kish(sum_w, sum_w2, n)
    sexes, ages = dict(Sex.choices), dict(AgeGroup.choices)
    # Each margin's levels in the order they are read: communes by name (as the
    # cells come), sexes and age groups in their choices' order.
    margins = ({}, dict.fromkeys(sexes), dict.fromkeys(ages))
    names: dict = {}
    codes: dict = {}  # one string per sex or age group: the cache pickles it once
    rows = []
    in_cells = 0
    weighted_in_cells = 0.0
    for cell in cells:
        found = counts.get((cell.commune_id, cell.sex, cell.age_group), {})
        count = found.get("n", 0)
        in_cells += count
        weighted_in_cells += found.get("sw", 0.0)
        name = names.setdefault(cell.commune_id, cell.commune.name)
        rows.append(
            (
                cell.commune_id,
                codes.setdefault(cell.sex, cell.sex),
                codes.setdefault(cell.age_group, cell.age_group),
                cell.population,
                count,
                found.get("w") if count else None,
            )
        )
        for margin, code, label in (
            (margins[0], cell.commune_id, name),
            (margins[1], cell.sex, str(sexes.get(cell.sex, cell.sex))),
            (margins[2], cell.age_group, str(ages.get(cell.age_group, cell.age_group))),
        ):
            level = margin.get(code)
            if level is None:
                level = margin[code] = {
                    "code": code,
                    "label": label,
                    "population": 0,
                    "count": 0,
                    "weighted": 0.0,
                }
            level["population"] += cell.population
            level["count"] += count
            level["weighted"] += found.get("sw", 0.0)
    communes, by_sex, by_age = (
        [level for level in margin.values() if level] for margin in margins
    )
    return {
        "n": n,
        "deff": deff,
        "effective_n": effective_n,
        "low": low,
        "high": high,
        "heavy": heavy,
        "outside": outside,
        "cells": rows,
        "population": sum(cell.population for cell in cells),
        "in_cells": in_cells,
        "communes": names,
        "weighted_in_cells": weighted_in_cells,
        "margins": {"commune": communes, "sex": by_sex, "age_group": by_age},
    }
