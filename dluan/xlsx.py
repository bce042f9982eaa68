"""Reading and writing .xlsx safely, shared by every import and export.

Reading refuses what is not a real workbook, a decompression bomb and formulas,
and stops as soon as it passes its budget of rows, columns, cells and characters;
writing never lets user text become a formula.
"""

import io
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from typing import IO
from xml.parsers import expat

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.xml.constants import SHARED_STRINGS
from rustpy_xlsxwriter import Format, write_worksheets

from dluan.uploads import unsafe_member_name

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(_FORMULA_STARTS)  # each one character
# Control characters but tab and newline: XML cannot carry most of them (a writer
# escapes them as _x0007_, or raises), and a stray CR or DEL only garbles the cell.
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
    if value.__class__ is str and value[:1] not in _FORMULA_FIRST:
        # Most text needs nothing, said at a glance (a province's rows are many).
        if len(value) <= MAX_CELL_CHARS and not _CONTROL_CHARACTERS.search(value):
            return value
    elif isinstance(value, Promise):
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


@dataclass(frozen=True)
class ReadBudget:
    """What reading one uploaded sheet may cost; the read stops once a limit is passed.

    Only cells holding a value count: rows, cells and characters as they are met,
    columns by the position of each value. The sheet's declared ``<dimension>`` is
    never read, and a shared string is counted each time a cell shows it. Empty
    (formatted) cells and rows cost little but are not free: past
    ``EMPTY_PER_LIMIT`` times the cells or rows allowed, the read stops too.
    """

    rows: int
    columns: int
    cells: int
    cell_chars: int
    chars: int


def _limit_error(message, **params) -> ValidationError:
    params = {
        key: number_format(value, force_grouping=True)
        if isinstance(value, int)
        else value
        for key, value in params.items()
    }
    return ValidationError(message, params=params)


def _too_many_rows(budget: ReadBudget) -> ValidationError:
    return _limit_error(
        _("The workbook has more than %(max)s rows; split it into smaller files."),
        max=budget.rows,
    )


def _too_many_cells(budget: ReadBudget) -> ValidationError:
    return _limit_error(
        _(
            "The workbook has more than %(max)s filled cells; "
            "split it into smaller files."
        ),
        max=budget.cells,
    )


def _too_much_text(budget: ReadBudget) -> ValidationError:
    return _limit_error(
        _(
            "The workbook holds more than %(max)s characters of text; "
            "split it into smaller files."
        ),
        max=budget.chars,
    )


def _cell_too_long(budget: ReadBudget, cell: str) -> ValidationError:
    return _limit_error(
        _("Cell %(cell)s holds more than %(max)s characters; shorten it."),
        cell=cell,
        max=budget.cell_chars,
    )


def _too_far_right(budget: ReadBudget, cell: str) -> ValidationError:
    return _limit_error(
        _(
            "Cell %(cell)s lies beyond the first %(max)s columns the import reads; "
            "remove what is right of the table."
        ),
        cell=cell,
        max=budget.columns,
    )


def _not_a_workbook() -> ValidationError:
    return ValidationError(_("The file is not an .xlsx workbook."))


# How many cell and row elements, empty ones included, the XML may hold for each
# filled cell or row allowed: a formatted table has empty cells, not millions.
EMPTY_PER_LIMIT = 4
# A shared string longer than a cell may hold: kept as this mark, not as text.
_TOO_LONG = object()
_CHUNK = 64 * 1024


