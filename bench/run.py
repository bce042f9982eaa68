"""`make bench`: page times against their floor, then collaborators filing under load.

Seeds a PostgreSQL database if needed, serves it through gunicorn on 127.0.0.1 with
DEBUG off, measures every page of ``bench/pages.py`` for each persona, interleaved
with the floor (the smallest logged-in page) so both see the same machine, runs the
job benches, then the locust load run (``bench/locustfile.py``). Writes
``results.json`` and a table (``results.md`` next to it, and on stdout).

    python bench/run.py [--smoke] [--requests N] [--skip-load] [--only PATTERN]
                        [--output PATH] [--database-url URL]

Smoke (`--smoke`, part of `make test`): a small database dropped and seeded again,
3 timed requests a page, 5 collaborators for 10 s, no targets. The load run's think
time between two reports is ``BENCH_THINK`` ("5,15" seconds by default, "1,3" in
the smoke run).

Exit code 0 when everything was measured, even if targets are missed (the table
shows it); 1 when something failed (a page not answering 200, which is then left
out while the rest is measured; the server not starting; errors or lost reports in
a smoke load run).
"""

import argparse
import json
import os
import platform
import re
import resource
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the project and `bench` import

from bench import pages as catalogue  # noqa: E402

BIN = Path(sys.executable).parent
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/dluan_bench"
SMOKE_DATABASE = "postgres://postgres@127.0.0.1:5432/dluan_bench_smoke"
PAGE_MEDIAN_TARGET = 100  # ms
PAGE_P95_TARGET = 250  # ms
LOAD_P95_TARGET = 500  # ms


class BenchError(Exception):
    """Something the bench cannot measure around: it stops and says what."""


class PageError(BenchError):
    """A page did not answer 200: that page is left out, the run goes on and fails."""


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    floor: float | None
    ratio: float | None
    target: float | None
    ok: bool | None


@dataclass
class Bench:
    """What a page or job bench needs: the options, the server, and ``record``."""

    smoke: bool
    requests: int
    warmup: int
    only: re.Pattern | None
    base_url: str = ""
    env: dict = field(default_factory=dict)
    workdir: Path = Path()
    sessions: dict = field(default_factory=dict)  # persona key -> requests.Session
    objects: dict = field(default_factory=dict)  # persona key -> {name: id}
    figures: list[Figure] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # make the run exit 1

    def wants(self, name: str) -> bool:
        return self.only is None or bool(self.only.search(name))

    def record(
        self,
        name: str,
        value: float,
        unit: str,
        floor: float | None = None,
        target: float | None = None,
    ) -> Figure:
        """Add a figure; ``ok`` is ``value <= target`` (no target in smoke runs)."""
        if self.smoke:
            target = None
        ratio = value / floor if floor else None
        figure = Figure(
            name=name,
            value=round(value, 3),
            unit=unit,
            floor=None if floor is None else round(floor, 3),
            ratio=None if ratio is None else round(ratio, 3),
            target=target,
            ok=None if target is None else value <= target,
        )
        self.figures.append(figure)
        return figure

    def sample(self, run, count: int | None = None) -> list[float]:
        """Milliseconds of ``count`` calls of ``run()`` (``requests`` by default),
        after the warm-up calls; for job benches timing work and its floor."""
        for _ in range(self.warmup):
            run()
        times = []
        for _ in range(count or self.requests):
            started = time.perf_counter()
            run()
            times.append((time.perf_counter() - started) * 1000)
        return times

    def manage(self, *args: str, echo: str = "") -> None:
        """Run ``manage.py`` with the bench environment; lines echoed with a prefix."""
        command = [sys.executable, str(ROOT / "manage.py"), *args]
        with subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        ) as process:
            output = []
            for line in process.stdout:
                output.append(line)
                if echo:
                    print(f"  {echo}: {line.rstrip()}", flush=True)
        if process.returncode:
            tail = "".join(output[-30:])
            raise BenchError(f"manage.py {' '.join(args)} failed:\n{tail}")


