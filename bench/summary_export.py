"""Write a period's report sheet for a unit, timed, in a process of its own.

    python bench/summary_export.py export|floor UNIT_ID PERIOD_ID OUTPUT

``export`` runs the summary's workbook writer (``write_summary_workbook``) on an
unsaved summary of the unit and period. ``floor`` reads the same rows into memory
first, untimed, as the records the writer takes, then times rustpy-xlsxwriter (the
writer ``dluan.xlsx`` uses) writing them alone: what the export would cost if
reading the database and making the rows were free.

Prints one JSON line: ``{"rows", "seconds", "cpu_seconds", "peak_mb"}``, the
peak being the process's largest resident set (``VmHWM``) over its whole
life; ``cpu_seconds`` is the timed part's processor time, steadier than the wall
time on a busy machine.
"""

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the project imports

from bench.core import peak_mb  # noqa: E402 - after the path is set


def export(unit, period, output: Path) -> tuple[int, float]:
    from summaries.models import Summary
    from summaries.renderers.xlsx import write_summary_workbook

    summary = Summary(unit=unit, period=period, include_names=False)
    started, cpu = time.perf_counter(), time.process_time()
    with output.open("wb") as fileobj:
        rows = write_summary_workbook(summary, fileobj)
    return rows, time.perf_counter() - started, time.process_time() - cpu


def floor(unit, period, output: Path) -> tuple[int, float]:
    from django.utils import translation
    from rustpy_xlsxwriter import write_worksheets

    from dluan.xlsx import safe_cell
    from summaries.renderers.xlsx import ReportRows

    with translation.override("vi"):
        rows = ReportRows(unit=unit, period_id=period.pk, include_names=False)
        header = [str(name) for name in rows.header()]
        data = [
            dict(zip(header, [safe_cell(value) for value in row], strict=True))
            for row in rows
        ]
    started, cpu = time.perf_counter(), time.process_time()
    write_worksheets(
        [("rows", data)],
        str(output),
        freeze_panes={"general": {"row": 1, "col": 0}},
        datetime_format="dd/mm/yyyy",
    )
    return len(data), time.perf_counter() - started, time.process_time() - cpu


def main(mode: str, unit_id: str, period_id: str, output: str) -> None:
    import django

    django.setup()
    from dluan.models import OrgUnit
    from reports.models import ReportingPeriod

    unit = OrgUnit.objects.get(pk=unit_id)
    period = ReportingPeriod.objects.get(pk=period_id)
    run = {"export": export, "floor": floor}[mode]
    rows, seconds, cpu_seconds = run(unit, period, Path(output))
    print(
        json.dumps(
            {
                "rows": rows,
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "peak_mb": peak_mb(),
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
