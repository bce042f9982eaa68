"""A response's answers: read from a posted form, checked against the questionnaire.

Every collecting page (the interviewer's form, the public link, a personal link)
posts the same field names and goes through :func:`clean_answers`:

    q-<name>            the value (a choice's code, a number, text, dd/mm/yyyy)
    q-<name>            repeated, for a multiple choice
    q-<name>-<row>      a grid row's choice
    q-<name>-other      the words after "Khác (ghi rõ)"

The result is ``{name: value}`` as ``Response.answers`` keeps it: a code, a list
of codes, ``{row: code}``, a number as text (``"12"``), a date as ``"2026-12-06"``
and text; ``"<name>__other"`` holds the "other" words.
"""

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from dluan.search import nfc
from surveys import rules

MAX_TEXT = 2000
MAX_SHORT_TEXT = 300


@dataclass
class Cleaned:
    answers: dict = field(default_factory=dict)
    # name → message; "" for what concerns the whole form.
    errors: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def _text(value: str) -> str:
    return nfc(value or "").replace("\x00", "").strip()


def _raw(data, question) -> dict:
    """What was posted for ``question``: its values, grid rows, other words."""
    name = question.name
    prefix = f"q-{name}-"
    # Only a grid has rows: "q-<name>-<anything>" posted to another kind (or a
    # question whose name begins with this one's) is not an answer to it.
    rows = {
        key[len(prefix) :]: _text(data.get(key))
        for key in data
        if question.kind == "grid"
        and key.startswith(prefix)
        and key != f"{prefix}other"
    }
    values = [_text(v) for v in data.getlist(f"q-{name}")]
    return {
        "values": [v for v in values if v],
        "rows": {k: v for k, v in rows.items() if v},
        "other": _text(data.get(f"{prefix}other")),
    }


def _parse_date(value: str) -> datetime.date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    return None


def _one(question, raw) -> tuple[object, str]:
    """(value, error) for one shown question with something posted."""
    values = raw["values"]
    kind = question.kind
    codes = {c.value: c for c in question.choices.all()}
    if kind in ("single", "rating"):
        if len(values) > 1 or values[0] not in codes:
            return None, _("Choose one of the options given.")
        return values[0], ""
    if kind == "multiple":
        if len(set(values)) != len(values) or any(v not in codes for v in values):
            return None, _("Choose among the options given.")
        return values, ""
    if kind == "grid":
        names = {row["name"] for row in question.rows}
        if values or any(
            row not in names or code not in codes for row, code in raw["rows"].items()
        ):
            return None, _("Choose one point of the scale for each row.")
        return raw["rows"], ""
    value = values[0] if len(values) == 1 else None
    if value is None:
        return None, _("Give one answer.")
    if kind == "number":
        try:
            number = Decimal(value.replace(",", "."))
        except InvalidOperation:
            return None, _("Enter a number.")
        if not number.is_finite() or abs(number) >= 10**10:
            return None, _("Enter a number.")
        if question.minimum is not None and number < question.minimum:
            return None, _("The number must be at least %(n)s.") % {
                "n": question.minimum
            }
        if question.maximum is not None and number > question.maximum:
            return None, _("The number must be at most %(n)s.") % {
                "n": question.maximum
            }
        return format(number.normalize(), "f"), ""
    if kind == "date":
        day = _parse_date(value)
        if day is None:
            return None, _("Enter a date as dd/mm/yyyy.")
        return day.isoformat(), ""
    limit = MAX_SHORT_TEXT if kind == "text" else MAX_TEXT
    if len(value) > limit:
        return None, _("Keep the answer under %(n)s characters.") % {"n": limit}
    return value, ""


def _missing(question, value) -> bool:
    if question.kind == "grid":
        return len(value or {}) < len(question.rows)
    return value in (None, "", [])


def clean_answers(questions, data, *, partial: bool = False) -> Cleaned:
    """Check what was posted against ``questions`` (in order, choices prefetched).

    Refuses an answer to a hidden question, a missing required answer (unless
    ``partial``: a draft), a code that is not an option, a bad number or date,
    and "other" words without the "other" option. ``data`` is a QueryDict or a
    dict of lists.
    """
    if not isinstance(data, MultiValueDict):
        data = MultiValueDict(
            {k: v if isinstance(v, list) else [v] for k, v in dict(data).items()}
        )
    questions = list(questions)
    result = Cleaned()
    posted = {}
    for question in questions:
        if question.kind == "section":
            continue
        raw = _raw(data, question)
        if raw["values"] or raw["rows"]:
            value, error = _one(question, raw)
            if error:
                result.errors[question.name] = error
                continue
            posted[question.name] = value
        if raw["other"]:
            posted[f"{question.name}__other"] = raw["other"]
    shown = rules.visible_names(questions, posted)
    for question in questions:
        name = question.name
        if question.kind == "section" or name in result.errors:
            continue
        value = posted.get(name)
        other = posted.get(f"{name}__other", "")
        if name not in shown:
            if value not in (None, "", [], {}) or other:
                result.errors[name] = _(
                    "This question does not apply to the answers given: leave it empty."
                )
            continue
        if _missing(question, value):
            if question.required and not partial:
                result.errors[name] = _("This question needs an answer.")
                continue
            if value in (None, "", [], {}):
                if other:
                    result.errors[name] = _("Choose “Other” to give your own words.")
                continue
        other_codes = {c.value for c in question.choices.all() if c.is_other}
        if isinstance(value, dict):
            chosen = list(value.values())
        else:
            chosen = value if isinstance(value, list) else [value]
        if other and not other_codes.intersection(chosen):
            result.errors[name] = _("Choose “Other” to give your own words.")
            continue
        if other_codes.intersection(chosen) and not other and not partial:
            result.errors[name] = _("Say what “Other” is.")
            continue
        if len(other) > MAX_SHORT_TEXT:
            result.errors[name] = _("Keep the answer under %(n)s characters.") % {
                "n": MAX_SHORT_TEXT
            }
            continue
        result.answers[name] = value
        if other:
            result.answers[f"{name}__other"] = other
    return result


def fingerprint(questions, answers: dict) -> str:
    """The choice answers in one canonical string (near-identical responses share
    it, whatever their numbers and words)."""
    parts = []
    for question in questions:
        if question.kind not in question.CHOICE_KINDS:
            continue
        value = answers.get(question.name)
        if isinstance(value, list):
            value = ",".join(sorted(value))
        elif isinstance(value, dict):
            value = ",".join(f"{k}={v}" for k, v in sorted(value.items()))
        parts.append(f"{question.name}:{value or ''}")
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
