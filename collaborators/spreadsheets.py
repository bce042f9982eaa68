""".xlsx in and out of the roster: the import template, row validation, the export.

Import columns are read by position, so a template downloaded in either language
reads the same.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collaborators.models import Collaborator, normalise_phone
from dluan.models import OrgUnit, User
from dluan.search import fold, nfc
from dluan.xlsx import build_workbook, read_rows

MAX_IMPORT_ROWS = 5000
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
YES = {"yes", "y", "x", "1", "true", "co", "dang vien", "nghi huu"}
NO = {"", "no", "n", "0", "false", "khong"}


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


def cell_to_json(value):
    """A cell value that survives the session (JSON): dates become dd/mm/yyyy."""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, int | float | str) or value is None:
        return value
    return str(value)


def read_workbook(upload) -> list[list]:
    """[row number, [values]] for each data row; ValidationError for a bad file."""
    rows = []
    for number, values in read_rows(upload, max_rows=MAX_IMPORT_ROWS):
        if number == 1:
            continue  # the header row
        values = [cell_to_json(value) for value in values[: len(COLUMNS)]]
        values += [None] * (len(COLUMNS) - len(values))
        rows.append([number, values])
    if not rows:
        raise ValidationError(_("The workbook has no rows to import."))
    return rows


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


def _date(value, label, errors):
    text = _text(value)
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text.split(" ")[0], fmt).date()
        except ValueError:
            continue
    errors.append(
        gettext("%(column)s: “%(value)s” is not a date (dd/mm/yyyy).")
        % {"column": label, "value": text}
    )
    return None


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


class UnitIndex:
    """Units of the actor's subtree by folded name; a name used twice is ambiguous."""

    def __init__(self, actor: User):
        self.by_name: dict[str, list[OrgUnit]] = {}
        for unit in OrgUnit.objects.visible_to(actor).filter(is_active=True):
            self.by_name.setdefault(fold(unit.name), []).append(unit)

    def find(self, name: str, label, errors) -> OrgUnit | None:
        matches = self.by_name.get(fold(name), [])
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
        data["phone"] = normalise_phone(_text(values["phone"]))
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
        for name in _text(values["coverage_areas"]).split(";"):
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
