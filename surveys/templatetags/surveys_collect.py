"""The questions include (``surveys/collect_questions.html``): what each question
shows of the answers, and the questions grouped under their section headings."""

import datetime
import json
from dataclasses import dataclass, field

from django import template

register = template.Library()


@dataclass
class Group:
    """A section heading (or None before the first) and the questions under it."""

    section: object = None
    questions: list = field(default_factory=list)


@register.simple_tag
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


@register.simple_tag
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


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key)
