"""A survey's results: counts, weighted shares and their intervals, from the database.

Only approved responses count. A question's percentages are of the respondents
who were shown it and answered it; a multiple choice's are of respondents (they
add up to more than 100 %). Everything is counted by grouped aggregates over
``Answer`` joined to the approved ``Response`` rows, a fixed number of queries
whatever the questions, and kept in the cache under a key that changes with
every review and weighting (``Survey.results_version``).

Intervals (Wilson's, on the effective sample size of Kish's design effect) are
stated only for a planned survey's face-to-face and personal-link answers: an
online link's answers chose themselves, and no margin of error is stated for
them (AAPOR).
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    ExpressionWrapper,
    F,
    FloatField,
    Q,
    Sum,
)
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from surveys import stats
from surveys.models import Answer, Question, Response, Survey
from surveys.weights import SQL_JOIN, weight
from surveys.weights import SQL_WEIGHT as W

Kind = Question.Kind
PLANNED_MODES = (Response.Mode.FACE_TO_FACE.value, Response.Mode.PERSONAL.value)
ALL_MODES = tuple(Response.Mode.values)
CACHE_SECONDS = 24 * 3600
CACHE_VERSION = 1
CHOICE_LIST_KINDS = (Kind.SINGLE, Kind.MULTIPLE, Kind.RATING)


class Median(Aggregate):
    """PostgreSQL's continuous median (SQLite has none: the median is left out)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


def has_median() -> bool:
    return connection.vendor == "postgresql"


def default_modes(survey: Survey) -> tuple[str, ...]:
    """A planned survey's figures are its planned sample's; others count every mode."""
    return PLANNED_MODES if survey.is_planned else ALL_MODES


def states_margin(survey: Survey, modes) -> bool:
    return survey.is_planned and set(modes) <= set(PLANNED_MODES)


def margin_note(survey: Survey, modes) -> str:
    """The one sentence that says why no margin of error is stated ("" if it is)."""
    if states_margin(survey, modes):
        return ""
    if Response.Mode.ONLINE in modes:
        return _(
            "Answers given through the online link are a self-selected sample, not "
            "drawn to a plan, so no margin of error is calculated."
        )
    return _(
        "These answers were not drawn to a sample plan (no sample size was "
        "adopted for this survey), so no margin of error is calculated."
    )


@dataclass(frozen=True)
class Scope:
    """Which approved responses count: one survey's, in these modes, of a commune."""

    survey_id: int
    modes: tuple[str, ...]
    commune_id: int | None = None

    def q(self, prefix: str = "") -> Q:
        """The ORM filter, on ``Response`` (prefix "") or through ``response__``."""
        lookups = {
            f"{prefix}survey_id": self.survey_id,
            f"{prefix}state": Response.State.SUBMITTED,
            f"{prefix}review": Response.Review.APPROVED,
            f"{prefix}mode__in": list(self.modes),
        }
        if self.commune_id:
            lookups[f"{prefix}commune_id"] = self.commune_id
        return Q(**lookups)

    def sql(self) -> tuple[str, list]:
        """The same filter on the alias ``r`` of the responses' table."""
        marks = ", ".join(["%s"] * len(self.modes))
        text = f"r.survey_id = %s AND r.mode IN ({marks})"
        params = [self.survey_id, *self.modes]
        if self.commune_id:
            text += " AND r.commune_id = %s"
            params.append(self.commune_id)
        return f"({text})", params


