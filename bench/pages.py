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

    The objects picked for each persona (see ``measure.pick_objects``) are ``report``,
    ``issue``, ``collaborator``, ``meeting``, ``topic``, ``period`` and
    ``summary`` (ids).
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
    Page("summary list", "/summaries/"),
    Page("summary page", "/summaries/{summary}/"),
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
    # The summaries due are compiled by workers, one job each; their cost is
    # measured by summary_compile below.
    bench.record(
        "job · daily_jobs (periods, meetings, follow-ups, discipline, scores, "
        "stale uploads, reminders, warnings; summaries due measured apart)",
        run("--skip", "summaries-compile-due") / 1000,
        "s",
        floor=floor / 1000,
        target=300,
    )


def _median_ms(run, count: int) -> float:
    """Median milliseconds of ``count`` calls after one warm-up call (the jobs
    below take seconds: the page benches' three warm-ups would triple the run)."""
    import statistics
    import time

    run()
    times = []
    for _ in range(count):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def province_largest_period():
    """The province and the period with the most reported reports (the summary
    benches' case), read from the period index, not by counting every row."""
    from django.db.models import Count

    from dluan.models import OrgUnit
    from reports.models import OpinionReport, ReportingPeriod
    from summaries.snapshot import REPORTED_STATUSES

    province = OrgUnit.objects.filter(parent__isnull=True).order_by("pk").first()
    top = (
        OpinionReport.objects.filter(status__in=REPORTED_STATUSES)
        .values("period")
        .annotate(count=Count("id"))
        .order_by("-count")
        .first()
    )
    return province, ReportingPeriod.objects.get(pk=top["period"]), top["count"]


def summary_compile(bench) -> None:
    """The province's summary figures for its largest period, against the same
    aggregate SQL statements run bare (the floor): what the ORM and the
    assembling add."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from summaries.snapshot import build_snapshot

    province, period, reports = province_largest_period()

    def compile_once():
        # A fresh unit object: its subtree is read again, as in a real job.
        build_snapshot(type(province).objects.get(pk=province.pk), period)

    with CaptureQueriesContext(connection) as captured:
        compile_once()
    statements = [query["sql"] for query in captured.captured_queries]

    def bare():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    runs = 1 if bench.smoke else 3
    floor = _median_ms(bare, runs)
    value = _median_ms(compile_once, runs)
    bench.record(
        f"job · summary figures, the province's largest period ({reports:,} "
        f"reports, {len(statements)} queries)",
        value / 1000,
        "s",
        floor=floor / 1000,
        target=3 * floor / 1000,
    )


def summary_pdf(bench) -> None:
    """The province's PDF brief, rendered as the worker does; the floor is an
    empty Party document through the same renderer."""
    from django.template.loader import render_to_string

    from dluan import pdf
    from summaries.models import Summary
    from summaries.renderers.pdf import render_summary_pdf
    from summaries.snapshot import build_snapshot

    province, period, _reports = province_largest_period()
    summary = Summary(
        unit=province,
        period=period,
        status=Summary.Status.DRAFT,
        snapshot=build_snapshot(province, period),
        general_situation="Tình hình tư tưởng trong Đảng bộ và Nhân dân cơ bản ổn định.",
    )
    runs = 1 if bench.smoke else 3

    def empty():
        pdf.render_html_to_pdf(
            render_to_string("pdf/base.html", {"doc": {"title": "BÁO CÁO"}}),
            url_fetcher=pdf.make_url_fetcher(),
        )

    floor = _median_ms(empty, runs)
    # A fetcher of its own makes each call render: the per-process render cache
    # would otherwise answer every call after the first.
    value = _median_ms(
        lambda: render_summary_pdf(summary, url_fetcher=pdf.make_url_fetcher()), runs
    )
    bench.record(
        "job · summary PDF brief, the province",
        value / 1000,
        "s",
        floor=floor / 1000,
        target=3,
    )


def _summary_workbook(bench) -> None:
    from bench.summary_benches import summary_workbook

    summary_workbook(bench)


_summary_workbook.__name__ = "summary_workbook"


def _survey_raking(bench) -> None:
    from bench.surveys import survey_raking

    survey_raking(bench)


def _survey_exports(bench) -> None:
    from bench.surveys import survey_exports

    survey_exports(bench)


def _survey_results_afresh(bench) -> None:
    from bench.surveys import survey_results_afresh

    survey_results_afresh(bench)


_survey_results_afresh.__name__ = "survey_results_afresh"
_survey_raking.__name__ = "survey_raking"
_survey_exports.__name__ = "survey_exports"

JOB_BENCHES = [
    daily_jobs,
    summary_compile,
    summary_pdf,
    _summary_workbook,
    _survey_results_afresh,
    _survey_raking,
    _survey_exports,
]
