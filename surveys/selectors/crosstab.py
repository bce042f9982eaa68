"""Cross-tabulations of a choice question, and a bank question's figures over time.

The same rules as the results page (see :mod:`surveys.selectors.results`): only
approved responses, weighted row percentages, "fewer than 10" for small cells,
intervals only for a planned survey's planned sample.
"""

from django.core.cache import cache
from django.utils.translation import gettext as _

from dluan.models import OrgUnit
from surveys import stats
from surveys.models import (
    AgeGroup,
    BankQuestion,
    Occupation,
    Question,
    Response,
    Sex,
    Survey,
)
from surveys.selectors import towns as town_folding
from surveys.selectors.results import (
    CACHE_SECONDS,
    CHOICE_LIST_KINDS,
    Scope,
    _commune_id,
    _modes,
    cache_key,
    cell,
    choice_codes,
    choice_list,
    default_modes,
    grouped_bases,
    grouped_counts,
    margin_note,
    states_margin,
    survey_questions,
)

# The respondent's variables a question can be crossed with: name → SQL column.
VARIABLES = {
    "commune": "r.commune_id",
    "sex": "r.sex",
    "age_group": "r.age_group",
    "occupation": "r.occupation",
    "mode": "r.mode",
}


def variable_labels() -> dict[str, str]:
    return {
        "commune": _("Commune / ward"),
        "sex": _("Sex"),
        "age_group": _("Age group"),
        "occupation": _("Occupation"),
        "mode": _("Mode of answering"),
    }


def crossable(survey: Survey) -> dict[str, list[Question]]:
    """name → versions of the questions a cross-tab can show (choice lists)."""
    return {
        name: versions
        for name, versions in survey_questions(survey).items()
        if versions[0].kind in CHOICE_LIST_KINDS
    }


def crosstab(
    survey: Survey,
    *,
    question: str,
    by: str,
    modes=None,
    commune=None,
    town=None,
    questions: dict | None = None,
) -> dict:
    """Rows: the levels of ``by`` (a variable or another choice question);
    columns: ``question``'s choices; weighted row percentages and row n.

    By commune, a province's survey has a row per town (its communes added up),
    or with ``town`` (an ``OrgUnit``) a row per commune of that town only: see
    :mod:`surveys.selectors.towns`.

    ``questions`` is :func:`crossable`'s answer when the caller has it already.
    Raises KeyError for a question or variable that cannot be crossed.
    """
    scope = Scope(survey.pk, _modes(survey, modes), _commune_id(commune))
    fold = None
    if by == "commune" and town_folding.folds(survey):
        fold = getattr(town, "pk", "towns")
    key = cache_key(
        survey,
        "crosstab",
        question,
        by,
        ",".join(scope.modes),
        scope.commune_id or "",
        fold or "",
    )
    result = cache.get(key)
    if result is None:
        questions = questions if questions is not None else crossable(survey)
        if question not in questions or (by not in VARIABLES and by not in questions):
            raise KeyError(question if question not in questions else by)
        if by == question:
            raise KeyError(by)
        result = _compute(
            survey, scope, questions[question], by, questions.get(by), fold=fold
        )
        cache.set(key, result, CACHE_SECONDS)
    return result


def _levels(by: str, by_versions, keys) -> list[tuple[object, str]]:
    """(key, label) of the row levels present, in their natural order."""
    present = set(keys)
    if by_versions is not None:
        return [
            (code, label)
            for code, label, _other in choice_list(by_versions)
            if code in present
        ]
    if by == "commune":
        units = OrgUnit.objects.filter(pk__in=[k for k in present if k]).order_by(
            "name"
        )
        levels = [(unit.pk, unit.name) for unit in units]
    else:
        enum = {
            "sex": Sex,
            "age_group": AgeGroup,
            "occupation": Occupation,
            "mode": Response.Mode,
        }[by]
        levels = [
            (value, str(label)) for value, label in enum.choices if value in present
        ]
    if None in present or "" in present:
        levels.append((None if by == "commune" else "", _("Not stated")))
    return levels


_LEAVE_OUT = object()


def _regroup(counts, bases, key_of) -> tuple[list, dict]:
    """Counts and bases with each level replaced by ``key_of(level)`` and the
    levels of one key added up (Σ n, Σ w, Σ w² add up); a level whose key is
    ``_LEAVE_OUT`` is left out."""
    counts = [(key_of(r[0]), *r[1:]) for r in counts]
    counts = [r for r in counts if r[0] is not _LEAVE_OUT]
    merged: dict = {}
    for level, (n, w, w2) in bases.items():
        key = key_of(level)
        if key is _LEAVE_OUT:
            continue
        old = merged.get(key, (0, 0.0, 0.0))
        merged[key] = (old[0] + n, old[1] + w, old[2] + w2)
    return counts, merged


