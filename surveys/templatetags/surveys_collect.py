"""The questions include (``surveys/collect_questions.html``): the questions grouped
under their section headings, each with its inputs and what it shows of the answers."""

import datetime
import json
from dataclasses import dataclass, field
from html import escape

from django import template
from django.utils.formats import localize
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@dataclass
class Group:
    """A section heading (or None before the first) and the questions under it."""

    section: object = None
    questions: list = field(default_factory=list)


def question_groups(questions) -> list[Group]:
    groups = [Group()]
    for question in questions:
        if question.kind == "section":
            groups.append(Group(section=question))
        else:
            groups[-1].questions.append(question)
    return [g for g in groups if g.section is not None or g.questions]


def _date_text(value: str) -> str:
    try:
        return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value  # what was typed, shown back to be corrected


def answer_of(question, answers) -> dict:
    """The question's answer as its inputs show it: ``value`` (text), ``codes``
    (the chosen codes), ``rows`` ({row: code}), ``other``, ``show_if`` (JSON)."""
    answers = answers or {}
    value = answers.get(question.name)
    codes, rows, text = [], {}, ""
    if isinstance(value, dict):
        rows = {str(k): str(v) for k, v in value.items()}
    elif isinstance(value, list):
        codes = [str(v) for v in value]
    elif value not in (None, ""):
        codes, text = [str(value)], str(value)
    if question.kind == "date" and text:
        text = _date_text(text)
    return {
        "value": text,
        "codes": codes,
        "rows": rows,
        "other": answers.get(f"{question.name}__other", ""),
        "show_if": json.dumps(question.show_if or {}, ensure_ascii=False),
    }


# --- The questions' markup ------------------------------------------------------------
# Written in Python rather than through the template language, which went through
# each choice of each question a lookup at a time: with crispy's respondent block,
# most of the public page's time. The markup is the one the accessibility tests and
# static/js/surveys-form.js read: keep them in step.


def _e(value) -> str:
    # The standard library's escape (Django's wraps it, with a lazy-string check).
    return escape(str(value))


def _required(question) -> str:
    if not question.required:
        return ""
    return (
        ' <span class="text-danger" aria-hidden="true">*</span>'
        f'<span class="visually-hidden">({_e(gettext("required"))})</span>'
    )


def _described_by(n: str, question, error) -> str:
    ids = [f"q-{n}-hint"] if question.hint else []
    if error:
        ids.append(f"q-{n}-error")
    return f' aria-describedby="{" ".join(ids)}"' if ids else ""


def _head(n: str, question, error) -> list[str]:
    """A choice question's legend, hint and error."""
    parts = [
        f'<legend class="form-label fs-6 fw-semibold">{_e(question.label)}'
        f"{_required(question)}</legend>"
    ]
    if question.hint:
        parts.append(
            f'<div class="form-text mt-0 mb-1" id="q-{n}-hint">{_e(question.hint)}</div>'
        )
    if error:
        parts.append(
            f'<div class="invalid-feedback d-block" id="q-{n}-error" role="alert">'
            f"{_e(error)}</div>"
        )
    return parts


def _choices(n: str, question, error, answer: dict) -> str:
    kind = question.kind
    invalid = " is-invalid" if error else ""
    parts = [
        f'<fieldset class="survey-question mb-3{invalid}" id="question-{n}" '
        f'data-question="{n}" data-kind="{_e(kind)}" '
        f'data-show-if="{_e(answer["show_if"])}"{_described_by(n, question, error)} '
        f'data-testid="question-{n}">',
        *_head(n, question, error),
        '<div class="d-flex flex-wrap gap-3">' if kind == "rating" else "<div>",
    ]
    rating = " form-check-inline me-0" if kind == "rating" else ""
    control = "checkbox" if kind == "multiple" else "radio"
    codes = answer["codes"]
    for number, choice in enumerate(question.choices.all(), start=1):
        value = choice.value
        checked = " checked" if value in codes else ""
        other = f' data-other="q-{n}-other"' if choice.is_other else ""
        parts.append(
            f'<div class="form-check{rating}">'
            f'<input class="form-check-input" type="{control}" name="q-{n}" '
            f'id="q-{n}-{number}" value="{_e(value)}"{checked}{other}>'
            f'<label class="form-check-label" for="q-{n}-{number}">'
            f"{_e(choice.label)}</label></div>"
        )
        if choice.is_other:
            parts.append(
                '<div class="ms-4 mb-2">'
                f'<label class="form-label small" for="q-{n}-other">'
                f"{_e(gettext('If other, say what'))}</label>"
                f'<input class="form-control form-control-sm" type="text" '
                f'name="q-{n}-other" id="q-{n}-other" maxlength="300" '
                f'value="{_e(answer["other"])}"></div>'
            )
    parts.append("</div></fieldset>")
    return "\n".join(parts)


