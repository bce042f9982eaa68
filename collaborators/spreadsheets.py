""".xlsx in and out of the roster: the import template, row validation, the export.

A board's own roster is read as it is: the header row is found below the title
block, its columns are matched to the roster's fields by name (the officer corrects
the match on the columns page), and the rows are then checked like the template's.
"""

import datetime
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl.utils.datetime import from_excel

from collaborators.models import Collaborator, ImportMapping, normalise_phone
from dluan.models import OrgUnit, User
from dluan.search import fold, nfc
from dluan.xlsx import (
    ReadBudget,
    build_workbook,
    read_rows,
    strip_control_characters,
)

# Collaborator.monthly_allowance holds 12 digits.
MAX_ALLOWANCE = Decimal(10) ** 12


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
DATE_KEYS = {"decision_date", "term_start", "term_end"}
YES = {
    "yes",
    "y",
    "x",
    "v",
    "1",
    "true",
    "co",
    "dang vien",
    "dv",
    "nghi huu",
    "huu",
    "√",
    "✓",
    "✔",
}
NO = {"", "no", "n", "0", "false", "khong", "-"}
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
# Excel's day numbers for 1900–2100: a date cell whose format was lost.
EXCEL_SERIALS = range(1, 73051)


def _genders() -> dict[str, str]:
    names = {
        "male": Collaborator.Gender.MALE,
        "m": Collaborator.Gender.MALE,
        "nam": Collaborator.Gender.MALE,
        "female": Collaborator.Gender.FEMALE,
        "f": Collaborator.Gender.FEMALE,
        "nu": Collaborator.Gender.FEMALE,
        "other": Collaborator.Gender.OTHER,
        "khac": Collaborator.Gender.OTHER,
    }
    for value, label in Collaborator.Gender.choices:
        names[fold(str(label))] = value
    return names


def template_workbook() -> bytes:
    """An empty roster sheet with the columns the import reads, and one example row."""
    example = [
        "Nguyễn Văn An",
        gettext("male"),
        1968,
        "0905123456",
        "an.nguyen@example.vn",
        "Phường Tứ Hạ",
        "Phường Tứ Hạ; Xã Hương Toàn",
        "giáo viên",
        "tổ trưởng tổ dân phố",
        gettext("yes"),
        gettext("no"),
        "123-QĐ/TU",
        "01/03/2025",
        "01/03/2025",
        "28/02/2027",
        500000,
        "",
    ]
    return build_workbook(
        [(gettext("Collaborators"), [str(c.label) for c in COLUMNS], [example])]
    )


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
    text = _PARENTHESES.sub(" ", fold(_text(text)))
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
                text = _text(value)
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
            text = _text(value)
            if text not in folded:
                folded[text] = _NOT_WORD.sub(" ", fold(text)).strip()
            return folded[text]

        result = []
        for position, (number, values) in enumerate(self.rows):
            has_serial = (
                serial is not None
                and _text(values[serial] if serial < len(values) else None).isdecimal()
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
            if any(_text(value) for value in row):
                result.append([number, row])
        return result


def _header_index(rows: list) -> int:
    """Of the first rows, the one whose cells name the most known columns."""
    synonyms = _synonyms()
    best, best_score = 0, 0
    for index, (_number, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = len(
            {match_heading(value, synonyms) for value in values if _text(value)} - {""}
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
    rows = [row for row in rows if any(_text(value) for value in row[1])]
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
        _text(values[width - 1])
        for _n, values in [rows[index], *table]
        if len(values) >= width
    ):
        width -= 1
    for _number, values in table:
        values[:] = (values + [None] * width)[:width]
    headings = [_text(value) for value in (headings + [None] * width)[:width]]
    return Sheet(header_row=header_row, headings=headings, rows=table)


def remembered_mapping(unit) -> dict:
    """The unit's folded heading → field from its last import, or {}."""
    if unit is None:
        return {}
    mapping = ImportMapping.objects.filter(unit=unit).first()
    return dict(mapping.columns) if mapping else {}


def import_mapping_remember(*, unit, headings: list[str], mapping: list[str], actor):
    """Keep the unit's choice of columns for its next import, over the older one."""
    if unit is None:
        return None
    chosen = {
        fold(heading)[:200]: key
        for heading, key in zip(headings, mapping, strict=False)
        if fold(heading)
    }
    record, _created = ImportMapping.objects.select_for_update().get_or_create(
        unit=unit, defaults={"updated_by": actor}
    )
    record.columns = {**record.columns, **chosen}
    record.updated_by = actor
    record.save()
    return record


@dataclass
class ImportRow:
    number: int
    raw: list
    data: dict = field(default_factory=dict)
    coverage_areas: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def display(self) -> list[str]:
        return ["" if value is None else str(value) for value in self.raw]


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value)).strip()


