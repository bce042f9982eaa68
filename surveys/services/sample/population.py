"""Population margins: the cells' figures, typed or read from a census workbook.

:func:`read_population` reads a long or wide census sheet, its headings in
Vietnamese or English; :func:`population_import` saves what it read, all or
nothing.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from collaborators.spreadsheets import (
    cell_text,
    cell_to_json,
    heading_key,
    import_budget,
    match_heading,
)
from dluan.search import fold
from dluan.xlsx import read_rows
from surveys.forms.respondent import survey_communes
from surveys.models import AgeGroup, Sex, Survey
from surveys.services.sample.base import _write_cells

# The most people one cell may hold: a typo of a few digits more is refused.
MAX_POPULATION = 100_000_000
# A file's errors are listed up to this many; the rest are counted.
MAX_ERRORS = 50


def population_save(*, survey: Survey, figures: dict, user) -> int:
    """Write the population of the cells in ``figures`` ({(commune id, sex, age
    group): people}); cells not named keep theirs. Returns the cells written."""
    if survey.status == Survey.Status.ARCHIVED:
        raise ValidationError(_("An archived survey can no longer change."))
    communes = set(survey_communes(survey).values_list("pk", flat=True))
    for commune_id, sex, age in figures:
        if commune_id not in communes or sex not in Sex.values:
            raise ValidationError(_("A figure names a commune outside the survey."))
        if age not in AgeGroup.values:
            raise ValidationError(_("A figure names an unknown age group."))
    with transaction.atomic():
        written = _write_cells(
            survey=survey, values=figures, field="population", user=user
        )
    return written


_SEX_WORDS = {
    "nam": Sex.MALE,
    "nam gioi": Sex.MALE,
    "male": Sex.MALE,
    "m": Sex.MALE,
    "nu": Sex.FEMALE,
    "nu gioi": Sex.FEMALE,
    "female": Sex.FEMALE,
    "f": Sex.FEMALE,
}
_SEX_IN_HEADING = re.compile(r"(?:^|[^a-z])(nam|nu|male|female)(?:$|[^a-z])")
_AGE_RANGE = re.compile(r"(\d{1,3})\s*(?:-|–|—|den|toi|to)\s*(\d{1,3})")
_AGE_OPEN = re.compile(
    r"(\d{1,3})\s*(?:tuoi\s*)?(?:\+|tro len|va tren|and over|or over|or more)"
    r"|(?:>=|≥)\s*(\d{1,3})"
)
_DIGITS = re.compile(r"\d")
_KIND_PREFIX = re.compile(
    r"^(phuong|xa|thi tran|thi xa|p\.|x\.|tt\.?|p|x)\s+|^(p\.|x\.|tt\.)"
)


def parse_sex(text) -> str:
    """ "Nam", "Nữ", "male"… as a Sex value, or ""."""
    return _SEX_WORDS.get(fold(cell_text(text)).strip(" .:"), "")


def parse_age(text) -> str:
    """ "18-29", "18 – 29", "Từ 18 đến 29 tuổi", "60+", "60 trở lên"… as an
    AgeGroup value, or "" when it is none of the survey's age groups."""
    folded = fold(cell_text(text))
    if match := _AGE_RANGE.search(folded):
        value = f"{int(match.group(1))}-{int(match.group(2))}"
    elif match := _AGE_OPEN.search(folded):
        value = f"{int(match.group(1) or match.group(2))}+"
    else:
        return ""
    return value if value in AgeGroup.values else ""


def _commune_key(name: str) -> str:
    return _KIND_PREFIX.sub("", fold(name)).strip()


class CommuneIndex:
    """The survey's communes by folded name, whole or without "Phường", "Xã"…"""

    def __init__(self, communes):
        self.by_name: dict[str, list] = {}
        for commune in communes:
            for key in {fold(commune.name), _commune_key(commune.name)}:
                self.by_name.setdefault(key, []).append(commune)

    def find(self, name: str) -> list:
        found = self.by_name.get(fold(name))
        if found is None:
            found = self.by_name.get(_commune_key(name), [])
        return list({commune.pk: commune for commune in found}.values())


