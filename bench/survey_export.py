"""Export a survey's approved responses, timed, in a process of its own.

    python bench/survey_export.py sav|sav-floor|xlsx|xlsx-floor SURVEY_ID OUTPUT

``sav`` and ``xlsx`` run the export (``surveys.exports.render_sav`` /
``render_xlsx``) and write the bytes to OUTPUT. The floors read the same table
into memory first, untimed, then time the writer alone on it: pyreadstat writing
the same data frame and labels, or ``dluan.xlsx.write_workbook`` writing the
same rows; what the export would cost if reading the database were free.

Prints one JSON line: ``{"rows", "bytes", "seconds", "cpu_seconds", "peak_mb"}``,
the peak being the process's largest resident set (``VmHWM``) over its life.
"""

import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the project imports

from bench.core import peak_mb  # noqa: E402 - after the path is set


def _approved(survey) -> int:
    from surveys.models import Response

    return Response.objects.filter(survey=survey).approved().count()


def export(survey, fmt: str, output: Path):
    from surveys import exports

    render = {"sav": exports.render_sav, "xlsx": exports.render_xlsx}[fmt]
    started, cpu = time.perf_counter(), time.process_time()
    data = render(survey)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    output.write_bytes(data)
    return len(data), seconds, cpu


def xlsx_floor(survey, output: Path):
    from django.utils.translation import gettext as _

    from dluan.xlsx import SafeRows, write_workbook
    from surveys import exports

    table = exports.export_table(survey)
    header = [column.name for column in table.columns]
    rows = list(exports._display_rows(table))
    codebook = exports.codebook_rows(table.columns)
    codebook_header = [_("Variable"), _("Question"), _("Value"), _("Value label")]
    started, cpu = time.perf_counter(), time.process_time()
    with output.open("wb") as fileobj:
        write_workbook(
            [
                ("Phiếu", header, SafeRows(rows)),
                ("Codebook", codebook_header, codebook),
            ],
            fileobj,
        )
    size = output.stat().st_size
    return size, time.perf_counter() - started, time.process_time() - cpu


def sav_floor(survey, output: Path):
    import pandas as pd
    import pyreadstat

    from surveys import exports

    table = exports.export_table(survey)
    columns = table.columns
    names = exports.spss_names(columns)
    codes = [
        {code: n for n, (code, _label) in enumerate(column.codes, 1)}
        if column.kind == exports.CODE
        else None
        for column in columns
    ]
    values = [[] for _ in columns]
    for row in table.rows:
        for index, value in enumerate(row):
            kind = columns[index].kind
            if kind == exports.CODE:
                value = math.nan if value is None else codes[index].get(value, 0)
            elif kind in (exports.NUMBER, exports.FLAG):
                value = math.nan if value is None else float(value)
            elif kind == exports.TEXT:
                value = value or ""
            values[index].append(value)
    frame = pd.DataFrame(
        {
            name: pd.to_datetime(column_values)
            if column.kind == exports.DATETIME
            else column_values
            for name, column, column_values in zip(names, columns, values, strict=True)
        }
    )
    del values
    labels = {
        name: {n: str(label)[:120] for n, (_code, label) in enumerate(column.codes, 1)}
        for name, column in zip(names, columns, strict=True)
        if column.kind == exports.CODE and column.codes
    }
    handle, path = tempfile.mkstemp(suffix=".sav")
    os.close(handle)
    started, cpu = time.perf_counter(), time.process_time()
    try:
        pyreadstat.write_sav(
            frame,
            path,
            file_label=survey.title[:60],
            column_labels={
                name: str(column.label)[:250]
                for name, column in zip(names, columns, strict=True)
            },
            variable_value_labels=labels,
        )
        data = Path(path).read_bytes()
    finally:
        os.unlink(path)
    output.write_bytes(data)
    return len(data), time.perf_counter() - started, time.process_time() - cpu


def main(mode: str, survey_id: str, output: str) -> None:
    import django

    django.setup()
    from django.utils import translation

    from surveys.models import Survey

    survey = Survey.objects.get(pk=survey_id)
    fmt = mode.split("-")[0]
    with translation.override("vi"):
        if mode.endswith("-floor"):
            run = {"sav": sav_floor, "xlsx": xlsx_floor}[fmt]
            size, seconds, cpu_seconds = run(survey, Path(output))
        else:
            size, seconds, cpu_seconds = export(survey, fmt, Path(output))
    print(
        json.dumps(
            {
                "rows": _approved(survey),
                "bytes": size,
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "peak_mb": peak_mb(),
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