def _parse_date(value) -> datetime.date | None:
    """A date written dd/mm/yyyy, d-m-yyyy, d.m.yyyy, yyyy-mm-dd or as Excel's number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            return None
        if value == int(value) and int(value) in EXCEL_SERIALS:
            return from_excel(int(value)).date()
        return None
    text = _text(value).split(" ")[0]
    if match := _DAY_MONTH_YEAR.fullmatch(text):
        # The common dd/mm/yyyy without strptime's cost: thousands a roster.
        day, month, year = map(int, match.groups())
        try:
            return datetime.date(year, month, day)
        except ValueError:
            pass  # not a day of the calendar: as strptime finds
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _date(value, label, errors):
    text = _text(value)
    if not text:
        return None
    date = _parse_date(value)
    if date is None:
        errors.append(
            gettext("%(column)s: “%(value)s” is not a date (dd/mm/yyyy).")
            % {"column": label, "value": text}
        )
    return date


def _phone(value) -> str:
    """Digits only, Vietnamese numbers written from 0: +84 and 84 become 0.

    A phone typed as a number in Excel loses its 0 (and its +): 912345678 is
    0912345678, a landline's 2343862123 is 02343862123, 84905123456 is 0905123456.
    """
    phone = normalise_phone(_text(value))
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    elif len(phone) == 11 and phone.startswith("84"):
        phone = "0" + phone[2:]
    elif len(phone) in (9, 10) and phone[0] != "0":
        phone = "0" + phone
    return phone


def _bool(value, label, errors):
    text = fold(_text(value))
    if text in YES or text == fold(gettext("yes")):
        return True
    if text in NO or text == fold(gettext("no")):
        return False
    errors.append(
        gettext("%(column)s: write yes or no, not “%(value)s”.")
        % {"column": label, "value": _text(value)}
    )
    return False


def _allowance(value, label, errors) -> Decimal | None:
    """Whole đồng, at least 0 and fitting the column's 12 digits."""
    text = _text(value)
    if not text:
        return None
    try:
        amount = Decimal(text.replace(".", "").replace(",", ""))
    except InvalidOperation:
        amount = None
    if (
        amount is None
        or not amount.is_finite()
        or amount < 0
        or amount != amount.to_integral_value()
    ):
        errors.append(
            gettext("%(column)s: “%(value)s” is not an amount.")
            % {"column": label, "value": text}
        )
        return None
    if amount >= MAX_ALLOWANCE:
        errors.append(
            gettext("%(column)s: “%(value)s” is too large for an allowance.")
            % {"column": label, "value": text}
        )
        return None
    return amount.quantize(Decimal(1))


_UNIT_KIND = re.compile(r"^(phuong|xa|thi tran|thi xa|thanh pho|huyen|quan|p\.|x\.)\s*")


def _short_name(name: str) -> str:
    """A unit's name without its kind: "Phường Tứ Hạ" and "Tứ Hạ" are one place."""
    return _UNIT_KIND.sub("", fold(name))


