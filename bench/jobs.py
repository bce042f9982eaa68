"""The job benches: those of ``bench/pages.py``, and the roster import."""

import json
import subprocess
import sys

from bench import pages as catalogue
from bench.core import ROOT, Bench, log
from bench.measure import persona_user


def run_jobs(bench: Bench) -> None:
    for job in catalogue.JOB_BENCHES:
        if bench.wants(job.__name__):
            log(f"job bench {job.__name__}")
            job(bench)
    if bench.wants("roster_import"):
        log("job bench roster_import")
        roster_import(bench)


ROSTER_IMPORT_ROWS = 5000  # collaborators in the office workbook (smoke: 200)
ROSTER_IMPORT_SECONDS_TARGET = 10
ROSTER_IMPORT_MEMORY_TARGET = 200  # MB, the process's peak, Django included


def roster_import(bench: Bench) -> None:
    """A town's staff import a board's 5,000-row roster: upload, columns, preview,
    import, through the views, in a process of its own (``bench/roster_import.py``)
    so its peak memory is the import's; rolled back, so the roster stays as seeded.
    """
    from django.db.models import Count

    from bench.roster_import import office_workbook
    from dluan.models import OrgUnit

    user = persona_user("town_staff")
    # Names that are one unit each, as the import matches units by name.
    units = list(
        OrgUnit.objects.visible_to(user)
        .filter(is_active=True)
        .values("name")
        .annotate(count=Count("pk"))
        .filter(count=1)
        .order_by("name")
        .values_list("name", flat=True)[:20]
    )
    if not units:
        bench.failures.append("roster import: the town staff see no unit")
        return
    rows = 200 if bench.smoke else ROSTER_IMPORT_ROWS
    workbook = bench.workdir / "roster-import.xlsx"
    office_workbook(workbook, units=units, rows=rows)
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "roster_import.py"),
            user.username,
            str(workbook),
        ],
        cwd=ROOT,
        env=bench.env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        bench.failures.append(
            f"roster import: the run failed:\n{(done.stdout + done.stderr)[-3000:]}"
        )
        return
    result = json.loads(done.stdout.strip().splitlines()[-1])
    log(
        "  "
        + ", ".join(
            f"{step} {seconds:.1f} s" for step, seconds in result["steps"].items()
        )
    )
    if result["imported"] != rows:
        bench.failures.append(
            f"roster import: {result['imported']} of {rows} rows were valid"
        )
    bench.record(
        f"job · roster import, an office workbook of {result['rows']} rows "
        "(upload to import)",
        result["seconds"],
        "s",
        target=ROSTER_IMPORT_SECONDS_TARGET,
    )
    bench.record(
        "job · roster import peak memory",
        result["peak_mb"],
        "MB",
        target=ROSTER_IMPORT_MEMORY_TARGET,
    )
