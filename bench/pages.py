"""What `make bench` measures: the personas, the pages they open, the job benches.

A later issue adds a page by appending to ``PAGES`` and a background job by
appending a function to ``JOB_BENCHES``; the runner does the rest.
"""

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Accounts created by `seed_demo --scale ...`, all with the demo password.
PASSWORD = "dluan-demo-2026"  # the published demo password

# persona key -> (label in the results, username)
PERSONAS = {
    "province_staff": ("province staff", "tinh_canbo"),
    "superuser": ("superuser", "bench_admin"),
    "town_staff": ("town staff", "huyen_canbo"),
    "town_leader": ("town leader", "huyen_lanhdao"),
    "province_leader": ("province leader", "tinh_lanhdao"),
    "commune_staff": ("commune staff", "xa_canbo"),
    "collaborator": ("collaborator", "ctv00001"),
}

# Who opens every board page; everyone else opens their home page only.
BOARD_PERSONAS = ("province_staff", "superuser", "town_staff", "town_leader")
HOME_PERSONAS = tuple(PERSONAS)

# Collaborators filing reports in the load run: active ones, by username.
LOAD_USERNAME_PREFIX = "ctv"

# The smallest logged-in page of the app, measured alongside every page.
FLOOR_PATH = "/password/"


@dataclass(frozen=True)
class Page:
    """A page measured for some personas; ``path`` is formatted with the objects.

    The objects picked for each persona (see ``run.pick_objects``) are ``report``,
    ``issue``, ``collaborator``, ``meeting``, ``topic`` and ``period`` (ids).
    """

    label: str
    path: str
    personas: tuple[str, ...] = BOARD_PERSONAS


PAGES = [
    Page("home", "/", HOME_PERSONAS),
    Page("review queue", "/reports/queue/"),
    Page("queue · status accepted", "/reports/queue/?status=accepted"),
    Page("queue · topic", "/reports/queue/?topic={topic}"),
    Page("queue · direction oppose", "/reports/queue/?direction=oppose"),
    Page("queue · period", "/reports/queue/?period={period}"),
    Page("queue · page 40", "/reports/queue/?page=40"),
    Page("queue · search without diacritics", "/reports/queue/?q=khai+thac+cat"),
    Page("report page", "/reports/{report}/"),
    Page("issue list", "/reports/issues/"),
    Page("issue page", "/reports/issues/{issue}/"),
    Page("reporting discipline", "/reports/discipline/", BOARD_PERSONAS),
    Page("early warnings", "/reports/warnings/"),
    Page("emulation scores", "/collaborators/scores/"),
    Page("roster", "/collaborators/"),
    Page("roster · search", "/collaborators/?q=nguyen+van"),
    Page("collaborator profile", "/collaborators/{collaborator}/"),
    Page("meeting list", "/meetings/"),
    Page("meeting page", "/meetings/{meeting}/"),
]

# Background jobs, measured after the pages and before the load run, in the runner
# process (Django set up on the bench database). Each is a function taking the
# runner's ``Bench``; it times its work and its floor with ``bench.sample(fn)`` and
# adds figures with ``bench.record(name, value, unit, floor=..., target=...)``,
# e.g. compiling a summary against the plain SQL that reads the same rows. It runs
# unless ``--only`` leaves out its function name.


def daily_jobs(bench) -> None:
    """Every job beat runs each day, in the foreground, on the whole province.

    The floor is the same command doing nothing (its ``--help``): Django's start.
    """
    import subprocess
    import time

    def run(*args):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "manage.py", "daily_jobs", *args],
            cwd=ROOT,
            env=bench.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return (time.perf_counter() - started) * 1000

    floor = run("--help")
    bench.record(
        "job · daily_jobs (periods, meetings, follow-ups, discipline, scores, "
        "reminders, warnings)",
        run() / 1000,
        "s",
        floor=floor / 1000,
        target=300,
    )


JOB_BENCHES = [daily_jobs]