# Headings of the census layout's columns, compared after ``heading_key``.
COMMUNE, SEX, AGE, PEOPLE = "commune", "sex", "age", "people"
SYNONYMS = {
    COMMUNE: [
        "Xã",
        "Phường",
        "Xã, phường",
        "Xã/phường",
        "Phường, xã",
        "Xã, phường, thị trấn",
        "Tên xã",
        "Tên xã, phường",
        "Tên đơn vị",
        "Đơn vị",
        "Đơn vị hành chính",
        "Địa bàn",
        "Commune",
        "Commune / ward",
    ],
    SEX: ["Giới tính", "Giới", "Nam/Nữ", "Nam, nữ", "Sex", "Gender"],
    AGE: ["Nhóm tuổi", "Độ tuổi", "Tuổi", "Nhóm độ tuổi", "Age group", "Age"],
    PEOPLE: [
        "Dân số",
        "Số dân",
        "Số người",
        "Số lượng",
        "Số nhân khẩu",
        "Nhân khẩu",
        "Dân số (người)",
        "Population",
    ],
}
_TABLE = {heading_key(name): key for key, names in SYNONYMS.items() for name in names}
_TOTAL = re.compile(r"(tong cong|tong so|tong|cong|toan (xa|thi xa|huyen)|total)\b.*")
_NUMBERING = re.compile(r"\(?\d{1,2}\)?")
_THOUSANDS = re.compile(r"[.,\s](?=\d{3}(?:\D|$))")


@dataclass
class _Layout:
    """Where the header is and what each column holds."""

    header_rows: int  # 1 or 2 (a sex heading over its age headings)
    commune: int
    sex: int | None
    age: int | None
    # column → (sex or "", age or ""): a figure; what it lacks comes from the row.
    values: dict


def _classify(headings: list[str]) -> _Layout | None:
    commune = sex = age = None
    values = {}
    for index, heading in enumerate(headings):
        if not cell_text(heading):
            continue
        field = match_heading(heading, _TABLE)
        folded = fold(cell_text(heading))
        found_sex = _SEX_IN_HEADING.search(folded)
        has_age = bool(_DIGITS.search(folded))
        if has_age or (found_sex and field != SEX):
            age_value = parse_age(heading)
            if has_age and not age_value:
                continue  # "Nam 0-17", "Tổng số (1)": not one of the survey's bands
            sex_value = _SEX_WORDS[found_sex.group(1)] if found_sex else ""
            values[index] = (sex_value, age_value)
        elif field == COMMUNE and commune is None:
            commune = index
        elif field == SEX and sex is None:
            sex = index
        elif field == AGE and age is None:
            age = index
        elif field == PEOPLE:
            values[index] = ("", "")
    if commune is None:
        return None
    usable = {
        index: parts
        for index, parts in values.items()
        if (parts[0] or sex is not None) and (parts[1] or age is not None)
    }
    if not usable:
        return None
    return _Layout(1, commune, sex, age, usable)


def _score(layout: _Layout | None) -> int:
    return 0 if layout is None else len(layout.values) + 1


def _two_row_headings(top: list, bottom: list) -> list[str]:
    """A sex heading over the age headings of its merged cells: "Nam 18-29"…"""
    width = max(len(top), len(bottom))
    top = list(top) + [None] * (width - len(top))
    bottom = list(bottom) + [None] * (width - len(bottom))
    result, carried = [], ""
    for above, below in zip(top, bottom, strict=True):
        above = cell_text(above)
        if above:
            carried = above if parse_sex(above) else ""
        result.append(f"{above or carried} {cell_text(below)}".strip())
    return result


def _find_layout(rows: list) -> tuple[int, _Layout] | None:
    best, best_score = None, 0
    for index, (_number, values) in enumerate(rows[:15]):
        candidates = [_classify([cell_text(v) for v in values])]
        if index + 1 < len(rows):
            joined = _classify(_two_row_headings(values, rows[index + 1][1]))
            if joined is not None:
                joined.header_rows = 2
            candidates.append(joined)
        for layout in candidates:
            if _score(layout) > best_score:
                best, best_score = (index, layout), _score(layout)
    return best


