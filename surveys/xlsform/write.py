"""Writing a survey's current questionnaire as an XLSForm workbook."""

from dluan.xlsx import build_workbook
from surveys.models import Survey
from surveys.xlsform.expressions import _quote, rule_to_xpath
from surveys.xlsform.sheets import (
    CHOICE_COLUMNS,
    CHOICES,
    SETTINGS,
    SURVEY,
    SURVEY_COLUMNS,
    K,
)


def _constraint(question) -> str:
    parts = []
    if question.minimum is not None:
        parts.append(f". >= {question.minimum}")
    if question.maximum is not None:
        parts.append(f". <= {question.maximum}")
    return " and ".join(parts)


def _yes(flag: bool) -> str:
    return "yes" if flag else ""


def form_sheets(survey: Survey) -> dict[str, list[dict]]:
    """The survey's current questionnaire as XLSForm rows, sheet → [row]."""
    survey_rows, choice_rows = [], []
    questions = (
        list(survey.current_version.ordered_questions())
        if survey.current_version_id
        else []
    )
    kinds = {q.name: q.kind for q in questions}
    in_section = False
    for q in questions:
        relevant = rule_to_xpath(q.show_if or {}, kinds=kinds)
        row = {"name": q.name, "label": q.label, "hint": q.hint, "relevant": relevant}
        if q.kind == K.SECTION:
            if in_section:
                survey_rows.append({"type": "end_group", "name": ""})
            survey_rows.append({**row, "type": "begin_group"})
            in_section = True
            continue
        choices = list(q.choices.all())
        choice_rows += [
            {"list_name": q.name, "name": c.value, "label": c.label} for c in choices
        ]
        if q.kind == K.GRID:
            survey_rows.append(
                {**row, "type": "begin_group", "appearance": "table-list"}
            )
            survey_rows += [
                {
                    "type": f"select_one {q.name}",
                    "name": f"{q.name}_{r['name']}",
                    "label": r["label"],
                    "required": _yes(q.required),
                }
                for r in q.rows
            ]
            survey_rows.append({"type": "end_group", "name": ""})
            continue
        row["required"] = _yes(q.required)
        match q.kind:
            case K.SINGLE | K.RATING:
                row["type"] = f"select_one {q.name}"
                row["appearance"] = "likert" if q.kind == K.RATING else ""
            case K.MULTIPLE:
                row["type"] = f"select_multiple {q.name}"
            case K.NUMBER:
                row["type"] = "decimal"
                row["constraint"] = _constraint(q)
            case K.TEXT | K.LONG_TEXT:
                row["type"] = "text"
                row["appearance"] = "multiline" if q.kind == K.LONG_TEXT else ""
            case K.DATE:
                row["type"] = "date"
        survey_rows.append(row)
        for c in choices:
            if c.is_other:
                survey_rows.append(
                    {
                        "type": "text",
                        "name": f"{q.name}_other",
                        "label": c.label,
                        "required": "yes",
                        "relevant": f"selected(${{{q.name}}}, {_quote(c.value)})",
                    }
                )
    if in_section:
        survey_rows.append({"type": "end_group", "name": ""})
    settings = [{"form_title": survey.title, "form_id": f"dluan_survey_{survey.pk}"}]
    return {SURVEY: survey_rows, CHOICES: choice_rows, SETTINGS: settings}


def render_xlsform(survey: Survey) -> bytes:
    """The survey's current questionnaire as an XLSForm workbook."""
    sheets = form_sheets(survey)
    columns = {SURVEY: SURVEY_COLUMNS, CHOICES: CHOICE_COLUMNS}
    columns[SETTINGS] = ("form_title", "form_id")
    return build_workbook(
        [
            (
                name,
                list(columns[name]),
                [[row.get(c, "") for c in columns[name]] for row in rows],
            )
            for name, rows in sheets.items()
        ]
    )
