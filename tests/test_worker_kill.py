"""A Celery worker killed in the middle of compiling a summary.

Real worker processes (prefork, as in production) on the real Redis broker and
the test's PostgreSQL database. The test holds an exclusive lock on the report
tables, so the compile blocks inside its work after claiming its version, as a
compile does that waits on a busy database; then it kills the worker with
SIGKILL, the way the kernel's out-of-memory killer would.

- The whole worker (its process group) dies: the message stays unacknowledged
  in Redis and a new worker gets it back after the visibility timeout (shortened
  here for the test worker, with limits below it as in production).
- Only the pool process dies: the worker gives the job back at once
  (``reject_on_worker_lost``) and its next pool process compiles it.

Either way the summary ends compiled exactly once: one version, a draft, one
set of files. The limits themselves are checked for every task of our apps.
"""

import datetime
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from dluan.celery import app
from reports.models import OpinionReport, OpinionStream
from reports.tests.factories import (
    OpinionReportFactory,
    OpinionStreamFactory,
    ReportingPeriodFactory,
)
from summaries import services
from summaries.models import Summary
from tests.support.broker import TableLock, wait_until

ROOT = Path(__file__).resolve().parent.parent
# The test worker's broker and limits: Redis gives an unacknowledged message back
# after VISIBILITY seconds; the hard limits stay below it, as in production.
VISIBILITY = 12
TASK_LIMIT = 10
OUR_APPS = ("dluan.", "collaborators.", "reports.", "meetings.", "summaries.")
LOCKED_TABLES = ("reports_opinionreport", "reports_opinionstream")


WAIT = 60  # seconds: a prefork worker starts, and gives a job back, slowly


@pytest.fixture
def broker(real_broker):
    """The Redis test database, empty; the test process enqueues there."""
    if connection.vendor != "postgresql":
        pytest.skip("a worker process shares the test database: PostgreSQL only")
    return real_broker.client


