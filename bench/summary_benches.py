"""Job benches of the periodic summary (``summaries/``), for ``JOB_BENCHES``."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXPORT_SCRIPT = ROOT / "bench" / "summary_export.py"
MEMORY_TARGET = 200  # MB
# Seconds: the staff wait for the workbook at the end of every compile. The floor
# (the writer alone, rows in memory) is recorded beside it: reading 200,000
# reports from the database costs more than writing them.
TIME_TARGET = 10
ROUNDS = 3  # of each, alternated; the best of each is recorded


def summary_workbook(bench) -> None:
    """The summary's workbook of the province's busiest period, against its floor.

    Both run in processes of their own, so each peak memory is its own: the export
    (the snapshot's sheets and every counted report, read in batches) and the floor
    (the same rows held in memory first, untimed, then written by the writer
    alone, rustpy-xlsxwriter). Both write to a temporary file; nothing is saved
    in the database.
    """
    from django.db.models import Count

    from dluan.models import OrgUnit
    from reports.models import OpinionReport
    from summaries.snapshot import REPORTED_STATUSES

    province = OrgUnit.objects.filter(parent=None).order_by("path").first()
    # Counted from the report_queue_period index alone (period, with status
    # included).
    busiest = (
        OpinionReport.objects.filter(status__in=REPORTED_STATUSES)
        .exclude(period=None)
        .values("period")
        .annotate(reports=Count("pk"))
        .order_by("-reports", "period")
        .first()
    )
    if province is None or busiest is None:
        bench.failures.append("summary workbook: no province or no reports to export")
        return

    def run(mode: str) -> dict | None:
        with tempfile.TemporaryDirectory(prefix="dluan-summary-") as workdir:
            done = subprocess.run(
                [
                    sys.executable,
                    str(EXPORT_SCRIPT),
                    mode,
                    str(province.pk),
                    str(busiest["period"]),
                    str(Path(workdir) / f"{mode}.xlsx"),
                ],
                cwd=ROOT,
                env=bench.env,
                capture_output=True,
                text=True,
            )
        if done.returncode:
            bench.failures.append(
                f"summary workbook: the {mode} run failed:\n{done.stderr[-3000:]}"
            )
            return None
        return json.loads(done.stdout.strip().splitlines()[-1])

    # Alternated, best of each: another process taking the machine for a few
    # seconds then slows one run, not the figure.
    floors, exports = [], []
    for _round in range(1 if bench.smoke else ROUNDS):
        floors.append(run("floor"))
        exports.append(run("export"))
        if None in floors or None in exports:
            return
    floor = min(floors, key=lambda result: result["seconds"])
    export = min(exports, key=lambda result: result["seconds"])
    if export["rows"] != floor["rows"]:
        bench.failures.append(
            f"summary workbook: the export wrote {export['rows']} rows, "
            f"the floor {floor['rows']}"
        )
    bench.record(
        f"job · summary workbook, a province's largest period ({export['rows']} rows)",
        export["seconds"],
        "s",
        floor=floor["seconds"],
        target=TIME_TARGET,
    )
    bench.record(
        "job · summary workbook peak memory",
        max(result["peak_mb"] for result in exports),
        "MB",
        target=MEMORY_TARGET,
    )
