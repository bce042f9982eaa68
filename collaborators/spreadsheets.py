"""A board's roster read from .xlsx, and its columns matched to the roster's fields.

A board's own roster is read as it is: the header row is found below the title
block, its columns are matched to the roster's fields by name (the officer corrects
the match on the columns page), and the rows are then checked like the template's
(:mod:`collaborators.import_rows`). The template and the export are built in
:mod:`collaborators.exports`; the import is written by
:mod:`collaborators.services.imports`.
"""

import datetime
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from collaborators.models import ImportMapping
from dluan.search import fold, nfc
from dluan.xlsx import ReadBudget, read_rows, strip_control_characters


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool = False


COLUMNS = [
    Column("full_name", _("Full name"), True),
    Column("gender", _("Gender (male/female)"), True),
    Column("birth_year", _("Birth year")),
    Column("phone", _("Phone")),
    Column("email", _("E-mail")),
    Column("unit", _("Unit"), True),
    Column("coverage_areas", _("Coverage areas (separated by ;)")),
    Column("occupation", _("Occupation")),
    Column("position", _("Position")),
    Column("is_party_member", _("Party member (yes/no)")),
    Column("is_retired", _("Retired (yes/no)")),
    Column("decision_number", _("Decision number")),
    Column("decision_date", _("Decision date (dd/mm/yyyy)")),
    Column("term_start", _("Term start (dd/mm/yyyy)")),
    Column("term_end", _("Term end (dd/mm/yyyy)")),
    Column("monthly_allowance", _("Monthly allowance (VND)")),
    Column("notes", _("Notes")),
]


def cell_text(value) -> str:
    """A cell as text: trimmed, NFC, a whole number without its ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value)).strip()


# --- Reading a board's own workbook -------------------------------------------------

# The header row is looked for among the first non-blank rows: above it sit the
# board's title block and the date of the list.
HEADER_SEARCH_ROWS = 15
SERIAL = "serial"  # the STT column: read to find the table's end, never imported

# Headings boards give each roster field, written naturally; they are compared after
# ``heading_key`` (no case, diacritics or punctuation). The template's own labels, in
# every language, are added by ``_synonyms``.
SYNONYMS = {
    SERIAL: ["STT", "TT", "Số TT", "Số thứ tự", "No", "No."],
    "full_name": [
        "Họ và tên",
        "Họ tên",
        "Họ, tên",
        "Tên",
        "Họ và tên cộng tác viên",
        "Họ tên CTV",
        "Name",
    ],
    "gender": ["Giới tính", "Nam/Nữ", "Nam, nữ", "Phái", "Sex"],
    "birth_year": [
        "Năm sinh",
        "Ngày sinh",
        "Ngày, tháng, năm sinh",
        "Ngày tháng năm sinh",
        "Sinh năm",
        "Year of birth",
        "Date of birth",
    ],
    "phone": [
        "Số điện thoại",
        "Điện thoại",
        "SĐT",
        "Số ĐT",
        "ĐT",
        "Điện thoại liên hệ",
        "Di động",
        "Số di động",
        "Telephone",
        "Phone number",
    ],
    "email": ["Email", "E-mail", "Thư điện tử", "Địa chỉ email", "Địa chỉ thư điện tử"],
    "unit": [
        "Đơn vị",
        "Đơn vị công tác",
        "Đơn vị quản lý",
        "Thuộc đơn vị",
        "Xã/phường",
        "Xã, phường",
        "Phường/xã",
        "Phường, xã",
        "Xã, phường, thị trấn",
    ],
    "coverage_areas": [
        "Địa bàn",
        "Địa bàn phụ trách",
        "Địa bàn theo dõi",
        "Địa bàn nắm dư luận",
        "Địa bàn hoạt động",
        "Coverage area",
    ],
    "occupation": ["Nghề nghiệp", "Nghề", "Công việc"],
    "position": [
        "Chức vụ",
        "Chức danh",
        "Chức vụ, đơn vị công tác",
        "Chức vụ đoàn thể",
    ],
    "is_party_member": ["Đảng viên", "Là đảng viên", "ĐV", "Đảng viên (x)"],
    "is_retired": ["Nghỉ hưu", "Hưu trí", "Cán bộ hưu trí", "Đã nghỉ hưu"],
    "decision_number": ["Số quyết định", "Số QĐ", "Quyết định số", "QĐ số"],
    "decision_date": [
        "Ngày quyết định",
        "Ngày QĐ",
        "Ngày ký quyết định",
        "Ngày ký QĐ",
        "Ngày ký",
    ],
    "term_start": [
        "Ngày bắt đầu",
        "Từ ngày",
        "Thời hạn từ",
        "Ngày công nhận",
        "Bắt đầu",
    ],
    "term_end": [
        "Ngày kết thúc",
        "Đến ngày",
        "Thời hạn đến",
        "Thời hạn",
        "Hết hạn",
        "Ngày hết hạn",
        "Kết thúc",
    ],
    "monthly_allowance": [
        "Phụ cấp",
        "Mức phụ cấp",
        "Phụ cấp hằng tháng",
        "Phụ cấp hàng tháng",
        "Allowance",
    ],
    "notes": ["Ghi chú", "Note"],
}

_PARENTHESES = re.compile(r"\([^)]*\)")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
# The lines of a signature block, the place-and-date line and a totals row: where
# the table has ended. Compared with a whole cell after ``heading_key``.
_SIGNATURE = re.compile(
    r"(nguoi lap( bieu| bang| danh sach)?|(pho )?truong ban|(t m|tm|k t|kt) .+"
    r"|ky ghi ro ho ten|ky ten|ky va ghi ro ho ten|xac nhan( cua .+)?|noi nhan"
    r"|(thu truong|lanh dao) don vi|.*\bngay \d* ?thang \d* ?nam\b.*)"
)
_TOTAL = re.compile(r"(tong cong|tong so|cong)\b.*")


def heading_key(text) -> str:
    """A heading as headings are compared: folded, no notes in brackets, no punctuation."""
    text = _PARENTHESES.sub(" ", fold(cell_text(text)))
    return _NOT_WORD.sub(" ", text).strip()


def _synonyms() -> dict[str, str]:
    """heading_key → field, from SYNONYMS and the template's labels in each language."""
    table = {
        heading_key(name): key for key, names in SYNONYMS.items() for name in names
    }
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for column in COLUMNS:
                table.setdefault(heading_key(str(column.label)), column.key)
    return table


