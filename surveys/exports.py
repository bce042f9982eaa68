"""Files of a survey's approved responses: one table built once, three formatters.

:func:`export_table` reads each approved response's ``answers`` JSON as a stream
(never its Answer rows) and yields one row of typed values per response:
codes as text, numbers as floats, dates as ``date``, times as local ``datetime``.
:func:`render_xlsx` (a "Phiếu" sheet and a "Codebook" sheet), :func:`render_csv`
(UTF-8 with a BOM, for Excel) and :func:`render_sav` (SPSS, with variable and
value labels, choices coded 1..k) write it; text a spreadsheet could run as a
formula is written as text.

Columns: the response's id, mode, commune, sex, age group, occupation,
interviewer, start, end, submission, review and weight, then per question: a
single choice or rating as its code; a multiple choice as one 0/1 column per
choice ``<name>_<code>``; a grid as one column per row ``<name>_<row>``; the
"other" words as ``<name>_other``; numbers, text and dates as they are.
"""

import csv
import datetime
import gc
import io
import math
import os
import re
import tempfile
from array import array
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from dluan.xlsx import SafeRows, safe_cell, write_workbook
from surveys.models import Question, Response, Survey
from surveys.models.vocab import AgeGroup, Occupation, Sex
from surveys.weights import weight

K = Question.Kind
CHUNK = 2000
TEXT, NUMBER, CODE, FLAG, DATE, DATETIME = (
    "text",
    "number",
    "code",
    "flag",
    "date",
    "datetime",
)


@dataclass
class Column:
    name: str
    label: str
    kind: str
    # For a coded column: [(code, label)] in order; in .sav the codes become 1..k.
    codes: list = field(default_factory=list)


@dataclass
class Table:
    """The export's columns and its rows (a generator, read once)."""

    columns: list[Column]
    rows: Iterator[list]

    def __iter__(self):
        return self.rows


def _base_columns() -> list[Column]:
    return [
        Column("id", _("Response id"), NUMBER),
        Column("mode", _("Mode"), CODE, list(Response.Mode.choices)),
        Column("commune", _("Commune"), TEXT),
        Column("sex", _("Sex"), CODE, list(Sex.choices)),
        Column("age_group", _("Age group"), CODE, list(AgeGroup.choices)),
        Column("occupation", _("Occupation"), CODE, list(Occupation.choices)),
        Column("interviewer", _("Interviewer"), TEXT),
        Column("started", _("Started at"), DATETIME),
        Column("ended", _("Ended at"), DATETIME),
        Column("submitted", _("Submitted at"), DATETIME),
        Column("review", _("Review"), CODE, list(Response.Review.choices)),
        Column("weight", _("Weight"), NUMBER),
    ]


def _questions(survey: Survey) -> list[Question]:
    """Each question name once, as its newest version asks it (with the choices
    of every version), newest version's order first."""
    by_name: dict[str, Question] = {}
    extra_choices: dict[str, list] = {}
    queryset = (
        Question.objects.filter(version__survey=survey)
        .exclude(kind=K.SECTION)
        .order_by("-version__number", "order", "pk")
        .prefetch_related("choices")
    )
    for question in queryset:
        choices = [(c.value, c.label, c.is_other) for c in question.choices.all()]
        if question.name not in by_name:
            by_name[question.name] = question
            extra_choices[question.name] = choices
        else:
            known = {c[0] for c in extra_choices[question.name]}
            extra_choices[question.name] += [c for c in choices if c[0] not in known]
    for name, question in by_name.items():
        question.export_choices = extra_choices[name]
    return list(by_name.values())


def _question_columns(question: Question) -> tuple[list[Column], object]:
    """The columns of one question and a function of the answers giving their values."""
    name, label = question.name, question.label
    choices = question.export_choices
    codes = [(value, text) for value, text, _o in choices]
    has_other = any(other for _v, _t, other in choices)
    other_key = f"{name}__other"
    columns: list[Column] = []
    kind = question.kind
    if kind in (K.SINGLE, K.RATING):
        columns.append(Column(name, label, CODE, codes))

        def values(answers):
            value = answers.get(name)
            return [value if isinstance(value, str) and value else None]

    elif kind == K.MULTIPLE:
        flag_codes = [(1, _("Selected")), (0, _("Not selected"))]
        columns += [
            Column(f"{name}_{value}", f"{label}: {text}", FLAG, flag_codes)
            for value, text in codes
        ]
        order = [value for value, _text in codes]

        def values(answers):
            chosen = answers.get(name)
            if not isinstance(chosen, list):
                return [None] * len(order)
            return [1 if value in chosen else 0 for value in order]

    elif kind == K.GRID:
        rows = [r["name"] for r in question.rows]
        columns += [
            Column(f"{name}_{r['name']}", f"{label}: {r['label']}", CODE, codes)
            for r in question.rows
        ]

        def values(answers):
            chosen = answers.get(name)
            if not isinstance(chosen, dict):
                return [None] * len(rows)
            return [chosen.get(row) or None for row in rows]

    elif kind == K.NUMBER:
        columns.append(Column(name, label, NUMBER))

        def values(answers):
            try:
                number = float(answers.get(name))
            except (TypeError, ValueError):
                return [None]
            return [int(number) if number.is_integer() else number]

    elif kind == K.DATE:
        columns.append(Column(name, label, DATE))

        def values(answers):
            value = answers.get(name)
            try:
                return [datetime.date.fromisoformat(value) if value else None]
            except (TypeError, ValueError):
                return [None]

    else:
        columns.append(Column(name, label, TEXT))

        def values(answers):
            value = answers.get(name)
            return [value if isinstance(value, str) and value else None]

    if has_other:
        columns.append(Column(f"{name}_other", f"{label}: {_('other')}", TEXT))
        inner = values

        def values(answers, inner=inner):
            return [*inner(answers), answers.get(other_key) or None]

    return columns, values