def _where(scopes) -> tuple[str, list]:
    parts, params = [], [Response.State.SUBMITTED, Response.Review.APPROVED]
    for scope in scopes:
        text, more = scope.sql()
        parts.append(text)
        params += more
    return f"r.state = %s AND r.review = %s AND ({' OR '.join(parts)})", params


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _fetch(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# The expressions a grouped query may group by: fixed here, never the user's text.
LEVELS = {
    "a.question_id",
    "b.choice_id",
    "r.survey_id",
    "r.commune_id",
    "r.sex",
    "r.age_group",
    "r.occupation",
    "r.mode",
}


def grouped_counts(scopes, question_ids, *, level: str, by_ids=()) -> list[tuple]:
    """(level, choice id, answers, Σ w, Σ w²) of the answers to ``question_ids``.

    ``level`` is an SQL expression over ``r`` (the response), ``a`` (the answer)
    or ``b`` (the answer to the questions ``by_ids`` of the same response).
    """
    if level not in LEVELS:
        raise ValueError(level)
    where, params = _where(scopes)
    join_b, join_params = _join_by(by_ids)
    # Fixed expressions and table names (LEVELS); every value is a parameter.
    sql = (
        f"SELECT {level}, a.choice_id, COUNT(*), SUM({W}), "  # noqa: S608
        f"SUM({W} * {W}) "
        f"FROM {_table(Answer)} a JOIN {_table(Response)} r ON r.id = a.response_id"
        f"{SQL_JOIN}{join_b} WHERE a.question_id IN ({_marks(question_ids)}) AND {where} "
        f"GROUP BY {level}, a.choice_id"
    )
    return _fetch(sql, [*join_params, *question_ids, *params])


def grouped_bases(scopes, question_ids, *, level: str, by_ids=()) -> dict:
    """level → (respondents, Σ w, Σ w²) of those who answered ``question_ids``.

    A respondent counts once per level however many choices they ticked: the
    base of a multiple choice's percentages.
    """
    if level not in LEVELS:
        raise ValueError(level)
    where, params = _where(scopes)
    join_b, join_params = _join_by(by_ids)
    inner = "" if level.startswith("r.") else f", {level} AS lvl"
    outer = level if level.startswith("r.") else "x.lvl"
    # Fixed expressions and table names (LEVELS); every value is a parameter.
    sql = (
        f"SELECT {outer}, COUNT(*), SUM({W}), SUM({W} * {W}) "  # noqa: S608
        "FROM "
        f"(SELECT DISTINCT a.response_id{inner} FROM {_table(Answer)} a{join_b} "
        f"WHERE a.question_id IN ({_marks(question_ids)})) x "
        f"JOIN {_table(Response)} r ON r.id = x.response_id{SQL_JOIN} WHERE {where} "
        f"GROUP BY {outer}"
    )
    rows = _fetch(sql, [*join_params, *question_ids, *params])
    return {row[0]: (row[1], float(row[2] or 0), float(row[3] or 0)) for row in rows}


def _join_by(by_ids) -> tuple[str, list]:
    if not by_ids:
        return "", []
    return (
        f" JOIN {_table(Answer)} b ON b.response_id = a.response_id "
        f"AND b.question_id IN ({_marks(by_ids)})",
        list(by_ids),
    )


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def cell(count, weighted, base_n, base_w, *, deff, confidence, margin) -> dict:
    """One figure: its count, shares and interval, or nothing if fewer than 10."""
    if not stats.shown(count):
        return {
            "count": None,
            "percent": None,
            "weighted_percent": None,
            "low": None,
            "high": None,
            "shown": False,
        }
    share = weighted / base_w if base_w else 0.0
    low = high = None
    if margin:
        low, high = stats.wilson(share, base_n, confidence=confidence, deff=deff)
        low, high = 100 * low, 100 * high
    return {
        "count": count,
        "percent": 100 * count / base_n if base_n else 0.0,
        "weighted_percent": 100 * share,
        "low": low,
        "high": high,
        "shown": True,
    }


def survey_questions(survey: Survey) -> dict[str, list[Question]]:
    """name → the questions of that name in every version, newest version first.

    Answers point at the question of the version they saw: a question is the
    same question across versions when it keeps its name (its choices, their code).
    """
    questions = (
        Question.objects.filter(version__survey=survey)
        .exclude(kind=Kind.SECTION)
        .select_related("version")
        .prefetch_related("choices")
        .order_by("-version__number", "order", "pk")
    )
    by_name: dict[str, list[Question]] = {}
    for question in questions:
        by_name.setdefault(question.name, []).append(question)
    return by_name


def choice_list(versions: list[Question]) -> list[tuple[str, str, bool]]:
    """(code, label, is other) of a question's choices, the newest version's first."""
    seen, result = set(), []
    for question in versions:
        for choice in question.choices.all():
            if choice.value not in seen:
                seen.add(choice.value)
                result.append((choice.value, choice.label, choice.is_other))
    return result


def choice_codes(versions: list[Question]) -> dict[int, str]:
    return {c.pk: c.value for q in versions for c in q.choices.all()}


def cache_key(survey: Survey, name: str, *parts) -> str:
    # To the microsecond: SQLite gives a new survey the id of one rolled back.
    stamp = survey.created_at.strftime("%Y%m%d%H%M%S%f") if survey.created_at else ""
    tail = ":".join(str(part) for part in parts)
    return (
        f"surveys:{name}:{CACHE_VERSION}:{survey.pk}:{survey.results_version}:"
        f"{stamp}:{get_language()}:{tail}"
    )


def _modes(survey, modes) -> tuple[str, ...]:
    if not modes:
        return default_modes(survey)
    return tuple(sorted(m for m in set(modes) if m in ALL_MODES)) or ALL_MODES


def _commune_id(commune) -> int | None:
    return getattr(commune, "pk", commune) or None


def survey_results(survey: Survey, *, modes=None, commune=None) -> dict:
    """Every question's figures over the approved responses (see the module).

    ``modes`` are ``Response.Mode`` values (default: the planned sample of a
    planned survey, else every mode); ``commune`` an ``OrgUnit`` or its id.
    Computed once per ``survey.results_version`` and kept in the cache.
    """
    scope = Scope(survey.pk, _modes(survey, modes), _commune_id(commune))
    key = cache_key(survey, "results", ",".join(scope.modes), scope.commune_id or "")
    result = cache.get(key)
    if result is None:
        result = _compute(survey, scope)
        cache.set(key, result, CACHE_SECONDS)
    return result


def _compute(survey: Survey, scope: Scope) -> dict:
    by_name = survey_questions(survey)
    multiple = [name for name, v in by_name.items() if v[0].kind == Kind.MULTIPLE]
    # A multiple choice's base (respondents who ticked anything) in the same scan
    # of the responses as the totals: a response keeps only the answers given.
    squared = ExpressionWrapper(weight() * weight(), output_field=FloatField())
    aggregates = {"n": Count("pk"), "sw": Sum(weight()), "sw2": Sum(squared)}
    for index, name in enumerate(multiple):
        answered = Q(answers__has_key=name)
        aggregates[f"n{index}"] = Count("pk", filter=answered)
        aggregates[f"sw{index}"] = Sum(weight(), filter=answered)
        aggregates[f"sw2{index}"] = Sum(squared, filter=answered)
    # Every mode, to say what a filtered view leaves out; totals of those shown.
    every_mode = Scope(scope.survey_id, ALL_MODES, scope.commune_id)
    by_mode = {
        row["mode"]: row
        for row in Response.objects.filter(every_mode.q())
        .values("mode")
        .annotate(**aggregates)
        .order_by()
    }
    shown = [row for mode, row in by_mode.items() if mode in scope.modes]
    totals = {key: sum(row[key] or 0 for row in shown) for key in aggregates}
    n, sum_w, sum_w2 = totals["n"], totals["sw"], totals["sw2"]
    deff, effective_n = stats.kish(sum_w, sum_w2, n)
    margin = states_margin(survey, scope.modes)
    bases = {
        name: (totals[f"n{i}"], totals[f"sw{i}"], totals[f"sw2{i}"])
        for i, name in enumerate(multiple)
    }
    ids = [q.pk for versions in by_name.values() for q in versions]
    counted = _counted(scope, ids) if ids and n else {}
    number_ids = [q.pk for v in by_name.values() for q in v if q.kind == Kind.NUMBER]
    numbers = _numbers(scope, number_ids) if number_ids and n else {}
    questions = [
        _question(
            versions,
            counted,
            bases,
            numbers,
            margin=margin,
            confidence=survey.confidence,
        )
        for versions in by_name.values()
    ]
    return {
        "n": n,
        "weighted_n": sum_w,
        "modes": list(scope.modes),
        # Approved responses of every mode, counted here or not.
        "mode_counts": {mode: row["n"] for mode, row in by_mode.items()},
        "left_out": sum(
            row["n"] for mode, row in by_mode.items() if mode not in scope.modes
        ),
        "commune": scope.commune_id,
        "method": method_text(survey, scope.modes, n, deff, effective_n, margin),
        "moe_stated": margin,
        "moe_note": margin_note(survey, scope.modes),
        "confidence": survey.confidence,
        "deff": deff,
        "effective_n": effective_n,
        "weighting": survey.weighting,
        "questions": questions,
    }


def _counted(scope: Scope, ids: list[int]) -> dict:
    """(question id, row, choice id) → count, Σw, Σw², in one grouped query."""
    w = weight("response__")
    rows = (
        Answer.objects.filter(scope.q("response__"), question_id__in=ids)
        .values("question_id", "row", "choice_id")
        .annotate(
            count=Count("pk"),
            sw=Sum(w),
            sw2=Sum(w * w, output_field=FloatField()),
        )
        .order_by()
    )
    return {(r["question_id"], r["row"], r["choice_id"]): r for r in rows}


def _numbers(scope: Scope, ids: list[int]) -> dict:
    """Number questions' n, mean, Σw·x and median (PostgreSQL), by question id.

    Apart from the counts: a median sorts its group, which would make the one
    grouped query of every answer sort instead of hash.
    """
    aggregates = {
        "count": Count("pk"),
        "mean": Avg("number", output_field=FloatField()),
        "sw": Sum(weight("response__")),
        "swx": Sum(F("number") * weight("response__"), output_field=FloatField()),
    }
    if has_median():
        aggregates["median"] = Median("number")
    rows = (
        Answer.objects.filter(scope.q("response__"), question_id__in=ids)
        .values("question_id")
        .annotate(**aggregates)
        .order_by()
    )
    return {r["question_id"]: r for r in rows}


def _question(versions, counted, bases, numbers, *, margin, confidence) -> dict:
    shown_question = versions[0]
    kind = shown_question.kind
    ids = {q.pk for q in versions}
    mine = [row for key, row in counted.items() if key[0] in ids]
    result = {
        "question": shown_question.name,
        "pk": shown_question.pk,
        "label": shown_question.label,
        "kind": kind,
        "kind_label": shown_question.get_kind_display(),
        "n": 0,
        "rows": [],
        "grid": [],
        "has_other": any(c.is_other for q in versions for c in q.choices.all()),
    }
    if kind in Question.CHOICE_KINDS:
        codes = choice_codes(versions)
        choices = choice_list(versions)
        grid_rows = shown_question.rows or [{"name": "", "label": ""}]
        groups = []
        for grid_row in grid_rows if kind == Kind.GRID else [{"name": ""}]:
            here = [r for r in mine if r["row"] == grid_row["name"]]
            if kind == Kind.MULTIPLE:
                base_n, base_w, base_w2 = bases.get(shown_question.name, (0, 0.0, 0.0))
            else:
                base_n = sum(r["count"] for r in here)
                base_w = sum(r["sw"] or 0 for r in here)
                base_w2 = sum(r["sw2"] or 0 for r in here)
            deff, effective_n = stats.kish(base_w, base_w2, base_n)
            tally: dict[str, list] = {}
            for r in here:
                code = codes.get(r["choice_id"])
                entry = tally.setdefault(code, [0, 0.0])
                entry[0] += r["count"]
                entry[1] += r["sw"] or 0
            rows = []
            for code, label, is_other in choices:
                count, weighted = tally.get(code, (0, 0.0))
                figures = cell(
                    count,
                    weighted,
                    base_n,
                    base_w,
                    deff=deff,
                    confidence=confidence,
                    margin=margin,
                )
                rows.append(
                    {"value": code, "label": label, "is_other": is_other, **figures}
                )
            groups.append(
                {
                    "name": grid_row["name"],
                    "label": grid_row.get("label", ""),
                    "n": base_n,
                    "deff": deff,
                    "effective_n": effective_n,
                    "rows": rows,
                }
            )
        if kind == Kind.GRID:
            result["grid"] = groups
            result["n"] = max((g["n"] for g in groups), default=0)
            # Flat too, for a reader that lists rows: "row label: scale point".
            result["rows"] = [
                {**row, "row": g["name"], "label": f"{g['label']}: {row['label']}"}
                for g in groups
                for row in g["rows"]
            ]
        else:
            group = groups[0]
            result.update(
                n=group["n"],
                rows=group["rows"],
                deff=group["deff"],
                effective_n=group["effective_n"],
            )
    else:
        n = sum(r["count"] for r in mine)
        result["n"] = n
        if kind == Kind.NUMBER:
            result.update(_number([numbers[pk] for pk in ids if pk in numbers], n))
    return result


def _number(rows, n) -> dict:
    """n, mean, weighted mean and median of a number question (none under 10)."""
    if not stats.shown(n):
        return {"shown": False, "mean": None, "weighted_mean": None, "median": None}
    total = sum((r["mean"] or 0) * r["count"] for r in rows)
    sum_w = sum(r["sw"] or 0 for r in rows)
    sum_wx = sum(r["swx"] or 0 for r in rows)
    # A median cannot be merged across versions of the question: one group only.
    medians = [r.get("median") for r in rows if r.get("median") is not None]
    return {
        "shown": True,
        "mean": total / n if n else None,
        "weighted_mean": sum_wx / sum_w if sum_w else None,
        "median": medians[0] if len(medians) == 1 else None,
    }


def weighting_text(survey: Survey) -> str:
    method = (survey.weighting or "").lower()
    if not method or survey.weighted_at is None:
        return _("Unweighted: every response counts once (weight 1).")
    if "rak" in method:
        name = _(
            "raking (iterative proportional fitting) to the population by commune, "
            "sex and age group"
        )
    elif "post" in method or "strat" in method:
        name = _("post-stratification to the population by commune, sex and age group")
    else:
        name = survey.weighting
    return _("Weighted by %(method)s on %(date)s.") % {
        "method": name,
        "date": survey.weighted_at.strftime("%d/%m/%Y"),
    }


def mode_text(modes) -> str:
    labels = dict(Response.Mode.choices)
    return ", ".join(str(labels[m]) for m in ALL_MODES if m in modes)


def method_text(survey, modes, n, deff, effective_n, margin) -> str:
    """The method written beside the figures."""
    parts = [
        _("Approved responses counted: %(n)s (%(modes)s).")
        % {"n": n, "modes": mode_text(modes)},
        weighting_text(survey),
        _("Kish design effect %(deff).2f, effective sample size %(eff).0f.")
        % {"deff": deff, "eff": effective_n},
    ]
    if margin:
        parts.append(
            _(
                "Intervals: %(confidence)s %% confidence, Wilson's method on the "
                "effective sample size."
            )
            % {"confidence": survey.confidence}
        )
    return " ".join(parts)


def headline(survey: Survey) -> list[dict]:
    """Each single-choice and rating question's leading answer (the periodic brief's)."""
    results = survey_results(survey)
    lines = []
    for question in results["questions"]:
        if question["kind"] not in (Kind.SINGLE, Kind.RATING):
            continue
        shown = [row for row in question["rows"] if row["shown"]]
        if not shown:
            continue
        top = max(shown, key=lambda row: row["weighted_percent"])
        lines.append(
            {
                "question": question["question"],
                "label": question["label"],
                "n": question["n"],
                "choice": top["label"],
                "weighted_percent": top["weighted_percent"],
                "low": top["low"],
                "high": top["high"],
                "moe_stated": results["moe_stated"],
            }
        )
    return lines


def text_answers(survey: Survey, question: Question, *, query: str = ""):
    """The free-text answers of ``question`` (by name, every version) of approved
    responses, newest first, matched ignoring case and diacritics."""
    from dluan.search import search

    queryset = (
        Answer.objects.filter(
            question__version__survey=survey,
            question__name=question.name,
            response__state=Response.State.SUBMITTED,
            response__review=Response.Review.APPROVED,
        )
        .exclude(text="")
        .select_related("response", "response__commune", "choice")
        .defer("response__answers")
        .order_by("-response__submitted_at", "-pk")
    )
    return search(queryset, query)