def _expat(handlers: dict):
    """A namespace-aware expat parser that refuses any DOCTYPE (and so any entity)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True

    def refuse_doctype(*_args):
        raise _not_a_workbook()

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_doctype
    for name, handler in handlers.items():
        setattr(parser, name, handler)
    return parser


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _feed(parser, source: IO[bytes]) -> None:
    try:
        while chunk := source.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError:
        raise _not_a_workbook() from None


def _read_shared_strings(source: IO[bytes], budget: ReadBudget) -> list:
    """The shared-string table, within the budget: no more strings than cells,
    no more characters than the sheet may hold; a string too long for a cell is
    kept as ``_TOO_LONG``."""
    strings: list = []
    state = {"parts": None, "length": 0, "text": False, "phonetic": 0, "chars": 0}

    def start(name, _attrs):
        local = _local(name)
        if local == "si":
            if len(strings) >= budget.cells:
                raise _too_many_cells(budget)
            state.update(parts=[], length=0)
        elif local == "rPh":
            state["phonetic"] += 1
        elif local == "t" and state["parts"] is not None and not state["phonetic"]:
            state["text"] = True

    def end(name):
        local = _local(name)
        if local == "si" and state["parts"] is not None:
            parts = state["parts"]
            strings.append(parts if parts is _TOO_LONG else "".join(parts))
            state["parts"] = None
        elif local == "rPh":
            state["phonetic"] -= 1
        elif local == "t":
            state["text"] = False

    def text(data):
        if not state["text"] or state["parts"] is _TOO_LONG:
            return
        state["length"] += len(data)
        state["chars"] += len(data)
        if state["chars"] > budget.chars:
            raise _too_much_text(budget)
        if state["length"] > budget.cell_chars:
            state["parts"] = _TOO_LONG
        else:
            state["parts"].append(data)

    _feed(
        _expat(
            {
                "StartElementHandler": start,
                "EndElementHandler": end,
                "CharacterDataHandler": text,
            }
        ),
        source,
    )
    return strings


def _cast_number(text: str):
    if "." in text or "e" in text or "E" in text:
        return float(text)
    return int(text)


class _SheetReader:
    """Streams a worksheet's XML into (row number, values) rows, within a budget."""

    def __init__(self, *, strings, date_styles, timedelta_styles, epoch, budget):
        self.strings = strings
        self.date_styles = date_styles
        self.timedelta_styles = timedelta_styles
        self.epoch = epoch
        self.budget = budget
        self.ready: list[tuple[int, tuple]] = []
        self.rows = self.cells = self.chars = 0
        self.row_elements = self.cell_elements = 0
        self.row_number = 0
        self.column = 0
        self.values: dict[int, object] = {}
        self.cell: dict | None = None
        self.collecting = False
        self.phonetic = 0

    def parser(self):
        return _expat(
            {
                "StartElementHandler": self.start,
                "EndElementHandler": self.end,
                "CharacterDataHandler": self.text,
            }
        )

    def start(self, name, attrs):
        local = _local(name)
        if local == "c":
            self.cell_elements += 1
            if self.cell_elements > self.budget.cells * EMPTY_PER_LIMIT:
                raise _too_many_cells(self.budget)
            reference = attrs.get("r")
            if reference:
                try:
                    _row, self.column = coordinate_to_tuple(reference)
                except (ValueError, TypeError):
                    raise _not_a_workbook() from None
            else:
                self.column += 1
            style = attrs.get("s")
            self.cell = {
                "type": attrs.get("t", "n"),
                "style": int(style) if style and style.isdigit() else 0,
                "parts": [],
                "length": 0,
            }
        elif self.cell is None:
            if local == "row":
                self.row_elements += 1
                if self.row_elements > self.budget.rows * EMPTY_PER_LIMIT:
                    raise _too_many_rows(self.budget)
                number = attrs.get("r")
                self.row_number = (
                    int(number) if number and number.isdigit() else self.row_number + 1
                )
                self.column = 0
                self.values = {}
        elif local == "f":
            raise ValidationError(
                _(
                    "Row %(row)s contains a formula (%(cell)s); "
                    "enter plain values only."
                ),
                params={"row": self.row_number, "cell": self._coordinate()},
            )
        elif local == "rPh":
            self.phonetic += 1
        elif local == "v" or (local == "t" and not self.phonetic):
            self.collecting = True

    def end(self, name):
        local = _local(name)
        if local == "c" and self.cell is not None:
            self._finish_cell()
            self.cell = None
        elif local in ("v", "t"):
            self.collecting = False
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "row" and self.values:
            self.rows += 1
            if self.rows > self.budget.rows:
                raise _too_many_rows(self.budget)
            width = max(self.values)
            self.ready.append(
                (
                    self.row_number,
                    tuple(self.values.get(index) for index in range(1, width + 1)),
                )
            )
            self.values = {}

    def text(self, data):
        if not self.collecting:
            return
        cell = self.cell
        cell["length"] += len(data)
        if cell["length"] > self.budget.cell_chars:
            raise _cell_too_long(self.budget, self._coordinate())
        cell["parts"].append(data)

    def _coordinate(self) -> str:
        return f"{get_column_letter(max(self.column, 1))}{self.row_number}"

    def _finish_cell(self) -> None:
        cell = self.cell
        text = "".join(cell["parts"])
        kind = cell["type"]
        try:
            value = self._value(kind, text, cell["style"])
        except (ValueError, IndexError, OverflowError):
            raise _not_a_workbook() from None
        if value is None or value == "":
            return
        if value is _TOO_LONG:
            raise _cell_too_long(self.budget, self._coordinate())
        if self.column > self.budget.columns:
            raise _too_far_right(self.budget, self._coordinate())
        if isinstance(value, str) and len(value) > self.budget.cell_chars:
            raise _cell_too_long(self.budget, self._coordinate())
        self.cells += 1
        if self.cells > self.budget.cells:
            raise _too_many_cells(self.budget)
        self.chars += len(value) if isinstance(value, str) else len(text)
        if self.chars > self.budget.chars:
            raise _too_much_text(self.budget)
        self.values[self.column] = value

    def _value(self, kind: str, text: str, style: int):
        if kind == "inlineStr" or kind == "str" or kind == "e":
            return text
        if not text:
            return None
        if kind == "s":
            return self.strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        value = _cast_number(text)
        if style in self.date_styles:
            try:
                return from_excel(
                    value, self.epoch, timedelta=style in self.timedelta_styles
                )
            except (OverflowError, ValueError):
                return "#VALUE!"
        return value


