"""The sheets and columns of the XLSForm subset, and a workbook read into rows.

:func:`read_sheets` reads the uploaded workbook's sheets as rows of
``{heading: value}``; :class:`Problems` collects what is wrong with the form,
each problem named with its sheet and row.
"""

import io
import re
import zipfile

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.xml.constants import SHARED_STRINGS

from dluan.xlsx import ReadBudget, _check_archive, _read_shared_strings, _SheetReader
from surveys.models import Question

K = Question.Kind
SURVEY, CHOICES, SETTINGS = "survey", "choices", "settings"
SURVEY_COLUMNS = ("type", "name", "label", "hint", "required", "relevant")
SURVEY_COLUMNS += ("constraint", "appearance")
CHOICE_COLUMNS = ("list_name", "name", "label")
SETTINGS_COLUMNS = ("form_title", "form_id", "version", "default_language")
# Sheets pyxform reads that dluan has no use for: refused when they hold rows.
OTHER_SHEETS = ("external_choices", "entities", "osm")
METADATA_TYPES = ("start", "end", "today")
# An XLSForm is small: a few hundred rows at most.
BUDGET = ReadBudget(
    rows=3000, columns=40, cells=40_000, cell_chars=2000, chars=1_000_000
)
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,63}$")
CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
YES = {"yes", "true", "true()", "1", "có"}
NO = {"", "no", "false", "false()", "0", "không"}


def read_sheets(data: bytes) -> dict[str, list[tuple[int, dict]]]:
    """The workbook's sheets by lower-cased name: [(row number, {heading: value})].

    Read within ``BUDGET`` by :mod:`dluan.xlsx`'s streaming reader, which refuses
    a bomb, a DOCTYPE and a formula.
    """
    _check_archive(data)
    try:
        reader = ExcelReader(io.BytesIO(data), read_only=True)
        reader.read_manifest()
        reader.read_workbook()
        found = [
            (sheet.name, rel.target)
            for sheet, rel in reader.parser.find_sheets()
            if rel.Type.endswith("/worksheet")
        ]
        strings_part = reader.package.find(SHARED_STRINGS)
        epoch = reader.wb.epoch
    except ValidationError:
        raise
    except Exception:
        raise ValidationError(_("The file is not an .xlsx workbook.")) from None
    sheets = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        strings = []
        if strings_part is not None and strings_part.PartName[1:] in names:
            with archive.open(strings_part.PartName[1:]) as source:
                strings = _read_shared_strings(source, BUDGET)
        for title, path in found:
            if path not in names:
                raise ValidationError(_("The file is not an .xlsx workbook."))
            sheet = _SheetReader(
                strings=strings,
                date_styles=set(),
                timedelta_styles=set(),
                epoch=epoch,
                budget=BUDGET,
            )
            parser = sheet.parser()
            with archive.open(path) as source:
                try:
                    while chunk := source.read(64 * 1024):
                        parser.Parse(chunk, False)
                    parser.Parse(b"", True)
                except Exception as error:
                    if isinstance(error, ValidationError):
                        raise
                    raise ValidationError(
                        _("The file is not an .xlsx workbook.")
                    ) from None
            sheets[title.strip().lower()] = _as_dicts(sheet.ready)
    return sheets


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    # Undo what the export did to keep a formula-like text from running.
    if text.startswith("'") and text[1:2] in ("=", "+", "-", "@"):
        text = text[1:]
    return text


def _as_dicts(rows) -> list[tuple[int, dict]]:
    if not rows:
        return []
    (_number, header), body = rows[0], rows[1:]
    headings = [_text(h) for h in header]
    result = []
    for number, values in body:
        row = {}
        for index, value in enumerate(values):
            text = _text(value)
            if not text:
                continue
            heading = headings[index] if index < len(headings) else ""
            row[heading] = text
        if row:
            result.append((number, row))
    return result


class Problems:
    """Every problem of the form, each named with its sheet and row."""

    def __init__(self):
        self.messages: list[str] = []

    def add(self, sheet: str, row: int | None, message: str) -> None:
        if row is None:
            self.messages.append(
                _("Sheet “%(sheet)s”: %(message)s")
                % {"sheet": sheet, "message": message}
            )
        else:
            self.messages.append(
                _("Sheet “%(sheet)s”, row %(row)s: %(message)s")
                % {"sheet": sheet, "row": row, "message": message}
            )
