"""Reading and writing .xlsx safely, shared by every import and export.

Reading refuses what is not a real workbook, a decompression bomb, formulas and
too many rows; writing never lets user text become a formula.
"""

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dluan.uploads import unsafe_member_name

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Control characters but tab and newline: XML cannot carry most of them (openpyxl
# raises IllegalCharacterError), and a stray CR or DEL only garbles the cell.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# The most a cell holds: Excel calls a workbook with a longer text damaged.
MAX_CELL_CHARS = 32767


def strip_control_characters(text: str) -> str:
    """``text`` without the control characters a workbook cannot hold."""
    return _CONTROL_CHARACTERS.sub("", text)


def safe_cell(value):
    """A value that a spreadsheet will show as text, never run as a formula.

    Control characters (but tab and newline) are removed, so the workbook can
    always be written and opened; text is cut to what a cell holds.
    """
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        if _CONTROL_CHARACTERS.search(value):
            value = _CONTROL_CHARACTERS.sub("", value)
        if value.startswith(_FORMULA_STARTS):
            value = "'" + value
        if len(value) > MAX_CELL_CHARS:
            value = value[: MAX_CELL_CHARS - 1] + "…"
    return value


def _check_archive(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError):
        raise ValidationError(_("The file is not an .xlsx workbook.")) from None
    with archive:
        names = archive.namelist()
        if "[Content_Types].xml" not in names or not any(
            name.startswith("xl/") for name in names
        ):
            raise ValidationError(_("The file is not an .xlsx workbook."))
        if any(unsafe_member_name(name) for name in names):
            raise ValidationError(
                _("The workbook holds a path outside itself and was refused.")
            )
        total = sum(info.file_size for info in archive.infolist())
        compressed = sum(info.compress_size for info in archive.infolist()) or 1
        if total > MAX_UNCOMPRESSED_BYTES or total / compressed > MAX_COMPRESSION_RATIO:
            raise ValidationError(
                _("The workbook expands to too much data to be read safely.")
            )


def read_rows(upload, *, max_rows: int) -> Iterator[tuple[int, tuple]]:
    """Yield (row number, values) of the first sheet after its header row.

    Raises ValidationError for a non-workbook, a bomb, a formula or too many rows.
    """
    upload.seek(0)
    data = upload.read()
    _check_archive(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        raise ValidationError(_("The file is not an .xlsx workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows()
        header = next(rows, None)
        if header is None:
            return
        yield 1, tuple(cell.value for cell in header)
        for number, row in enumerate(rows, start=2):
            if number - 1 > max_rows:
                raise ValidationError(
                    _(
                        "The workbook has more than %(max)s rows; split it into smaller files."
                    ),
                    params={"max": max_rows},
                )
            values = []
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    raise ValidationError(
                        _(
                            "Row %(row)s contains a formula (%(cell)s); "
                            "enter plain values only."
                        ),
                        params={"row": number, "cell": cell.coordinate},
                    )
                values.append(cell.value)
            if any(value not in (None, "") for value in values):
                yield number, tuple(values)
    finally:
        workbook.close()


# Column widths are judged from the first rows: a write-only sheet fixes them before
# the first row is written.
WIDTH_SAMPLE = 200


def build_workbook(
    sheets: Iterable[tuple[str, list[str], Iterable[Iterable]]],
) -> bytes:
    """Write sheets of (title, header, rows) to .xlsx bytes, every cell made safe."""
    buffer = io.BytesIO()
    write_workbook(sheets, buffer)
    return buffer.getvalue()


def write_workbook(
    sheets: Iterable[tuple[str, list[str], Iterable[Iterable]]],
    fileobj: IO[bytes],
) -> None:
    """Write sheets of (title, header, rows) to a binary file, every cell made safe.

    Write-only: rows stream to the file instead of being kept as cell objects, so
    a province's 200,000 rows take a fraction of the time and memory; ``rows`` may
    be a generator, read once, a row at a time.
    """
    workbook = Workbook(write_only=True)
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="8B1A1A")
    header_alignment = Alignment(wrap_text=True, vertical="top")
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(title=sheet_title(title))
        rows_given, rows = rows, iter(rows)
        first = [
            [safe_cell(value) for value in row] for row in islice(rows, WIDTH_SAMPLE)
        ]
        widths = [len(str(h)) for h in header]
        for row in first:
            for index, value in enumerate(row[: len(widths)]):
                widths[index] = max(widths[index], min(len(str(value or "")), 60))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width + 2
        sheet.freeze_panes = "A2"
        cells = []
        for name in header:
            cell = WriteOnlyCell(sheet, value=safe_cell(str(name)))
            cell.font, cell.fill, cell.alignment = (
                header_font,
                header_fill,
                header_alignment,
            )
            cells.append(cell)
        sheet.append(cells)
        for row in first:
            sheet.append(row)
        append = sheet.append
        if isinstance(rows_given, SafeRows):
            for row in rows:
                append(row)
        else:
            for row in rows:
                append([safe_cell(value) for value in row])
    workbook.save(fileobj)


class SafeRows:
    """Rows whose every cell has been through ``safe_cell`` already.

    For a sheet of many rows whose builder knows which cells hold text it does not
    control (and makes only those safe, or caches them): ``write_workbook`` then
    appends its rows as they come.
    """

    def __init__(self, rows: Iterable[Iterable]):
        self.rows = rows

    def __iter__(self):
        return iter(self.rows)


# Excel refuses these in a sheet's name, and names longer than 31 characters.
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/*?:\[\]]")


def sheet_title(title) -> str:
    """``title`` as Excel accepts a sheet's name."""
    return _SHEET_TITLE_FORBIDDEN.sub(" ", str(title))[:31].strip() or "Sheet"