def log(message: str) -> None:
    print(message, flush=True)


# --- Database and server -------------------------------------------------------------


def prepare_database(url: str, *, recreate: bool) -> None:
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in {"postgres", "postgresql"} or not name:
        raise BenchError(f"--database-url must be a PostgreSQL URL, not {url!r}")
    try:
        connection = psycopg2.connect(
            dbname="postgres",
            user=parts.username or "postgres",
            password=parts.password,
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
        )
    except psycopg2.OperationalError as exc:
        raise BenchError(
            f"PostgreSQL does not answer at {parts.hostname}: {exc}"
        ) from None
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            if recreate:
                cursor.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                        sql.Identifier(name)
                    )
                )
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                log(f"creating database {name}")
                cursor.execute(
                    sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
                )
    finally:
        connection.close()


def bench_env(database_url: str, workdir: Path) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="dluan.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50)[:50],
        ALLOWED_HOSTS="127.0.0.1,localhost",
        STATIC_ROOT=str(workdir / "static"),
        MEDIA_ROOT=str(workdir / "media"),
        # Empty rather than unset, so a local .env cannot fill them in: tasks
        # run inline and notifications are not mailed.
        REDIS_URL="",
        CELERY_BROKER_URL="",
        EMAIL_URL="dummy://",
        SECURE_SSL_REDIRECT="0",
        # Served over plain HTTP on 127.0.0.1: cookies without the Secure flag.
        SECURE_COOKIES="0",
        # The personas sign in with a password alone: the bench measures pages,
        # and two-factor sign-in, on by default without DEBUG, has its own tests.
        OTP_REQUIRED="0",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(bench: Bench) -> subprocess.Popen:
    port = free_port()
    bench.base_url = f"http://127.0.0.1:{port}"
    server_log = bench.workdir / "gunicorn.log"
    with server_log.open("w") as output:
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "dluan.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{port}",
                # Another gunicorn on the machine may hold the default socket.
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=bench.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches the runner, which stops it
        )
    import requests

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            if requests.get(f"{bench.base_url}/healthz", timeout=2).status_code == 200:
                log(f"gunicorn (2 workers) answers at {bench.base_url}")
                return server
        # A worker still starting on a busy machine may take longer than that.
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.25)
    stop_server(server)
    tail = server_log.read_text(errors="replace")[-3000:]
    raise BenchError(f"gunicorn did not answer /healthz:\n{tail}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


# --- Objects and sessions -------------------------------------------------------------


def setup_django(bench: Bench) -> None:
    os.environ.update(bench.env)
    import django

    django.setup()


def persona_user(key: str):
    from dluan.models import User

    username = catalogue.PERSONAS[key][1]
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise BenchError(f"no active account {username!r} ({key}): was it seeded?")
    return user


def pick_objects(user) -> dict:
    """The ids the pages visit, each chosen among what the user may see."""
    from django.db.models import Count, Q

    from collaborators.models import Collaborator
    from meetings.models import Meeting
    from reports.models import Issue, OpinionReport, ReportingPeriod

    reports = OpinionReport.objects.visible_to(user).exclude(
        status=OpinionReport.Status.DRAFT
    )
    report = (
        reports.filter(status=OpinionReport.Status.ACCEPTED)
        .order_by("-accepted_at", "-pk")
        .first()
    )
    issue = (
        Issue.objects.visible_to(user)
        .annotate(n=Count("reports"))
        .order_by("-n", "-pk")
        .first()
    )
    collaborator = (
        Collaborator.objects.visible_to(user)
        .annotate(n=Count("reports"))
        .order_by("-n", "pk")
        .first()
    )
    meeting = (
        Meeting.objects.visible_to(user)
        .filter(status=Meeting.Status.HELD)
        .annotate(n=Count("attendances", filter=Q(attendances__status="present")))
        .order_by("-n", "-starts_at")
        .first()
    )
    topic = (
        reports.filter(topics__is_active=True)
        .values("topics")
        .annotate(n=Count("pk"))
        .order_by("-n", "topics")
        .first()
    )
    from summaries.selectors import summaries_for

    # The newest summary of the user's own unit: what a leader opens from home.
    summary = (
        summaries_for(user)
        .filter(unit_id=user.org_unit_id)
        .order_by("-period__start", "-version")
        .first()
    )
    period = ReportingPeriod.objects.current()
    if period is None or not reports.filter(period=period).exists():
        period = (
            ReportingPeriod.objects.filter(
                pk__in=reports.exclude(period=None).values("period")
            )
            .order_by("-start")
            .first()
        )
    picked = {
        "report": report,
        "issue": issue,
        "collaborator": collaborator,
        "meeting": meeting,
        "topic": topic and topic["topics"],
        "period": period,
        "summary": summary,
    }
    missing = [name for name, value in picked.items() if value is None]
    if missing:
        raise BenchError(
            f"{user.username} sees no {', '.join(missing)} to visit: "
            "is the database seeded?"
        )
    return {
        name: value if isinstance(value, int) else value.pk
        for name, value in picked.items()
    }


def login(base_url: str, username: str):
    import requests

    session = requests.Session()
    form = session.get(f"{base_url}/login/", timeout=30)
    token = session.cookies.get("csrftoken")
    if form.status_code != 200 or not token:
        raise BenchError(f"GET /login/ answered {form.status_code} without a token")
    answer = session.post(
        f"{base_url}/login/",
        data={
            "csrfmiddlewaretoken": token,
            "username": username,
            "password": catalogue.PASSWORD,
        },
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise BenchError(f"logging in as {username} answered {answer.status_code}")
    return session


# --- Pages ----------------------------------------------------------------------------


def timed_get(session, url: str, who: str) -> float:
    started = time.perf_counter()
    response = session.get(url, allow_redirects=False, timeout=60)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        where = response.headers.get("Location", "")
        raise PageError(
            f"GET {url} as {who} answered {response.status_code}"
            + (f" (to {where})" if where else "")
        )
    return elapsed


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    rank = 0.95 * (len(ordered) - 1)
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def measure_pages(bench: Bench) -> None:
    for page in catalogue.PAGES:
        for key in page.personas:
            label, username = catalogue.PERSONAS[key]
            name = f"{label} · {page.label}"
            if not bench.wants(name):
                continue
            session = bench.sessions.get(key)
            if session is None:
                session = bench.sessions[key] = login(bench.base_url, username)
            if key in catalogue.BOARD_PERSONAS and key not in bench.objects:
                bench.objects[key] = pick_objects(persona_user(key))
            url = bench.base_url + page.path.format(**bench.objects.get(key, {}))
            try:
                measure_page(bench, session, name, url, username)
            except PageError as error:
                bench.failures.append(str(error))
                log(f"  {name:<62} FAILED: {error}")


def measure_page(bench: Bench, session, name: str, url: str, username: str) -> None:
    floor_url = bench.base_url + catalogue.FLOOR_PATH
    for _ in range(bench.warmup):
        timed_get(session, url, username)
        timed_get(session, floor_url, username)
    times, floors = [], []
    for i in range(bench.requests):
        # Alternate which goes first, so neither always follows the other.
        pair = (url, floor_url) if i % 2 == 0 else (floor_url, url)
        first, second = (timed_get(session, u, username) for u in pair)
        times.append(first if i % 2 == 0 else second)
        floors.append(second if i % 2 == 0 else first)
    median = bench.record(
        f"{name} · median",
        statistics.median(times),
        "ms",
        floor=statistics.median(floors),
        target=PAGE_MEDIAN_TARGET,
    )
    high = bench.record(
        f"{name} · p95",
        p95(times),
        "ms",
        floor=p95(floors),
        target=PAGE_P95_TARGET,
    )
    log(
        f"  {name:<62} median {median.value:7.1f} ms "
        f"(floor {median.floor:5.1f})  p95 {high.value:7.1f} ms"
    )


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


# --- Load -----------------------------------------------------------------------------


def load_accounts(count: int) -> list[str]:
    from collaborators.models import Collaborator

    usernames = list(
        Collaborator.objects.active()
        .filter(
            user__is_active=True,
            user__username__startswith=catalogue.LOAD_USERNAME_PREFIX,
            coverage_areas__isnull=False,
        )
        .order_by("user__username")
        .values_list("user__username", flat=True)
        .distinct()[:count]
    )
    if not usernames:
        raise BenchError("no active collaborator with a coverage area to file reports")
    if len(usernames) < count:
        log(f"  only {len(usernames)} collaborators: some accounts log in twice")
    return usernames


def start_summary_compile(bench: Bench) -> tuple[subprocess.Popen, float]:
    """The province's summary compiled in the foreground (figures, the period's
    whole workbook, the brief), started beside the load run."""
    province, period, _reports = catalogue.province_largest_period()
    log(f"  compiling the province's summary for {period} alongside")
    output = (bench.workdir / "compile-during-load.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "compile_summary",
            "--unit",
            str(province.pk),
            "--period",
            period.start.isoformat(),
        ],
        cwd=ROOT,
        env=bench.env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    return process, time.monotonic()


def finish_summary_compile(bench: Bench, process, started: float) -> None:
    try:
        code = process.wait(timeout=1800)
    except subprocess.TimeoutExpired:
        process.kill()
        raise BenchError(
            "the summary compiled during the load run never ended"
        ) from None
    elapsed = time.monotonic() - started
    if code != 0:
        tail = (bench.workdir / "compile-during-load.log").read_text()[-2000:]
        raise BenchError(f"the summary compiled during the load run failed:\n{tail}")
    bench.record(
        "job · summary compiled and exported during the load run (figures, "
        "workbook, PDF, Word)",
        elapsed,
        "s",
    )


def run_load(bench: Bench, *, users: int, rate: int, duration: int) -> None:
    from django.utils import timezone

    from reports.models import OpinionReport

    name = (
        f"load · {users} collaborators filing for {duration} s "
        "while a summary compiles and exports"
    )
    prefix = f"bench-load {uuid.uuid4().hex[:8]} "
    outcome_path = bench.workdir / "load-outcome.json"
    env = dict(bench.env)
    env.update(
        BENCH_USERS=",".join(load_accounts(users)),
        BENCH_PASSWORD=catalogue.PASSWORD,
        BENCH_USER_COUNT=str(users),
        BENCH_DURATION=str(duration),
        # A collaborator writes a report for minutes; 5–15 s between two reports
        # from each of 50 is some 18,000 reports an hour, far past a province's
        # busiest deadline day. The smoke run, ten seconds long, files faster.
        BENCH_THINK=os.environ.get("BENCH_THINK", "1,3" if bench.smoke else "5,15"),
        BENCH_TITLE_PREFIX=prefix,
        BENCH_OUTCOME=str(outcome_path),
        BENCH_TODAY=timezone.localdate().strftime("%d/%m/%Y"),
    )
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "-u",
        str(users),
        "-r",
        str(rate),
        # A cap only: the locustfile closes the window `duration` after every
        # user has logged in.
        "-t",
        f"{duration + 120}s",
        "--host",
        bench.base_url,
        "--csv",
        str(bench.workdir / "load"),
        "--only-summary",
    ]
    log(f"{name}: logging in, then filing")
    locust_log = bench.workdir / "locust.log"
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    compiling, compile_started = start_summary_compile(bench)
    with locust_log.open("w") as output:
        try:
            subprocess.run(
                command,
                cwd=ROOT,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
                timeout=duration + 240,
                check=False,
            )
        except subprocess.TimeoutExpired:
            compiling.kill()
            raise BenchError(f"locust did not finish; see {locust_log}") from None
    finish_summary_compile(bench, compiling, compile_started)
    if not outcome_path.exists():
        tail = locust_log.read_text(errors="replace")[-3000:]
        raise BenchError(f"locust wrote no outcome:\n{tail}")
    outcome = json.loads(outcome_path.read_text())
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    locust_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (
        cpu_after.ru_stime - cpu_before.ru_stime
    )

    successes = set(outcome["successes"])
    filed = OpinionReport.objects.filter(title__startswith=prefix)
    submitted = set(
        filed.exclude(status=OpinionReport.Status.DRAFT).values_list("title", flat=True)
    )
    rows = filed.count()
    lost = len(successes - submitted)
    post_times = [ms for ms, _ in outcome["posts"]]
    failed_posts = sum(1 for _, ok in outcome["posts"] if not ok)
    errors = failed_posts + outcome["get_failures"] + outcome["login_failures"]
    window = outcome["window_seconds"] or 1
    answered = len(outcome["posts"]) + outcome["gets"]
    bench.record(f"{name} · throughput", answered / window, "req/s")
    bench.record(
        f"{name} · report submission p95",
        p95(post_times) if post_times else 0.0,
        "ms",
        target=LOAD_P95_TARGET,
    )
    bench.record(f"{name} · errors", errors, "count", target=0)
    bench.record(f"{name} · reports lost", lost, "count", target=0)
    log(
        f"  {len(successes)} reports submitted in {window:.1f} s "
        f"({len(successes) / window:.1f}/s), {rows} rows saved, "
        f"{errors} errors, {lost} lost, "
        f"{outcome['in_flight_at_end']} still in flight at the end; "
        f"locust itself used {locust_cpu:.0f} s of CPU"
    )
    for sample in outcome["failure_samples"]:
        log(f"  failure: {sample}")
    if bench.smoke and (errors or lost):
        bench.failures.append(f"the smoke load run had {errors} errors, {lost} lost")


# --- Results --------------------------------------------------------------------------


def postgres_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return cursor.fetchone()[0]


def table(figures: list[Figure]) -> str:
    def number(value):
        if value is None:
            return "—"
        return f"{value:.1f}" if isinstance(value, float) else str(value)

    rows = [("figure", "value", "unit", "floor", "ratio", "target", "ok")]
    for f in figures:
        ok = "—" if f.ok is None else ("ok" if f.ok else "MISS")
        ratio = "—" if f.ratio is None else f"{f.ratio:.2f}"
        rows.append(
            (
                f.name,
                number(f.value),
                f.unit,
                number(f.floor),
                ratio,
                number(f.target),
                ok,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        cells = [
            row[0].ljust(widths[0]),
            *(
                cell.rjust(width)
                for cell, width in zip(row[1:], widths[1:], strict=True)
            ),
        ]
        lines.append("| " + " | ".join(cells) + " |")
        if index == 0:
            lines.append(
                "|"
                + "|".join(
                    "-" * (w + 1) + (":" if i else "-") for i, w in enumerate(widths)
                )
                + "|"
            )
    return "\n".join(lines)


def write_results(bench: Bench, output: Path, *, scale: str, database: str) -> None:
    parts = urlsplit(database)
    # The password, if any, stays out of the results.
    netloc = f"{parts.username or ''}@{parts.hostname}:{parts.port or 5432}"
    safe_database = parts._replace(netloc=netloc.lstrip("@"))
    results = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "scale": scale,
        "database": safe_database.geturl(),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "postgres": postgres_version(),
        },
        "figures": [vars(f) for f in bench.figures],
        "failures": bench.failures,
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    text = table(bench.figures)
    missed = sum(1 for f in bench.figures if f.ok is False)
    summary = (
        f"{len(bench.figures)} figures, scale {scale}, "
        f"{results['machine']['cores']} cores, PostgreSQL "
        f"{results['machine']['postgres']}, {results['generated_at']}"
        + (f"; {missed} targets missed" if missed else "")
    )
    markdown = output.with_suffix(".md")
    markdown.write_text(f"# Benchmark results\n\n{summary}\n\n{text}\n")
    log("")
    log(text)
    log("")
    log(summary)
    log(f"written: {output} and {markdown}")


# --- Main -----------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a small database rebuilt each time, 3 requests a page, a 10 s load "
        "run, no targets: checks the bench itself",
    )
    parser.add_argument(
        "--requests", type=int, help="timed requests per page (30; smoke: 3)"
    )
    parser.add_argument("--skip-load", action="store_true", help="no load run")
    parser.add_argument(
        "--only",
        metavar="PATTERN",
        help="measure only the figures whose name matches (regular expression, "
        "case-insensitive; 'load' for the load run)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "bench" / "results.json",
        help="where results.json goes; the table goes next to it (.md)",
    )
    parser.add_argument(
        "--database-url",
        help="the bench's own PostgreSQL database (env BENCH_DATABASE_URL, or "
        f"{DEFAULT_DATABASE}; smoke: {SMOKE_DATABASE}, dropped first)",
    )
    args = parser.parse_args(argv)
    if args.requests is not None and args.requests < 1:
        parser.error("--requests must be at least 1")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    database = args.database_url or (
        SMOKE_DATABASE
        if args.smoke
        else os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    )
    scale = "small" if args.smoke else "large"
    bench = Bench(
        smoke=args.smoke,
        requests=args.requests or (3 if args.smoke else 30),
        warmup=3,
        only=re.compile(args.only, re.IGNORECASE) if args.only else None,
    )
    # SIGTERM stops the run like Ctrl-C does, and the server with it; Ctrl-C
    # works even when started from a shell that ignores it in background jobs.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    server = None
    with tempfile.TemporaryDirectory(prefix="dluan-bench-") as workdir:
        bench.workdir = Path(workdir)
        bench.env = bench_env(database, bench.workdir)
        try:
            prepare_database(database, recreate=args.smoke)
            log(f"migrating {urlsplit(database).path.lstrip('/')}")
            bench.manage("migrate", "--noinput", "-v", "0")
            log(f"seeding ({scale}; nothing happens if the data is there)")
            bench.manage("seed_demo", "--scale", scale, echo="seed")
            log("collecting static files")
            static = ["--settings", "bench.static_settings"] if args.smoke else []
            bench.manage("collectstatic", "--noinput", "-v", "0", *static)
            setup_django(bench)
            server = start_server(bench)
            log(f"pages: {bench.warmup} warm-up + {bench.requests} timed requests each")
            measure_pages(bench)
            run_jobs(bench)
            if not args.skip_load and bench.wants("load"):
                if args.smoke:
                    run_load(bench, users=5, rate=5, duration=10)
                else:
                    run_load(bench, users=50, rate=10, duration=60)
        except BenchError as error:
            log(f"bench failed: {error}")
            server_log_tail(bench, server)
            return 1
        except KeyboardInterrupt:
            log("interrupted")
            return 130
        finally:
            if server is not None:
                stop_server(server)
        write_results(bench, args.output, scale=scale, database=database)
        log(f"bench finished in {time.monotonic() - started:.0f} s")
        if bench.failures:
            log(f"{len(bench.failures)} failures:")
            for failure in bench.failures:
                log(f"  {failure}")
            server_log_tail(bench, server)
            return 1
    return 0


def server_log_tail(bench: Bench, server, lines: int = 60) -> None:
    path = bench.workdir / "gunicorn.log"
    if server is None or not path.exists():
        return
    tail = path.read_text(errors="replace").splitlines()[-lines:]
    if tail:
        log("the server's log ends with:")
        log("\n".join(tail))


if __name__ == "__main__":
    sys.exit(main())