def export_table(survey: Survey) -> Table:
    """The approved responses of ``survey`` as one table (see the module's doc)."""
    columns = _base_columns()
    extractors = []
    for question in _questions(survey):
        question_columns, values = _question_columns(question)
        columns += question_columns
        extractors.append(values)
    return Table(columns=columns, rows=_rows(survey, extractors))


@contextmanager
def _no_collection():
    """The cycle collector paused: a file of many rows makes millions of objects
    and no cycle, and the collector's passes over them cost more than the writing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _rows(survey: Survey, extractors) -> Iterator[list]:
    zone = timezone.get_current_timezone()
    names: dict[str, str] = {}

    def local(moment):
        return moment.astimezone(zone).replace(tzinfo=None) if moment else None

    queryset = (
        Response.objects.filter(survey=survey)
        .approved()
        .annotate(w=weight())
        .order_by("pk")
        .values_list(
            "pk",
            "mode",
            "commune__name",
            "sex",
            "age_group",
            "occupation",
            "collaborator__full_name",
            "started_at",
            "ended_at",
            "submitted_at",
            "review",
            "w",
            "answers",
        )
    )
    for (
        pk,
        mode,
        commune,
        sex,
        age_group,
        occupation,
        interviewer,
        started,
        ended,
        submitted,
        review,
        response_weight,
        answers,
    ) in queryset.iterator(chunk_size=CHUNK):
        answers = answers if isinstance(answers, dict) else {}
        row = [
            pk,
            mode,
            names.setdefault(commune, commune) if commune else None,
            sex or None,
            age_group or None,
            occupation or None,
            names.setdefault(interviewer, interviewer) if interviewer else None,
            local(started),
            local(ended),
            local(submitted),
            review,
            response_weight,
        ]
        for values in extractors:
            row += values(answers)
        yield row


# --- Spreadsheets ---------------------------------------------------------------------


def _formatters(columns: list[Column]) -> list[tuple[int, object]]:
    """(index, how the value is written in .xlsx and .csv) of the columns that need
    it: dates as dd/mm/yyyy, text made formula-safe. Numbers are written as they are.
    """

    def date(value):
        return value.strftime("%d/%m/%Y")

    def moment(value):
        return value.strftime("%d/%m/%Y %H:%M:%S")

    def codes(column):
        # A choice's code is a slug: safe unless it begins with "-".
        plain = {code for code, _label in column.codes if safe_cell(code) == code}

        def code(value):
            return value if value in plain else safe_cell(value)

        return code

    formatters = []
    for index, column in enumerate(columns):
        if column.kind == DATE:
            formatters.append((index, date))
        elif column.kind == DATETIME:
            formatters.append((index, moment))
        elif column.kind == TEXT:
            formatters.append((index, safe_cell))
        elif column.kind == CODE:
            formatters.append((index, codes(column)))
    return formatters


def _display_rows(table: Table) -> Iterator[list]:
    formatters = _formatters(table.columns)
    for row in table.rows:
        # Each row is a new list: written over in place.
        for index, fmt in formatters:
            value = row[index]
            if value is not None:
                row[index] = fmt(value)
        yield row


def codebook_rows(columns: list[Column]) -> list[list]:
    """Variable, question label, value, value label: one row per code."""
    rows = []
    for column in columns:
        if not column.codes:
            rows.append([column.name, column.label, None, None])
            continue
        for code, label in column.codes:
            rows.append([column.name, column.label, code, str(label)])
    return rows


def render_xlsx(survey: Survey) -> bytes:
    """A "Phiếu" sheet of the approved responses and a "Codebook" sheet."""
    with _no_collection():
        return _xlsx(survey)


def _xlsx(survey: Survey) -> bytes:
    table = export_table(survey)
    header = [column.name for column in table.columns]
    codebook = [
        _("Variable"),
        _("Question"),
        _("Value"),
        _("Value label"),
    ]
    with tempfile.TemporaryFile() as buffer:
        write_workbook(
            [
                ("Phiếu", header, SafeRows(_display_rows(table))),
                ("Codebook", codebook, codebook_rows(table.columns)),
            ],
            buffer,
        )
        buffer.seek(0)
        return buffer.read()


def render_csv(survey: Survey) -> bytes:
    """The approved responses as CSV, UTF-8 with a BOM so Excel reads Vietnamese."""
    with _no_collection():
        return _csv(survey)


def _csv(survey: Survey) -> bytes:
    table = export_table(survey)
    with tempfile.TemporaryFile() as buffer:
        text = io.TextIOWrapper(buffer, encoding="utf-8-sig", newline="")
        writer = csv.writer(text)
        writer.writerow([column.name for column in table.columns])
        writer.writerows(_display_rows(table))
        text.flush()
        buffer.seek(0)
        content = buffer.read()
        text.detach()
        return content


# --- SPSS -------------------------------------------------------------------------------

_SPSS_BAD = re.compile(r"[^A-Za-z0-9_.]")
# Bytes SPSS keeps of a variable label and a value label.
LABEL_BYTES = 250
VALUE_LABEL_BYTES = 120
# SPSS counts dates and times in seconds from the Gregorian calendar's first day.
SPSS_EPOCH = datetime.datetime(1582, 10, 14)
SPSS_DAY_ONE = SPSS_EPOCH.date().toordinal()


def _cut(text: str, limit: int) -> str:
    data = str(text).encode("utf-8")
    if len(data) <= limit:
        return str(text)
    return data[:limit].decode("utf-8", errors="ignore")


def spss_names(columns: list[Column]) -> list[str]:
    """Variable names SPSS accepts: letters, digits, _ and ., a letter first,
    unique whatever the case."""
    names, seen = [], set()
    for column in columns:
        name = _SPSS_BAD.sub("_", column.name)[:60]
        if not name[:1].isalpha():
            name = f"v{name}"
        candidate, n = name, 1
        while candidate.lower() in seen:
            n += 1
            candidate = f"{name}_{n}"
        seen.add(candidate.lower())
        names.append(candidate)
    return names


def render_sav(survey: Survey) -> bytes:
    """The approved responses as an SPSS .sav file with variable and value labels.

    Built a column at a time (numbers in compact arrays), written by pyreadstat
    to a temporary file.
    """
    with _no_collection():
        return _sav(survey)


def _sav(survey: Survey) -> bytes:
    import numpy as np
    import pandas as pd
    import pyreadstat

    table = export_table(survey)
    columns = table.columns
    names = spss_names(columns)
    store: list = []
    code_maps: list = []
    for column in columns:
        if column.kind == CODE:
            code_maps.append({code: n for n, (code, _l) in enumerate(column.codes, 1)})
        else:
            code_maps.append(None)
        if column.kind == TEXT:
            store.append([])
        else:
            store.append(array("d"))
    nan = math.nan
    plan = list(zip(columns, store, code_maps, strict=True))
    for row in table.rows:
        for (column, values, codes), value in zip(plan, row, strict=True):
            kind = column.kind
            if kind == CODE:
                if value is None:
                    values.append(nan)
                else:
                    code = codes.get(value)
                    if code is None:
                        # A code no version lists any more: coded after the others.
                        code = codes[value] = len(codes) + 1
                        column.codes.append((value, value))
                    values.append(code)
            elif kind in (NUMBER, FLAG):
                values.append(nan if value is None else float(value))
            elif kind == DATETIME:
                values.append(
                    nan if value is None else (value - SPSS_EPOCH).total_seconds()
                )
            elif kind == DATE:
                values.append(
                    nan
                    if value is None
                    else (value.toordinal() - SPSS_DAY_ONE) * 86400.0
                )
            else:
                values.append(value or "")
    # Only ``data`` holds the columns from here: the arrays go with it.
    plan.clear()
    data = {}
    for name, column, values in zip(names, columns, store, strict=True):
        if column.kind == TEXT:
            data[name] = pd.Series(values, dtype="object")
        else:
            data[name] = np.frombuffer(values, dtype="float64")
    store.clear()
    frame = pd.DataFrame(data, copy=False)
    data.clear()
    value_labels = {}
    for name, column in zip(names, columns, strict=True):
        if column.kind == CODE and column.codes:
            value_labels[name] = {
                n: _cut(label, VALUE_LABEL_BYTES)
                for n, (_code, label) in enumerate(column.codes, 1)
            }
        elif column.kind == FLAG:
            value_labels[name] = {
                code: _cut(label, VALUE_LABEL_BYTES) for code, label in column.codes
            }
    handle, path = tempfile.mkstemp(suffix=".sav")
    os.close(handle)
    try:
        pyreadstat.write_sav(
            frame,
            path,
            file_label=_cut(survey.title, 60),
            column_labels={
                name: _cut(column.label, LABEL_BYTES)
                for name, column in zip(names, columns, strict=True)
            },
            variable_value_labels=value_labels,
            # Dates and times as SPSS numbers with their format: pyreadstat
            # would copy the whole table to convert datetime columns.
            variable_format={
                name: "DATETIME20" if column.kind == DATETIME else "DATE11"
                for name, column in zip(names, columns, strict=True)
                if column.kind in (DATE, DATETIME)
            },
            variable_measure={
                name: "nominal"
                for name, column in zip(names, columns, strict=True)
                if column.kind in (CODE, FLAG)
            },
        )
        del frame
        with open(path, "rb") as written:
            return written.read()
    finally:
        os.unlink(path)
