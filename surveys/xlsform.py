"""Questionnaires as XLSForm (the ``survey`` and ``choices`` sheets of ODK and Kobo).

The subset dluan asks is written and read back the same:

========================  ==========================================================
dluan                     XLSForm
========================  ==========================================================
section heading           ``begin_group`` (no appearance) … ``end_group``
single choice             ``select_one <list>``
rating scale              ``select_one <list>``, appearance ``likert``
multiple choice           ``select_multiple <list>``
grid of rating rows       ``begin_group`` appearance ``table-list``, one
                          ``select_one <list>`` per row named ``<grid>_<row>``
number (min, max)         ``decimal`` (``integer`` read too), constraint
                          ``. >= 18 and . <= 100``
short / long text         ``text`` / ``text`` appearance ``multiline``
date                      ``date``
"Khác (ghi rõ)"           the choice, then ``text`` ``<name>_other`` relevant
                          ``selected(${name}, '<code>')``
show-if rule              ``relevant``: ``${q} = 'a'``, ``selected(${q}, 'a')``,
                          ``and``, ``or``, parentheses
========================  ==========================================================

A "one of" rule on a choice question is written as ``selected()`` joined by
``or`` and read back as "one of". Anything else (a ``note``, a ``calculate``, a
column dluan does not keep, an expression outside the subset) is named with its
sheet and row, and nothing is imported. ``start``, ``end`` and ``today`` rows are
accepted: every response records when it started and ended anyway.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.xml.constants import SHARED_STRINGS
from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert

from dluan.uploads import check_upload
from dluan.xlsx import (
    XLSX_CONTENT_TYPE,
    ReadBudget,
    _check_archive,
    _read_shared_strings,
    _SheetReader,
    build_workbook,
)
from surveys import rules
from surveys.models import Choice, Question, Survey
from surveys.services.design import editable_version

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


# --- Writing --------------------------------------------------------------------------


def _quote(value) -> str:
    value = "" if value is None else str(value)
    return f'"{value}"' if "'" in value else f"'{value}'"


def rule_to_xpath(rule: dict, *, kinds: dict, top: bool = True) -> str:
    """A show-if rule as an XLSForm ``relevant`` expression."""
    if not rule:
        return ""
    if "op" in rule:
        parts = [rule_to_xpath(p, kinds=kinds, top=False) for p in rule["rules"]]
        text = f" {rule['op']} ".join(parts)
        return text if top or len(parts) == 1 else f"({text})"
    name, value = rule["question"], rule.get("value")
    ref = "${" + name + "}"
    match rule["is"]:
        case "equals":
            return f"{ref} = {_quote(value)}"
        case "selected":
            return f"selected({ref}, {_quote(value)})"
    # one_of: selected() on a choice question, = otherwise.
    if kinds.get(name) in (K.SINGLE, K.RATING):
        parts = [f"selected({ref}, {_quote(v)})" for v in value]
    else:
        parts = [f"{ref} = {_quote(v)}" for v in value]
    text = " or ".join(parts)
    return text if top or len(parts) == 1 else f"({text})"


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


# --- Reading the workbook -------------------------------------------------------------


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


# --- Reading the form -----------------------------------------------------------------


@dataclass
class Parsed:
    kind: str
    name: str
    label: str
    row: int
    hint: str = ""
    required: bool = False
    show_if: dict = field(default_factory=dict)
    minimum: int | None = None
    maximum: int | None = None
    rows: list = field(default_factory=list)
    choices: list = field(default_factory=list)  # [(value, label, is_other)]


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


_TOKEN = re.compile(
    r"\s*(?:(?P<ref>\$\{[^}]*\})|(?P<str>'[^']*'|\"[^\"]*\")|(?P<word>and|or|selected)"
    r"|(?P<sym>[(),=]))"
)


class _Unsupported(Exception):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    position, tokens = 0, []
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise _Unsupported
        kind = match.lastgroup
        value = match.group(kind)
        if kind == "ref":
            value = value[2:-1].strip()
        elif kind == "str":
            value = value[1:-1]
        tokens.append((kind, value))
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return tokens


def xpath_to_rule(text: str, *, kinds: dict) -> dict:
    """The show-if rule of a ``relevant`` expression; raises ``_Unsupported``.

    ``and`` binds tighter than ``or``, as in XPath. ``selected()`` on a single
    choice is "one of", and an ``or`` of those on one question is one "one of".
    """
    tokens = _tokens(text)
    position = 0

    def peek():
        return tokens[position] if position < len(tokens) else (None, None)

    def take(kind, value=None):
        nonlocal position
        token = peek()
        if token[0] != kind or (value is not None and token[1] != value):
            raise _Unsupported
        position += 1
        return token[1]

    def group(op, parts):
        if len(parts) == 1:
            return parts[0]
        if op == "or" and all(
            p.get("is") == "one_of" and p["question"] == parts[0]["question"]
            for p in parts
        ):
            return {
                "question": parts[0]["question"],
                "is": "one_of",
                "value": [v for p in parts for v in p["value"]],
            }
        return {"op": op, "rules": parts}

    def expression():
        parts = [conjunction()]
        while peek() == ("word", "or"):
            take("word", "or")
            parts.append(conjunction())
        return group("or", parts)

    def conjunction():
        parts = [term()]
        while peek() == ("word", "and"):
            take("word", "and")
            parts.append(term())
        return group("and", parts)

    def term():
        kind, value = peek()
        if kind == "sym" and value == "(":
            take("sym", "(")
            inner = expression()
            take("sym", ")")
            return inner
        if kind == "word" and value == "selected":
            take("word")
            take("sym", "(")
            name = take("ref")
            take("sym", ",")
            code = take("str")
            take("sym", ")")
            if kinds.get(name) in (K.SINGLE, K.RATING):
                return {"question": name, "is": "one_of", "value": [code]}
            return {"question": name, "is": "selected", "value": code}
        name = take("ref")
        take("sym", "=")
        return {"question": name, "is": "equals", "value": take("str")}

    rule = expression()
    if position != len(tokens):
        raise _Unsupported
    return rule


def _flag(value: str) -> bool | None:
    value = value.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    return None


_BOUND = re.compile(r"^\.\s*(>=|<=)\s*(-?\d+)$")


def _bounds(text: str) -> tuple[int | None, int | None] | None:
    minimum = maximum = None
    for part in re.split(r"\s+and\s+", text.strip()):
        match = _BOUND.match(part.strip())
        if not match:
            return None
        if match.group(1) == ">=":
            minimum = int(match.group(2))
        else:
            maximum = int(match.group(2))
    return minimum, maximum


class _SurveyReader:
    """Reads the survey sheet's rows in order into questions, noting each problem."""

    def __init__(self, *, lists: dict, problems: Problems, label_col, hint_col):
        self.lists = lists
        self.problems = problems
        self.label_col, self.hint_col = label_col, hint_col
        self.questions: list[Parsed] = []
        self.names: set[str] = set()
        self.kinds: dict[str, str] = {}
        self.earlier: dict[str, Parsed] = {}
        self.grid: Parsed | None = None
        self.grid_list: str | None = None
        self.section: Parsed | None = None
        self.section_open = False

    def problem(self, number, message) -> None:
        self.problems.add(SURVEY, number, message)

    def refuse(self, number, row, base, *columns) -> None:
        """Name each of ``columns`` that holds a value on a row where it means nothing."""
        for column in columns:
            if row.get(column):
                self.problem(
                    number,
                    _("“%(column)s” is not supported on a %(type)s row.")
                    % {"column": column, "type": base},
                )

    def rule_of(self, number, row) -> dict:
        text = row.get("relevant", "")
        if not text:
            return {}
        try:
            rule = xpath_to_rule(text, kinds=self.kinds)
        except _Unsupported:
            self.problem(
                number,
                _(
                    "the relevant expression “%(expr)s” is outside what dluan "
                    "understands (${q} = 'a', selected(${q}, 'a'), and, or, "
                    "parentheses)."
                )
                % {"expr": text[:200]},
            )
            return {}
        for message in rules.check(rule, earlier=self.earlier):
            self.problem(number, message)
        return rule

    def choices_of(self, number, list_name) -> list:
        if list_name not in self.lists:
            self.problem(
                number,
                _("the list “%(list)s” is not on the choices sheet.")
                % {"list": list_name},
            )
            return []
        return [(value, text, False) for _n, value, text in self.lists[list_name]]

    def add(self, parsed: Parsed) -> None:
        if not NAME.match(parsed.name):
            self.problem(
                parsed.row,
                _(
                    "the name “%(name)s” must start with a letter and hold only "
                    "letters, digits, - and _ (at most 64)."
                )
                % {"name": parsed.name[:64]},
            )
        elif parsed.name in self.names:
            self.problem(
                parsed.row,
                _("the name “%(name)s” is used twice.") % {"name": parsed.name},
            )
        if not parsed.label and parsed.kind != K.SECTION:
            self.problem(parsed.row, _("the question has no label."))
        if len(parsed.hint) > 500:
            self.problem(parsed.row, _("the hint is longer than 500 characters."))
        self.names.add(parsed.name)
        self.kinds[parsed.name] = parsed.kind
        self.questions.append(parsed)

    def read(self, number: int, raw: dict) -> None:
        row = {k.lower(): v for k, v in raw.items()}
        type_ = " ".join(row.get("type", "").split())
        base, _sep, rest = type_.partition(" ")
        base = base.lower().replace(" ", "_")
        cell = {
            "number": number,
            "row": row,
            "type": type_,
            "base": base,
            "rest": rest,
            "name": row.get("name", ""),
            "label": raw.get(self.label_col, "") if self.label_col else "",
            "hint": raw.get(self.hint_col, "") if self.hint_col else "",
            "appearance": row.get("appearance", "").strip().lower(),
            "required": _flag(row.get("required", "")),
        }
        if cell["required"] is None:
            self.problem(
                number,
                _("required must be yes or no, not “%(value)s”.")
                % {"value": row["required"][:40]},
            )
            cell["required"] = False
        if not base:
            self.problem(number, _("the row has no type."))
        elif base in METADATA_TYPES:
            self.refuse(number, row, base, "relevant", "constraint", "appearance")
        elif base == "end_group":
            self.end_group(number)
        elif self.grid is not None:
            self.grid_row(cell)
        elif base == "begin_group":
            self.begin_group(cell)
        else:
            self.question(cell)

    def end_group(self, number) -> None:
        if self.grid is not None:
            if not self.grid.rows:
                self.problem(number, _("the table-list group has no rows."))
            self.grid = self.grid_list = None
        elif self.section_open:
            self.section_open = False
        else:
            self.problem(number, _("end_group without a begin_group."))

    def grid_row(self, cell) -> None:
        """A row of a grid: a select_one of the grid's one list."""
        number, grid = cell["number"], self.grid
        self.refuse(
            number, cell["row"], cell["base"], "relevant", "constraint", "appearance"
        )
        self.refuse(number, cell["row"], cell["base"], "hint")
        if cell["base"] != "select_one" or (
            self.grid_list and cell["rest"] != self.grid_list
        ):
            self.problem(
                number,
                _(
                    "a table-list group holds select_one rows of one list only; "
                    "this row is “%(type)s”."
                )
                % {"type": cell["type"][:80]},
            )
            return
        if self.grid_list is None:
            self.grid_list = cell["rest"]
            grid.choices = self.choices_of(number, cell["rest"])
            grid.required = cell["required"]
        elif cell["required"] != grid.required:
            self.problem(number, _("the rows of a grid are all required or none is."))
        name = cell["name"]
        row_name = name.removeprefix(f"{grid.name}_") if name else ""
        if not CODE.match(row_name) or row_name in {r["name"] for r in grid.rows}:
            self.problem(
                number,
                _("the row name “%(name)s” is missing, repeated or not a code.")
                % {"name": name[:64]},
            )
        if not cell["label"]:
            self.problem(number, _("the question has no label."))
        grid.rows.append({"name": row_name, "label": cell["label"]})

    def begin_group(self, cell) -> None:
        number, appearance = cell["number"], cell["appearance"]
        self.refuse(number, cell["row"], cell["base"], "constraint", "required")
        rule = self.rule_of(number, cell["row"])
        kind = K.GRID if appearance == "table-list" else K.SECTION
        parsed = Parsed(
            kind, cell["name"], cell["label"], number, hint=cell["hint"], show_if=rule
        )
        self.add(parsed)
        if kind == K.GRID:
            self.grid = parsed
            return
        if appearance:
            self.problem(
                number,
                _("the appearance “%(appearance)s” is not supported.")
                % {"appearance": appearance[:40]},
            )
        if self.section_open:
            self.problem(number, _("groups inside groups are not supported."))
        self.section, self.section_open = parsed, True

    def other_words(self, cell, rule) -> bool:
        """Whether the row is the "Khác (ghi rõ)" text of the question before it,
        folded into that question's choice."""
        previous = self.questions[-1] if self.questions else None
        if (
            cell["base"] != "text"
            or previous is None
            or previous.kind not in (K.SINGLE, K.MULTIPLE, K.RATING)
            or cell["name"] != f"{previous.name}_other"
            or rule.get("question") != previous.name
        ):
            return False
        if rule.get("is") == "selected":
            code = rule["value"]
        elif rule.get("is") == "one_of" and len(rule["value"]) == 1:
            code = rule["value"][0]
        else:
            return False
        for index, (value, label, _other) in enumerate(previous.choices):
            if value == code:
                previous.choices[index] = (value, label, True)
                self.refuse(
                    cell["number"], cell["row"], "text", "constraint", "appearance"
                )
                self.names.add(cell["name"])
                return True
        return False

    def question(self, cell) -> None:
        number, row, base = cell["number"], cell["row"], cell["base"]
        appearance = cell["appearance"]
        if not self.section_open and self.section is not None and self.section.show_if:
            self.problem(
                number,
                _(
                    "the question comes after the end of a group with a relevant "
                    "condition; in dluan it would belong to that group. Put it in "
                    "a group of its own."
                ),
            )
        rule = self.rule_of(number, row)
        if self.other_words(cell, rule):
            return
        parsed = Parsed(
            "",
            cell["name"],
            cell["label"],
            number,
            hint=cell["hint"],
            show_if=rule,
            required=cell["required"],
        )
        if base in ("select_one", "select_multiple"):
            list_name, _sep, extra = cell["rest"].partition(" ")
            if extra and extra.lower() != "or_other":
                self.problem(
                    number,
                    _("the type “%(type)s” is not supported.")
                    % {"type": cell["type"][:80]},
                )
            self.refuse(number, row, base, "constraint")
            if base == "select_multiple":
                parsed.kind = K.MULTIPLE
            elif appearance == "likert":
                parsed.kind = K.RATING
            else:
                parsed.kind = K.SINGLE
            if parsed.kind != K.RATING:
                self.refuse(number, row, base, "appearance")
            parsed.choices = self.choices_of(number, list_name)
            if extra:
                parsed.choices.append(("other", _("Other (please specify)"), True))
        elif base in ("integer", "decimal"):
            parsed.kind = K.NUMBER
            self.refuse(number, row, base, "appearance")
            constraint = row.get("constraint", "")
            bounds = _bounds(constraint) if constraint else (None, None)
            if bounds is None:
                self.problem(
                    number,
                    _(
                        "the constraint “%(expr)s” is not supported; write "
                        "“. >= 18 and . <= 100”."
                    )
                    % {"expr": constraint[:200]},
                )
            else:
                parsed.minimum, parsed.maximum = bounds
        elif base == "text":
            self.refuse(number, row, base, "constraint")
            parsed.kind = K.LONG_TEXT if appearance == "multiline" else K.TEXT
            if parsed.kind == K.TEXT:
                self.refuse(number, row, base, "appearance")
        elif base == "date":
            parsed.kind = K.DATE
            self.refuse(number, row, base, "constraint", "appearance")
        else:
            self.problem(
                number,
                _("the type “%(type)s” is not supported by dluan.")
                % {"type": cell["type"][:80]},
            )
            return
        self.add(parsed)
        self.earlier[parsed.name] = parsed

    def finish(self) -> None:
        if self.grid is not None or self.section_open:
            self.problems.add(SURVEY, None, _("a begin_group has no end_group."))


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