def _compute(survey, scope, versions, by, by_versions, *, fold=None) -> dict:
    ids = [q.pk for q in versions]
    by_ids = [q.pk for q in by_versions] if by_versions else []
    level = "b.choice_id" if by_versions else VARIABLES[by]
    counts = grouped_counts([scope], ids, level=level, by_ids=by_ids)
    if versions[0].kind == "multiple":
        bases = grouped_bases([scope], ids, level=level, by_ids=by_ids)
    else:
        # One answer per respondent (and level): the base is the sum of the row.
        bases = _sums(counts)
    codes = choice_codes(versions)
    if by_versions:
        # Levels are the other question's choices, merged across its versions.
        by_codes = choice_codes(by_versions)
        counts, bases = _regroup(counts, bases, by_codes.get)
    towns = None
    if fold is not None:
        town_of, towns = town_folding.town_of_communes(survey)
        if fold == "towns":
            # A respondent lives in one commune: a town's sums are its communes'.
            counts, bases = _regroup(
                counts, bases, lambda c: town_of[c].pk if c in town_of else None
            )
        else:
            counts, bases = _regroup(
                counts,
                bases,
                lambda c: c if c in town_of and town_of[c].pk == fold else _LEAVE_OUT,
            )
    margin = states_margin(survey, scope.modes)
    columns = [
        {"value": code, "label": label} for code, label, _other in choice_list(versions)
    ]
    tally: dict = {}
    for lvl, choice_id, count, weighted, _w2 in counts:
        entry = tally.setdefault((lvl, codes.get(choice_id)), [0, 0.0])
        entry[0] += count
        entry[1] += float(weighted or 0)
    rows = []
    if not by_versions:
        bases = {
            ("" if k is None and by != "commune" else k): v for k, v in bases.items()
        }
    if fold == "towns":
        present = set(bases)
        levels = [(town.pk, town.name) for town in towns if town.pk in present]
        if None in present:
            levels.append((None, _("Not stated")))
    else:
        levels = _levels(by, by_versions, bases.keys())
    for lvl, label in levels:
        base_n, base_w, base_w2 = bases.get(lvl, (0, 0.0, 0.0))
        deff, _eff = stats.kish(base_w, base_w2, base_n)
        cells = [
            cell(
                *tally.get((lvl, column["value"]), (0, 0.0)),
                base_n,
                base_w,
                deff=deff,
                confidence=survey.confidence,
                margin=margin,
            )
            for column in columns
        ]
        rows.append(
            {
                "label": label,
                # A town's row opens on its communes.
                "town": lvl if fold == "towns" else None,
                "n": base_n if stats.shown(base_n) else None,
                "shown": stats.shown(base_n),
                "deff": deff,
                "cells": cells,
            }
        )
    shown_question = versions[0]
    return {
        "question": shown_question.name,
        "label": shown_question.label,
        "kind": shown_question.kind,
        "by": by,
        "by_label": by_versions[0].label if by_versions else variable_labels()[by],
        "by_multiple": bool(by_versions) and by_versions[0].kind == "multiple",
        "by_town": fold == "towns",
        "columns": columns,
        "rows": rows,
        "modes": list(scope.modes),
        "moe_stated": margin,
        "moe_note": margin_note(survey, scope.modes),
        "confidence": survey.confidence,
    }


def _sums(counts) -> dict:
    """level → (answers, Σ w, Σ w²) summed over the choices."""
    sums: dict = {}
    for lvl, _choice, count, weighted, squared in counts:
        n, w, w2 = sums.get(lvl, (0, 0.0, 0.0))
        sums[lvl] = (n + count, w + float(weighted or 0), w2 + float(squared or 0))
    return sums


def bank_trend(user, bank: BankQuestion) -> dict:
    """The surveys (visible to ``user``) that asked ``bank``'s question, oldest
    first, each with its dates, n and the weighted percent of every choice.

    Each survey counts as its results page does by default (a planned survey:
    its planned sample, with intervals). Two grouped queries for all surveys.
    """
    questions = list(
        Question.objects.filter(
            bank_question=bank, version__survey__in=Survey.objects.visible_to(user)
        )
        .select_related("version__survey")
        .prefetch_related("choices")
        .order_by("version__survey__starts_on", "version__survey_id", "pk")
    )
    surveys: dict[int, Survey] = {}
    versions: dict[int, list[Question]] = {}
    for question in questions:
        survey = question.version.survey
        surveys.setdefault(survey.pk, survey)
        versions.setdefault(survey.pk, []).append(question)
    ids = [q.pk for q in questions]
    columns = [
        {"value": c.get("value"), "label": c.get("label", "")}
        for c in bank.choices or []
    ]
    if not ids or bank.kind not in CHOICE_LIST_KINDS:
        counts, bases = [], {}
    else:
        scopes = [Scope(s.pk, default_modes(s)) for s in surveys.values()]
        counts = grouped_counts(scopes, ids, level="r.survey_id")
        if bank.kind == "multiple":
            bases = grouped_bases(scopes, ids, level="r.survey_id")
        else:
            bases = _sums(counts)
    known = {column["value"] for column in columns}
    for survey_versions in versions.values():
        for code, label, _other in choice_list(survey_versions):
            if code not in known:
                known.add(code)
                columns.append({"value": code, "label": label})
    codes = {
        pk: code for v in versions.values() for pk, code in choice_codes(v).items()
    }
    tally: dict = {}
    for survey_id, choice_id, count, weighted, _w2 in counts:
        entry = tally.setdefault((survey_id, codes.get(choice_id)), [0, 0.0])
        entry[0] += count
        entry[1] += float(weighted or 0)
    result = []
    for survey in surveys.values():
        base_n, base_w, base_w2 = bases.get(survey.pk, (0, 0.0, 0.0))
        deff, _eff = stats.kish(base_w, base_w2, base_n)
        modes = default_modes(survey)
        margin = states_margin(survey, modes)
        result.append(
            {
                "survey": survey,
                "n": base_n,
                "moe_stated": margin,
                "cells": [
                    cell(
                        *tally.get((survey.pk, column["value"]), (0, 0.0)),
                        base_n,
                        base_w,
                        deff=deff,
                        confidence=survey.confidence,
                        margin=margin,
                    )
                    for column in columns
                ],
            }
        )
    return {"columns": columns, "surveys": result}
