"""Reading an XLSForm: its sheets checked and read into questions, then imported.

:func:`parse_form` checks the settings and choices sheets and the columns, reads
the survey sheet (:mod:`surveys.xlsform.survey_sheet`) and has pyxform convert
the form; :func:`xlsform_import` puts the questions in place of the editable
questionnaire, or changes nothing.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert

from dluan.uploads import check_upload
from dluan.xlsx import XLSX_CONTENT_TYPE
from surveys.models import Choice, Question, Survey
from surveys.services.design import editable_version
from surveys.xlsform.sheets import (
    CHOICE_COLUMNS,
    CHOICES,
    CODE,
    OTHER_SHEETS,
    SETTINGS,
    SETTINGS_COLUMNS,
    SURVEY,
    SURVEY_COLUMNS,
    K,
    Problems,
    read_sheets,
)
from surveys.xlsform.survey_sheet import Parsed, _SurveyReader


def _language_column(rows, base: str, problems: Problems, sheet: str) -> str | None:
    """The one column holding ``base`` (``label`` or ``label::Tiếng Việt (vi)``).

    With several languages filled, the Vietnamese one is read and the others are
    named: one language is all a dluan questionnaire has.
    """
    used = []
    for _number, row in rows:
        for key in row:
            lowered = key.lower()
            if (lowered == base or lowered.startswith(base + "::")) and key not in used:
                used.append(key)
    if len(used) <= 1:
        return used[0] if used else None
    chosen = next(
        (k for k in used if "(vi)" in k.lower() or "vietnam" in k.lower()), None
    )
    for key in used:
        if key != chosen:
            number = next(n for n, row in rows if key in row)
            problems.add(
                sheet,
                number,
                _("the column “%(column)s” is a second language; keep one.")
                % {"column": key},
            )
    return chosen


def _check_columns(rows, known, problems: Problems, sheet: str) -> None:
    for number, row in rows:
        for key in row:
            lowered = key.lower()
            if lowered.startswith(("label::", "hint::")):
                continue  # a second language: named by _language_column
            if lowered not in known:
                problems.add(
                    sheet,
                    number,
                    _("the column “%(column)s” is not supported; empty or remove it.")
                    % {"column": key or "?"},
                )


def _read_choices(rows, problems: Problems) -> dict[str, list]:
    label = _language_column(rows, "label", problems, CHOICES)
    known = set(CHOICE_COLUMNS) | ({label.lower()} if label else set())
    _check_columns(rows, known, problems, CHOICES)
    lists: dict[str, list] = {}
    for number, row in rows:
        row = {k.lower(): v for k, v in row.items()}
        list_name, value = row.get("list_name", ""), row.get("name", "")
        text = row.get(label.lower(), "") if label else ""
        if not list_name or not value:
            problems.add(CHOICES, number, _("a choice needs a list_name and a name."))
            continue
        if not CODE.match(value):
            problems.add(
                CHOICES,
                number,
                _("the code “%(code)s” may hold only letters, digits, - and _.")
                % {"code": value[:64]},
            )
        if not text or len(text) > 300:
            problems.add(
                CHOICES, number, _("a choice needs a label of at most 300 characters.")
            )
        lists.setdefault(list_name, []).append((number, value, text))
    return lists


def _repeated_codes(lists: dict, problems: Problems) -> None:
    for list_name, entries in lists.items():
        seen = set()
        for number, value, _label in entries:
            if value in seen:
                problems.add(
                    CHOICES,
                    number,
                    _("the code “%(code)s” is repeated in the list “%(list)s”.")
                    % {"code": value, "list": list_name},
                )
            seen.add(value)


def pyxform_check(sheets: dict[str, list[dict]]) -> None:
    """Have pyxform convert the form; ValidationError with its message if it refuses."""
    data = {
        name: [{k: v for k, v in row.items() if v not in ("", None)} for row in rows]
        for name, rows in sheets.items()
    }
    try:
        convert(xlsform=data, form_name="data")
    except (PyXFormError, ValueError, KeyError, TypeError) as error:
        raise ValidationError(
            _("pyxform refuses the form: %(error)s"), params={"error": str(error)}
        ) from None


def parse_form(sheets: dict[str, list[tuple[int, dict]]]) -> list[Parsed]:
    """The questions of an XLSForm's sheets; ValidationError naming every problem.

    pyxform converts the form once dluan's own reading found nothing wrong.
    """
    problems = Problems()
    for sheet, rows in sheets.items():
        if sheet in OTHER_SHEETS and rows:
            problems.add(sheet, None, _("this sheet is not supported; remove it."))
    if SURVEY not in sheets or not sheets[SURVEY]:
        raise ValidationError(_("The workbook has no “survey” sheet with questions."))
    _check_columns(sheets.get(SETTINGS, []), set(SETTINGS_COLUMNS), problems, SETTINGS)
    lists = _read_choices(sheets.get(CHOICES, []), problems)
    _repeated_codes(lists, problems)
    rows = sheets[SURVEY]
    label_col = _language_column(rows, "label", problems, SURVEY)
    hint_col = _language_column(rows, "hint", problems, SURVEY)
    known = set(SURVEY_COLUMNS) | {c.lower() for c in (label_col, hint_col) if c}
    _check_columns(rows, known, problems, SURVEY)
    reader = _SurveyReader(
        lists=lists, problems=problems, label_col=label_col, hint_col=hint_col
    )
    for number, raw in rows:
        reader.read(number, raw)
    reader.finish()
    if not problems.messages:
        try:
            pyxform_check(
                {
                    name: [row for _n, row in sheets[name]]
                    for name in (SURVEY, CHOICES, SETTINGS)
                    if name in sheets
                }
            )
        except ValidationError as error:
            problems.messages += error.messages
    if problems.messages:
        raise ValidationError(problems.messages)
    if not any(q.kind != K.SECTION for q in reader.questions):
        raise ValidationError(_("The form has no question dluan can import."))
    return reader.questions


# --- Importing --------------------------------------------------------------------------


def read_upload(upload) -> list[Parsed]:
    """The questions of an uploaded XLSForm; ValidationError for a bad file or form."""
    check_upload(upload, allowed={XLSX_CONTENT_TYPE: {".xlsx"}})
    upload.seek(0)
    return parse_form(read_sheets(upload.read()))


def questionnaire_replace(*, survey: Survey, questions: list[Parsed]) -> int:
    """Replace the editable questionnaire of ``survey`` with ``questions``."""
    with transaction.atomic():
        version = editable_version(survey=survey)
        version.questions.all().delete()
        for order, parsed in enumerate(questions):
            question = Question.objects.create(
                version=version,
                order=order,
                kind=parsed.kind,
                name=parsed.name,
                label=parsed.label,
                hint=parsed.hint,
                required=parsed.required,
                show_if=parsed.show_if,
                minimum=parsed.minimum,
                maximum=parsed.maximum,
                rows=parsed.rows,
            )
            Choice.objects.bulk_create(
                Choice(
                    question=question,
                    order=index,
                    value=value,
                    label=label,
                    is_other=is_other,
                )
                for index, (value, label, is_other) in enumerate(parsed.choices)
            )
    return len(questions)


def xlsform_import(*, survey: Survey, upload) -> int:
    """Read ``upload`` and replace the questionnaire; nothing changes on error."""
    return questionnaire_replace(survey=survey, questions=read_upload(upload))
