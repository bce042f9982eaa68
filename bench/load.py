"""The load run: collaborators filing reports through locust
(``bench/locustfile.py``) while the province's summary compiles beside them."""

import json
import os
import resource
import subprocess
import sys
import time
import uuid

from bench import pages as catalogue
from bench.core import BIN, ROOT, Bench, BenchError, log, p95

LOAD_P95_TARGET = 500  # ms


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