def _first_worksheet(data: bytes):
    """The first worksheet's part name, the sheet's epoch, its date styles and the
    shared strings' part name (or None), read by openpyxl's own package readers."""
    reader = ExcelReader(io.BytesIO(data), read_only=True)
    reader.read_manifest()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    sheet_path = next(
        (
            rel.target
            for _sheet, rel in reader.parser.find_sheets()
            if rel.Type.endswith("/worksheet")
        ),
        None,
    )
    strings = reader.package.find(SHARED_STRINGS)
    return (
        sheet_path,
        reader.wb.epoch,
        reader.wb._date_formats,
        reader.wb._timedelta_formats,
        strings.PartName[1:] if strings is not None else None,
    )


def read_rows(upload, *, budget: ReadBudget) -> Iterator[tuple[int, tuple]]:
    """Yield (row number, values) of the first sheet's rows that hold a value.

    Raises ValidationError for a non-workbook, a bomb, a formula, or as soon as
    the reading passes ``budget`` (the message names the limit). The XML is
    streamed: what is held at once is the shared strings (within the budget) and
    one chunk's rows.
    """
    upload.seek(0)
    data = upload.read()
    _check_archive(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            sheet_path, epoch, dates, timedeltas, strings_path = _first_worksheet(data)
        except ValidationError:
            raise
        except Exception:
            raise _not_a_workbook() from None
        if sheet_path is None or sheet_path not in archive.namelist():
            raise _not_a_workbook()
        strings = []
        if strings_path in archive.namelist():
            with archive.open(strings_path) as source:
                strings = _read_shared_strings(source, budget)
        reader = _SheetReader(
            strings=strings,
            date_styles=dates,
            timedelta_styles=timedeltas,
            epoch=epoch,
            budget=budget,
        )
        parser = reader.parser()
        with archive.open(sheet_path) as source:
            try:
                while chunk := source.read(_CHUNK):
                    parser.Parse(chunk, False)
                    yield from reader.ready
                    reader.ready.clear()
                parser.Parse(b"", True)
            except expat.ExpatError:
                raise _not_a_workbook() from None
            yield from reader.ready


# Column widths are judged from the first rows, before the first row is written.
WIDTH_SAMPLE = 200
DATE_FORMAT = "dd/mm/yyyy"  # dates are written as dates, shown so
Sheets = Iterable[tuple[str, list[str], Iterable[Iterable]]]  # (title, header, rows)


def build_workbook(sheets: Sheets) -> bytes:
    """Write sheets of (title, header, rows) to .xlsx bytes, every cell made safe."""
    buffer = io.BytesIO()
    write_workbook(sheets, buffer)
    return buffer.getvalue()


def write_workbook(sheets: Sheets, fileobj: IO[bytes]) -> None:
    """Write sheets of (title, header, rows) to a binary file, every cell made safe.

    rustpy-xlsxwriter (Rust's rust_xlsxwriter) writes rows as they come, in
    constant memory, in a ninth of openpyxl's time. ``rows`` may be a generator,
    read once. Cells keep their type: text as text (never made a formula, and
    ``safe_cell`` quotes what a spreadsheet would run), numbers as numbers, dates
    as dates shown dd/mm/yyyy. A column is styled by its first row (a number
    under a first-row date shows as a date): a column holds one kind of value.
    """
    entries, widths, headers, seen = [], {}, {}, set()
    header_format = Format().set_bold().set_font_color("#FFFFFF")
    header_format.set_background_color("#8B1A1A").set_text_wrap().set_align("top")
    for title, header, rows in sheets:
        name = _unique(sheet_title(title), seen, limit=31)
        # The writer takes rows as dicts, whose keys are the header's names.
        taken: set[str] = set()
        keys = [_unique(safe_cell(str(label)), taken) for label in header]
        rows_given, rows = rows, iter(rows)
        first = [
            [safe_cell(value) for value in row] for row in islice(rows, WIDTH_SAMPLE)
        ]
        sizes = [len(key) for key in keys]
        for row in first:
            for index, value in enumerate(row[: len(sizes)]):
                sizes[index] = max(sizes[index], min(len(str(value or "")), 60))
        widths[name] = [size + 2 for size in sizes]
        headers[name] = header_format
        if not isinstance(rows_given, SafeRows):
            rows = ([safe_cell(value) for value in row] for row in rows)
        # A sheet without rows still gets its header: a row of nothing.
        records = _records(keys, chain(first, rows)) if first else [dict.fromkeys(keys)]
        entries.append((name, records))
    # Written to a path, the writer keeps its sheets in temporary files; given a
    # file object, it would build the whole workbook in memory first.
    with tempfile.TemporaryDirectory(prefix="dluan-xlsx-") as folder:
        path = os.path.join(folder, "workbook.xlsx")
        write_worksheets(
            entries,
            path,
            freeze_panes={"general": {"row": 1, "col": 0}},
            datetime_format=DATE_FORMAT,
            column_widths=widths,
            header_format=headers,
        )
        with open(path, "rb") as written:
            shutil.copyfileobj(written, fileobj)


def _unique(name: str, taken: set, limit: int = MAX_CELL_CHARS) -> str:
    """``name``, or ``name (2)``, ``(3)``… if ``taken`` holds it; noted as taken."""
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{name[: limit - len(str(number)) - 3]} ({number})"
    taken.add(candidate)
    return candidate


def _records(keys: list[str], rows: Iterator) -> Iterator[dict]:
    """Each row as the dict the writer takes: the header is its keys."""
    width = len(keys)
    for row in rows:
        if len(row) != width:  # a short row is padded: every key names a column
            if len(row) > width:
                raise ValueError("A row has more cells than the header has names.")
            row = [*row, *[None] * (width - len(row))]
        yield dict(zip(keys, row, strict=True))


class SafeRows:
    """Rows whose every cell has been through ``safe_cell`` already.

    For a sheet of many rows whose builder knows which cells hold text it does not
    control (and makes only those safe, or caches them): ``write_workbook`` then
    hands its rows on as they come.
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