class Worker:
    """``celery worker`` in its own process group, on the test database."""

    def __init__(self, directory: Path, name: str, short: bool):
        self.log = directory / f"{name}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "short_worker_settings"
            if short
            else "worker_settings",
            "PYTHONPATH": os.pathsep.join([str(directory), str(ROOT)]),
        }
        if short:
            env["SUMMARY_COMPILE_TIME_LIMIT"] = str(TASK_LIMIT)
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own worker)
                [
                    *(sys.executable, "-m", "celery", "-A", "dluan", "worker"),
                    *("--pool", "prefork", "--concurrency", "1", "-n", f"{name}@%h"),
                    *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                    *("--loglevel", "INFO"),
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until(lambda: "ready." in self.text(), f"worker {name} is ready", WAIT)

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def pool_processes(self) -> list[int]:
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return children

    def kill(self) -> None:
        """SIGKILL to the whole worker: no warm shutdown, nothing given back."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def start_worker(tmp_path, broker, real_broker, settings):
    """Start a worker; ``short`` gives it the short visibility timeout and limits."""
    database = connection.settings_dict
    broker_url = real_broker.url
    settings.MEDIA_ROOT = tmp_path / "media"
    common = f"""\
        from dluan.settings_test import *  # noqa: F403

        DATABASES["default"]["NAME"] = {database["NAME"]!r}  # noqa: F405
        MEDIA_ROOT = Path({str(settings.MEDIA_ROOT)!r})  # noqa: F405
        CELERY_TASK_ALWAYS_EAGER = False
        CELERY_BROKER_URL = {broker_url!r}
        """
    short_limits = f"""\
        CELERY_BROKER_TRANSPORT_OPTIONS = {{
            "visibility_timeout": {VISIBILITY},
            "unacked_restore_interval": 1,
            "unacked_restore_throttle": 1,
        }}
        CELERY_TASK_TIME_LIMIT = {TASK_LIMIT}
        CELERY_TASK_SOFT_TIME_LIMIT = {TASK_LIMIT - 1}
        """
    (tmp_path / "worker_settings.py").write_text(textwrap.dedent(common))
    (tmp_path / "short_worker_settings.py").write_text(
        textwrap.dedent(common) + textwrap.dedent(short_limits)
    )
    workers = []

    def _start(name: str, short: bool = True) -> Worker:
        workers.append(Worker(tmp_path, name, short))
        return workers[-1]

    yield _start
    for worker in workers:
        worker.stop()


@pytest.fixture
def report_lock(broker):
    lock = TableLock(LOCKED_TABLES)
    yield lock
    lock.close()


def _filed(period, collaborator):
    for index in range(3):
        report = OpinionReportFactory(
            author=collaborator.collaborator,
            period=period,
            occurred_on=period.start,
            status=OpinionReport.Status.ACCEPTED,
            title=f"Dư luận về giá điện sinh hoạt tăng {index}",
        )
        OpinionStreamFactory(report=report, direction=OpinionStream.Direction.CONCERN)


def _compiling(summary) -> bool:
    summary.refresh_from_db()
    return summary.status == Summary.Status.COMPILING


def _compiled(summary) -> bool:
    summary.refresh_from_db()
    return summary.status == Summary.Status.DRAFT


def _assert_compiled_once(summary, town, period):
    summary.refresh_from_db()
    assert Summary.objects.filter(unit=town, period=period).count() == 1
    assert summary.version == 1
    assert summary.status == Summary.Status.DRAFT
    assert summary.progress == 100
    assert summary.snapshot["reports"]["total"]["value"] == 3
    # One compile wrote the files: a second one would have added a second set.
    media = Path(settings.MEDIA_ROOT, "summaries")
    files = sorted(path.suffix for path in media.rglob("*") if path.is_file())
    assert files == [".docx", ".pdf", ".xlsx"]
    for field in (summary.pdf, summary.xlsx, summary.docx):
        assert field.storage.exists(field.name)


@pytest.fixture
def period(db):
    return ReportingPeriodFactory(
        start=datetime.date(2026, 9, 1),
        end=datetime.date(2026, 10, 31),
        deadline=datetime.date(2026, 10, 25),
    )


@pytest.mark.broker
def test_a_worker_killed_mid_compile_leaves_the_summary_compiled_once(
    transactional_db,
    broker,
    start_worker,
    report_lock,
    town,
    staff,
    collaborator,
    period,
):
    _filed(period, collaborator)
    first = start_worker("first")
    report_lock.hold()
    summary = services.summary_request(unit=town, period=period, user=staff)
    wait_until(
        lambda: _compiling(summary) and report_lock.waiting(),
        "the compile blocks",
        WAIT,
    )

    first.kill()
    # The job is neither lost nor done: Redis holds it, unacknowledged.
    assert broker.hlen("unacked") == 1
    assert broker.llen("heavy") == 0
    report_lock.release()
    assert _compiling(summary)

    second = start_worker("second")
    wait_until(lambda: _compiled(summary), "the new worker compiles the summary", WAIT)
    second.stop()

    _assert_compiled_once(summary, town, period)
    assert second.text().count("summary_compile[") == 2  # received, succeeded
    assert "succeeded" in second.text()
    assert broker.hlen("unacked") == 0
    assert broker.llen("heavy") == 0


@pytest.mark.broker
def test_a_pool_process_killed_mid_compile_gives_the_job_back_at_once(
    transactional_db,
    broker,
    start_worker,
    report_lock,
    town,
    staff,
    collaborator,
    period,
):
    _filed(period, collaborator)
    # Production's visibility timeout (an hour): only the worker itself can give
    # the job back within the test.
    worker = start_worker("pool", short=False)
    report_lock.hold()
    summary = services.summary_request(unit=town, period=period, user=staff)
    wait_until(
        lambda: _compiling(summary) and report_lock.waiting(),
        "the compile blocks",
        WAIT,
    )
    (child,) = worker.pool_processes()

    os.kill(child, signal.SIGKILL)
    wait_until(lambda: "WorkerLostError" in worker.text(), "the worker notices", WAIT)
    report_lock.release()
    wait_until(lambda: _compiled(summary), "the job is compiled again", WAIT)
    worker.stop()

    _assert_compiled_once(summary, town, period)
    assert broker.hlen("unacked") == 0


def test_every_task_time_limit_stays_below_the_broker_visibility_timeout():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    hard = settings.CELERY_TASK_TIME_LIMIT
    soft = settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert soft < hard < visibility
    app.loader.import_default_modules()
    ours = {name: task for name, task in app.tasks.items() if name.startswith(OUR_APPS)}
    assert "summaries.tasks.summary_compile" in ours
    for name, task in ours.items():
        task_hard = task.time_limit or hard
        task_soft = task.soft_time_limit or soft
        assert task_soft < task_hard < visibility, name


def test_the_compile_job_acknowledges_late_and_is_given_back_if_its_worker_dies():
    task = app.tasks["summaries.tasks.summary_compile"]
    assert task.acks_late
    assert task.reject_on_worker_lost
    # And a worker takes one job at a time, so a killed worker held only that one.
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