def match_heading(heading, synonyms: dict[str, str] | None = None) -> str:
    """The field a heading names, SERIAL for the STT column, or "" when unknown.

    A heading that is not a known name itself may contain one as whole words
    ("Số điện thoại liên hệ"); the longest such name wins.
    """
    synonyms = synonyms if synonyms is not None else _synonyms()
    key = heading_key(heading)
    if not key:
        return ""
    if key in synonyms:
        return synonyms[key]
    padded = f" {key} "
    found = [
        (len(name), field)
        for name, field in synonyms.items()
        if " " in name and f" {name} " in padded
    ]
    return max(found)[1] if found else ""


def cell_to_json(value):
    """A cell value that survives the session (JSON): dates become dd/mm/yyyy."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, str):
        # A NUL (PostgreSQL cannot store it) or another control character is
        # never part of a name, a phone number or a date.
        return strip_control_characters(value)
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # a number overflowing to infinity, or NaN: its text
    if isinstance(value, int | float) or value is None:
        return value
    return str(value)


@dataclass
class Sheet:
    """An uploaded roster as read: its header row and the rows below it."""

    header_row: int
    headings: list[str]
    rows: list[list] = field(default_factory=list)  # [row number, [values]]
    _body: list[list] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def proposal(self, remembered: dict | None = None) -> list[str]:
        """A field (or "") for each column: remembered first, then matched by name.

        No field is proposed for two columns; the first column keeps it.
        """
        synonyms = _synonyms()
        remembered = remembered or {}
        fields = {column.key for column in COLUMNS}
        taken = set()
        result = []
        for heading in self.headings:
            folded = fold(heading)
            if folded and folded in remembered:
                key = remembered[folded]
            else:
                key = match_heading(heading, synonyms)
            if key not in fields or key in taken:
                key = ""
            taken.add(key)
            result.append(key)
        return result

    def serial_column(self) -> int | None:
        synonyms = _synonyms()
        for index, heading in enumerate(self.headings):
            if match_heading(heading, synonyms) == SERIAL:
                return index
        return None

    def samples(self, body: list[list], count: int = 2) -> list[list[str]]:
        """The first few values of each column, from the table's ``body()``."""
        found: list[list[str]] = [[] for _heading in self.headings]
        for _number, values in body:
            for index, value in enumerate(values[: len(found)]):
                text = cell_text(value)
                if text and len(found[index]) < count:
                    found[index].append(text[:60])
        return found

    def to_json(self) -> dict:
        return {
            "header_row": self.header_row,
            "headings": self.headings,
            "rows": self.rows,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Sheet":
        return cls(data["header_row"], data["headings"], data["rows"])

    def body(self) -> list[list]:
        """The table's rows: [row number, values] of each collaborator, whatever
        the columns are mapped to.

        The table ends where the signature block or the place-and-date line
        starts; a row of column numbers under the header and totals rows are
        skipped. Worked out once per sheet: each step of the import reads it.
        """
        if self._body is None:
            self._body = self._find_body()
        return self._body

    def _find_body(self) -> list[list]:
        serial = self.serial_column()
        # The same names, units and dates recur down a roster: each text is
        # folded once.
        folded: dict[str, str] = {}

        def key(value) -> str:
            text = cell_text(value)
            if text not in folded:
                folded[text] = _NOT_WORD.sub(" ", fold(text)).strip()
            return folded[text]

        result = []
        for position, (number, values) in enumerate(self.rows):
            has_serial = (
                serial is not None
                and cell_text(
                    values[serial] if serial < len(values) else None
                ).isdecimal()
            )
            if has_serial and position:
                # Numbered: a collaborator, whatever the other cells say.
                result.append([number, values])
                continue
            # Brackets kept: "(1)" numbers a column, "(Ký, ghi rõ họ tên)" signs.
            filled = [text for text in map(key, values) if text]
            if not has_serial and any(_SIGNATURE.fullmatch(t) for t in filled):
                break
            if position == 0 and filled and all(t.isdecimal() for t in filled):
                continue  # the columns numbered (1), (2), (3)… under the header
            if not has_serial and filled and _TOTAL.fullmatch(filled[0]):
                continue
            result.append([number, values])
        return result

    def mapped_rows(self, mapping: list[str]) -> list[list]:
        """The table's rows in COLUMNS order, as ``validate_rows`` reads them;
        a row with nothing in the chosen columns is skipped."""
        positions = {column.key: index for index, column in enumerate(COLUMNS)}
        chosen = [(index, key) for index, key in enumerate(mapping) if key]
        result = []
        for number, values in self.body():
            row = [None] * len(COLUMNS)
            for index, key in chosen:
                if index < len(values):
                    row[positions[key]] = values[index]
            if any(cell_text(value) for value in row):
                result.append([number, row])
        return result


def _header_index(rows: list) -> int:
    """Of the first rows, the one whose cells name the most known columns."""
    synonyms = _synonyms()
    best, best_score = 0, 0
    for index, (_number, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = len(
            {match_heading(value, synonyms) for value in values if cell_text(value)}
            - {""}
        )
        if score > best_score:
            best, best_score = index, score
    return best


def import_budget() -> ReadBudget:
    """What reading one roster may cost, from the IMPORT_MAX_* settings."""
    return ReadBudget(
        rows=settings.IMPORT_MAX_ROWS,
        columns=settings.IMPORT_MAX_COLUMNS,
        cells=settings.IMPORT_MAX_CELLS,
        cell_chars=settings.IMPORT_MAX_CELL_CHARS,
        chars=settings.IMPORT_MAX_CHARS,
    )


def read_workbook(upload) -> Sheet:
    """The roster's header row and the rows below it; ValidationError for a bad file.

    Rows are read through ``dluan.xlsx.read_rows``, which refuses what is not a
    workbook, a decompression bomb and formulas, and stops as soon as the file
    passes the import's budget (``import_budget``), naming the limit.
    """
    rows = [
        [number, [cell_to_json(value) for value in values]]
        for number, values in read_rows(upload, budget=import_budget())
    ]
    rows = [row for row in rows if any(cell_text(value) for value in row[1])]
    if not rows:
        raise ValidationError(_("The workbook has no rows to import."))
    index = _header_index(rows)
    header_row, headings = rows[index]
    table = rows[index + 1 :]
    if not table:
        raise ValidationError(_("The workbook has no rows to import."))
    width = max(len(values) for _number, values in [rows[index], *table])
    # Columns with neither a heading nor a value are not worth a choice.
    while width and not any(
        cell_text(values[width - 1])
        for _n, values in [rows[index], *table]
        if len(values) >= width
    ):
        width -= 1
    for _number, values in table:
        values[:] = (values + [None] * width)[:width]
    headings = [cell_text(value) for value in (headings + [None] * width)[:width]]
    return Sheet(header_row=header_row, headings=headings, rows=table)


def remembered_mapping(unit) -> dict:
    """The unit's folded heading → field from its last import, or {}."""
    if unit is None:
        return {}
    mapping = ImportMapping.objects.filter(unit=unit).first()
    return dict(mapping.columns) if mapping else {}