def people_count(value) -> int | None:
    """A count of people: a whole number, written 1234, 1.234, 1,234 or 1 234."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_POPULATION else None
    if isinstance(value, float):
        if value.is_integer() and 0 <= value <= MAX_POPULATION:
            return int(value)
        return None
    text = _THOUSANDS.sub("", cell_text(value))
    if text.isascii() and text.isdecimal() and len(text) <= 9:
        number = int(text)
        return number if number <= MAX_POPULATION else None
    return None


def read_population(upload, *, survey: Survey) -> dict:
    """The census workbook's figures: {(commune id, sex, age group): people}.

    Long (commune, sex, age group, population) or wide (commune, then a column per
    sex × age group, on one header row or a sex heading over its age headings).
    Raises ValidationError naming every row that does not read, with its number:
    the caller saves nothing then.
    """
    rows = [
        [number, [cell_to_json(value) for value in values]]
        for number, values in read_rows(upload, budget=import_budget())
    ]
    rows = [row for row in rows if any(cell_text(value) for value in row[1])]
    found = _find_layout(rows)
    if found is None:
        raise ValidationError(
            _(
                "No header row found: the sheet needs a commune column and either a "
                "population column with sex and age group columns, or one column "
                "per sex and age group (e.g. “Nam 18-29”)."
            )
        )
    index, layout = found
    communes = CommuneIndex(survey_communes(survey))
    figures: dict[tuple, int] = {}
    where: dict[tuple, int] = {}
    errors: list[str] = []

    def fail(message, **params):
        errors.append(message % params)

    for number, values in rows[index + layout.header_rows :]:

        def at(i, values=values):
            return values[i] if i is not None and i < len(values) else None

        filled = {i: at(i) for i in layout.values if cell_text(at(i))}
        name = cell_text(at(layout.commune))
        if not filled or not name:
            continue  # a note, a signature, a blank commune: not a figure
        key = heading_key(name)
        if _TOTAL.fullmatch(key) or _NUMBERING.fullmatch(name):
            continue
        matches = communes.find(name)
        if len(matches) != 1:
            if matches:
                fail(
                    gettext(
                        "Row %(row)s: “%(value)s” names more than one commune of "
                        "the survey; write its full name."
                    ),
                    row=number,
                    value=name,
                )
            else:
                fail(
                    gettext("Row %(row)s: “%(value)s” is not a commune of the survey."),
                    row=number,
                    value=name,
                )
            continue
        commune = matches[0]
        row_sex = row_age = ""
        if layout.sex is not None:
            row_sex = parse_sex(at(layout.sex))
            if not row_sex and any(not s for s, _a in map(layout.values.get, filled)):
                fail(
                    gettext("Row %(row)s: sex “%(value)s” is not Nam or Nữ."),
                    row=number,
                    value=cell_text(at(layout.sex)),
                )
                continue
        if layout.age is not None:
            row_age = parse_age(at(layout.age))
            if not row_age and any(not a for _s, a in map(layout.values.get, filled)):
                fail(
                    gettext(
                        "Row %(row)s: age group “%(value)s” is not one of 18-29, "
                        "30-44, 45-59, 60+."
                    ),
                    row=number,
                    value=cell_text(at(layout.age)),
                )
                continue
        for column, value in filled.items():
            sex, age = layout.values[column]
            cell = (commune.pk, sex or row_sex, age or row_age)
            people = people_count(value)
            if people is None:
                fail(
                    gettext("Row %(row)s: “%(value)s” is not a number of people."),
                    row=number,
                    value=cell_text(value),
                )
                continue
            if cell in figures:
                fail(
                    gettext(
                        "Row %(row)s: %(commune)s, %(sex)s, %(age)s is given "
                        "already on row %(first)s."
                    ),
                    row=number,
                    commune=commune.name,
                    sex=Sex(cell[1]).label,
                    age=AgeGroup(cell[2]).label,
                    first=where[cell],
                )
                continue
            figures[cell] = people
            where[cell] = number
    if errors:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append(
                gettext("… and %(count)s more.") % {"count": len(errors) - MAX_ERRORS}
            )
        raise ValidationError(shown)
    if not figures:
        raise ValidationError(_("The workbook holds no population figure."))
    return figures


def population_import(*, survey: Survey, upload, user) -> int:
    """Read the census workbook and save its figures, all or nothing."""
    figures = read_population(upload, survey=survey)
    return population_save(survey=survey, figures=figures, user=user)