class UnitIndex:
    """Units of the actor's subtree by folded name; a name used twice is ambiguous.

    A name not found whole is looked for without its kind ("Tứ Hạ" for "Phường
    Tứ Hạ"), as boards' own rosters often write it.
    """

    def __init__(self, actor: User):
        self.by_name: dict[str, list[OrgUnit]] = {}
        self.by_short_name: dict[str, list[OrgUnit]] = {}
        for unit in OrgUnit.objects.visible_to(actor).filter(is_active=True):
            self.by_name.setdefault(fold(unit.name), []).append(unit)
            self.by_short_name.setdefault(_short_name(unit.name), []).append(unit)

    def find(self, name: str, label, errors) -> OrgUnit | None:
        matches = self.by_name.get(fold(name)) or self.by_short_name.get(
            _short_name(name), []
        )
        if len(matches) == 1:
            return matches[0]
        if matches:
            errors.append(
                gettext("%(column)s: more than one unit is called “%(name)s”.")
                % {"column": label, "name": name}
            )
        else:
            errors.append(
                gettext("%(column)s: no unit called “%(name)s” in your unit.")
                % {"column": label, "name": name}
            )
        return None


def validate_rows(*, actor: User, rows: list[list]) -> list[ImportRow]:
    """Check every row against the rules, the database and the other rows."""
    units = UnitIndex(actor)
    genders = _genders()
    labels = {column.key: str(column.label) for column in COLUMNS}
    this_year = timezone.localdate().year
    result = []
    for number, raw in rows:
        row = ImportRow(number=number, raw=raw)
        values = dict(zip([c.key for c in COLUMNS], raw, strict=False))
        errors = row.errors
        data = row.data
        for column in COLUMNS:
            if column.required and not _text(values.get(column.key)):
                errors.append(
                    gettext("%(column)s is required.") % {"column": labels[column.key]}
                )
        data["full_name"] = _text(values["full_name"])[:150]
        gender = fold(_text(values["gender"]))
        if gender:
            data["gender"] = genders.get(gender)
            if data["gender"] is None:
                errors.append(
                    gettext("%(column)s: “%(value)s” is not male, female or other.")
                    % {"column": labels["gender"], "value": _text(values["gender"])}
                )
        birth_year = _text(values["birth_year"])
        if birth_year and (not birth_year.isdecimal() or len(birth_year) > 4):
            # A birth date where the roster keeps the year alone.
            born = _parse_date(values["birth_year"])
            birth_year = str(born.year) if born else birth_year
        if birth_year:
            if not birth_year.isdecimal():
                errors.append(
                    gettext("%(column)s: “%(value)s” is not a year.")
                    % {"column": labels["birth_year"], "value": birth_year}
                )
            elif int(birth_year) > this_year:
                errors.append(gettext("The birth year is in the future."))
            elif int(birth_year) < 1900:
                errors.append(
                    gettext("%(column)s: “%(value)s” is not a year.")
                    % {"column": labels["birth_year"], "value": birth_year}
                )
            else:
                data["birth_year"] = int(birth_year)
        data["phone"] = _phone(values["phone"])
        if data["phone"] and not 8 <= len(data["phone"].lstrip("+")) <= 15:
            errors.append(
                gettext("%(column)s: “%(value)s” is not a phone number.")
                % {"column": labels["phone"], "value": _text(values["phone"])}
            )
        data["email"] = _text(values["email"]).lower()
        if data["email"]:
            try:
                validate_email(data["email"])
            except ValidationError:
                errors.append(
                    gettext("%(column)s: “%(value)s” is not an e-mail address.")
                    % {"column": labels["email"], "value": data["email"]}
                )
        unit_name = _text(values["unit"])
        if unit_name:
            data["unit"] = units.find(unit_name, labels["unit"], errors)
        for name in re.split(r"[;,\n]", _text(values["coverage_areas"])):
            if name.strip():
                area = units.find(name.strip(), labels["coverage_areas"], errors)
                if area is not None:
                    row.coverage_areas.append(area)
        for key in ("occupation", "position", "decision_number", "notes"):
            data[key] = _text(values[key])
        data["decision_number"] = data["decision_number"][:50]
        data["occupation"] = data["occupation"][:150]
        data["position"] = data["position"][:150]
        for key in ("is_party_member", "is_retired"):
            data[key] = _bool(values[key], labels[key], errors)
        for key in DATE_KEYS:
            data[key] = _date(values[key], labels[key], errors)
        if (
            data["term_start"]
            and data["term_end"]
            and data["term_end"] < data["term_start"]
        ):
            errors.append(gettext("The term ends before it starts."))
        data["monthly_allowance"] = _allowance(
            values["monthly_allowance"], labels["monthly_allowance"], errors
        )
        result.append(row)
    _check_duplicates(result, labels)
    return result