def _grid(n: str, question, error, answer: dict) -> str:
    invalid = " is-invalid" if error else ""
    choices = list(question.choices.all())
    heads = "".join(
        f'<th scope="col" class="text-center small">{_e(choice.label)}</th>'
        for choice in choices
    )
    parts = [
        f'<fieldset class="survey-question mb-3{invalid}" id="question-{n}" '
        f'data-question="{n}" data-kind="grid" '
        f'data-show-if="{_e(answer["show_if"])}"{_described_by(n, question, error)} '
        f'data-testid="question-{n}">',
        *_head(n, question, error),
        '<div class="table-responsive">'
        '<table class="table table-sm align-middle survey-grid">'
        f"<thead><tr><td></td>{heads}</tr></thead><tbody>",
    ]
    chosen_rows = answer["rows"]
    for row in question.rows:
        name, label = _e(row.get("name")), _e(row.get("label"))
        chosen = chosen_rows.get(row.get("name"))
        cells = []
        for number, choice in enumerate(choices, start=1):
            control = f"q-{n}-{name}-{number}"
            checked = " checked" if chosen == choice.value else ""
            cells.append(
                f'<td class="text-center"><input class="form-check-input" '
                f'type="radio" name="q-{n}-{name}" id="{control}" '
                f'value="{_e(choice.value)}"{checked}>'
                f'<label class="visually-hidden" for="{control}">'
                f"{label}: {_e(choice.label)}</label></td>"
            )
        parts.append(
            f'<tr><th scope="row" class="fw-normal small" id="q-{n}-{name}-label">'
            f"{label}</th>{''.join(cells)}</tr>"
        )
    parts.append("</tbody></table></div></fieldset>")
    return "\n".join(parts)


def _bounds(question) -> str:
    low, high = question.minimum, question.maximum
    if low is None and high is None:
        return ""
    if low is not None and high is not None:
        text = gettext("From %(low)s to %(high)s.") % {
            "low": localize(low),
            "high": localize(high),
        }
    elif low is not None:
        text = gettext("At least %(low)s.") % {"low": localize(low)}
    else:
        text = gettext("At most %(high)s.") % {"high": localize(high)}
    return f'<div class="form-text">{_e(text)}</div>'


def _typed(n: str, question, error, answer: dict) -> str:
    kind = question.kind
    invalid = " is-invalid" if error else ""
    aria_invalid = ' aria-invalid="true"' if error else ""
    described = _described_by(n, question, error)
    value = _e(answer["value"])
    parts = [
        f'<div class="survey-question mb-3" id="question-{n}" data-question="{n}" '
        f'data-kind="{_e(kind)}" data-show-if="{_e(answer["show_if"])}" '
        f'data-testid="question-{n}">',
        f'<label class="form-label fw-semibold" for="q-{n}">{_e(question.label)}'
        f"{_required(question)}</label>",
    ]
    if question.hint:
        parts.append(
            f'<div class="form-text mt-0 mb-1" id="q-{n}-hint">{_e(question.hint)}</div>'
        )
    if kind == "long_text":
        parts.append(
            f'<textarea class="form-control{invalid}" name="q-{n}" id="q-{n}" '
            f'rows="3" maxlength="2000"{described}{aria_invalid}>{value}</textarea>'
        )
    elif kind == "number":
        parts.append(
            f'<input class="form-control{invalid}" type="text" inputmode="decimal" '
            f'name="q-{n}" id="q-{n}" value="{value}" maxlength="20"'
            f"{described}{aria_invalid}>{_bounds(question)}"
        )
    elif kind == "date":
        hint = f" q-{n}-hint" if question.hint else ""
        wrong = f" q-{n}-error" if error else ""
        parts.append(
            f'<input class="form-control{invalid}" type="text" inputmode="numeric" '
            f'name="q-{n}" id="q-{n}" value="{value}" maxlength="10" '
            'placeholder="dd/mm/yyyy" autocomplete="off" '
            f'aria-describedby="q-{n}-format{hint}{wrong}"{aria_invalid}>'
            f'<div class="form-text" id="q-{n}-format">'
            f"{_e(gettext('As dd/mm/yyyy, e.g. 02/09/2026.'))}</div>"
        )
    else:
        parts.append(
            f'<input class="form-control{invalid}" type="text" name="q-{n}" '
            f'id="q-{n}" value="{value}" maxlength="300"{described}{aria_invalid}>'
        )
    if error:
        parts.append(
            f'<div class="invalid-feedback d-block" id="q-{n}-error" role="alert">'
            f"{_e(error)}</div>"
        )
    parts.append("</div>")
    return "\n".join(parts)


@register.simple_tag
def questionnaire(questions, answers=None, errors=None) -> str:
    """The questions, each with its inputs, grouped under their section headings."""
    errors = errors or {}
    parts = ['<div class="survey-questions" data-survey-questions>']
    for group in question_groups(questions):
        section = group.section
        if section is not None:
            n = _e(section.name)
            show_if = _e(answer_of(section, answers)["show_if"])
            parts.append(
                f'<fieldset class="survey-section mb-4" data-question="{n}" '
                f'data-kind="section" data-show-if="{show_if}" '
                f'data-testid="section-{n}">'
                f'<legend class="h5 border-bottom pb-1">{_e(section.label)}</legend>'
            )
            if section.hint:
                parts.append(f'<p class="form-text">{_e(section.hint)}</p>')
        else:
            parts.append('<div class="survey-section mb-4">')
        for question in group.questions:
            n, error = _e(question.name), errors.get(question.name)
            answer = answer_of(question, answers)
            if question.kind in ("single", "rating", "multiple"):
                parts.append(_choices(n, question, error, answer))
            elif question.kind == "grid":
                parts.append(_grid(n, question, error, answer))
            else:
                parts.append(_typed(n, question, error, answer))
        parts.append("</fieldset>" if section is not None else "</div>")
    parts.append("</div>")
    # Every text from the questionnaire, the answers and the errors is escaped above.
    return mark_safe("\n".join(parts))  # noqa: S308
