"""The survey sheet read row by row into questions (:class:`Parsed`).

Groups become sections or grids, a "Khác (ghi rõ)" text row folds into its
question's choice, and every row that does not fit the subset is named.
"""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from surveys import rules
from surveys.xlsform.expressions import _Unsupported, xpath_to_rule
from surveys.xlsform.sheets import (
    CODE,
    METADATA_TYPES,
    NAME,
    NO,
    SURVEY,
    YES,
    K,
    Problems,
)


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