def _check_duplicates(rows: list[ImportRow], labels: dict) -> None:
    """Phones and e-mails unique against the database and within the file."""
    for key, message_db, message_file in (
        (
            "phone",
            _("Another collaborator already has this phone number."),
            _("The phone %(value)s is also on row %(other)s."),
        ),
        (
            "email",
            _("Another collaborator already has this e-mail address."),
            _("The e-mail %(value)s is also on row %(other)s."),
        ),
    ):
        values = {row.data[key] for row in rows if row.data.get(key)}
        taken = set()
        for start in range(0, len(values), 500):
            chunk = sorted(values)[start : start + 500]
            taken |= set(
                Collaborator.objects.filter(**{f"{key}__in": chunk}).values_list(
                    key, flat=True
                )
            )
        first_row: dict[str, int] = {}
        for row in rows:
            value = row.data.get(key)
            if not value:
                continue
            if value in taken:
                row.errors.append(f"{labels[key]}: {message_db}")
            if value in first_row:
                row.errors.append(
                    f"{labels[key]}: "
                    + str(message_file) % {"value": value, "other": first_row[value]}
                )
            else:
                first_row[value] = row.number


# --- Export -----------------------------------------------------------------------


def roster_export_rows(queryset) -> tuple[list[str], list[list]]:
    """The header and one row per collaborator, as the export shows them.

    Labels are translated once, not once a row, and coverage areas come from one
    query joined to the roster's own, not a prefetch naming every collaborator.
    """
    header = [str(column.label) for column in COLUMNS] + [str(_("Status"))]
    genders = {value: str(label) for value, label in Collaborator.Gender.choices}
    statuses = {value: str(label) for value, label in Collaborator.Status.choices}
    yes, no = gettext("yes"), gettext("no")
    areas: dict[int, list[str]] = {}
    for collaborator_id, name in (
        Collaborator.coverage_areas.through.objects.filter(
            collaborator__in=queryset.order_by().values("pk")
        )
        .order_by("orgunit__path")
        .values_list("collaborator_id", "orgunit__name")
    ):
        areas.setdefault(collaborator_id, []).append(name)
    rows = []
    for c in queryset.prefetch_related(None).select_related("unit"):
        rows.append(
            [
                c.full_name,
                genders.get(c.gender, c.gender),
                c.birth_year,
                c.phone,
                c.email,
                c.unit.name,
                "; ".join(areas.get(c.pk, [])),
                c.occupation,
                c.position,
                yes if c.is_party_member else no,
                yes if c.is_retired else no,
                c.decision_number,
                _format_date(c.decision_date),
                _format_date(c.term_start),
                _format_date(c.term_end),
                int(c.monthly_allowance) if c.monthly_allowance is not None else None,
                c.notes,
                statuses.get(c.status, c.status),
            ]
        )
    return header, rows


def _format_date(value):
    return value.strftime("%d/%m/%Y") if value else ""


def roster_workbook(queryset) -> bytes:
    header, rows = roster_export_rows(queryset)
    return build_workbook([(gettext("Collaborators"), header, rows)])
