"""The rows of an imported roster, checked: each value read as the field it goes to
(dates, phone numbers, yes/no, amounts, units by name), against the rules, the
roster and the file's other rows."""

import datetime
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl.utils.datetime import from_excel

from collaborators.models import Collaborator, normalise_phone
from collaborators.spreadsheets import COLUMNS, cell_text
from dluan.models import OrgUnit, User
from dluan.search import fold

# Collaborator.monthly_allowance holds 12 digits.
MAX_ALLOWANCE = Decimal(10) ** 12
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


def _parse_date(value) -> datetime.date | None:
    """A date written dd/mm/yyyy, d-m-yyyy, d.m.yyyy, yyyy-mm-dd or as Excel's number."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):
            return None
        if value == int(value) and int(value) in EXCEL_SERIALS:
            return from_excel(int(value)).date()
        return None
    text = cell_text(value).split(" ")[0]
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
    text = cell_text(value)
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
    phone = normalise_phone(cell_text(value))
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    elif len(phone) == 11 and phone.startswith("84"):
        phone = "0" + phone[2:]
    elif len(phone) in (9, 10) and phone[0] != "0":
        phone = "0" + phone
    return phone


def _bool(value, label, errors):
    text = fold(cell_text(value))
    if text in YES or text == fold(gettext("yes")):
        return True
    if text in NO or text == fold(gettext("no")):
        return False
    errors.append(
        gettext("%(column)s: write yes or no, not “%(value)s”.")
        % {"column": label, "value": cell_text(value)}
    )
    return False


def _allowance(value, label, errors) -> Decimal | None:
    """Whole đồng, at least 0 and fitting the column's 12 digits."""
    text = cell_text(value)
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
            if column.required and not cell_text(values.get(column.key)):
                errors.append(
                    gettext("%(column)s is required.") % {"column": labels[column.key]}
                )
        data["full_name"] = cell_text(values["full_name"])[:150]
        gender = fold(cell_text(values["gender"]))
        if gender:
            data["gender"] = genders.get(gender)
            if data["gender"] is None:
                errors.append(
                    gettext("%(column)s: “%(value)s” is not male, female or other.")
                    % {"column": labels["gender"], "value": cell_text(values["gender"])}
                )
        birth_year = cell_text(values["birth_year"])
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
                % {"column": labels["phone"], "value": cell_text(values["phone"])}
            )
        data["email"] = cell_text(values["email"]).lower()
        if data["email"]:
            try:
                validate_email(data["email"])
            except ValidationError:
                errors.append(
                    gettext("%(column)s: “%(value)s” is not an e-mail address.")
                    % {"column": labels["email"], "value": data["email"]}
                )
        unit_name = cell_text(values["unit"])
        if unit_name:
            data["unit"] = units.find(unit_name, labels["unit"], errors)
        for name in re.split(r"[;,\n]", cell_text(values["coverage_areas"])):
            if name.strip():
                area = units.find(name.strip(), labels["coverage_areas"], errors)
                if area is not None:
                    row.coverage_areas.append(area)
        for key in ("occupation", "position", "decision_number", "notes"):
            data[key] = cell_text(values[key])
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
