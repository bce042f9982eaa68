"""Two Celery queues: a long compile on ``heavy`` never holds up an e-mail.

Every task of our apps is routed by name (``CELERY_TASK_ROUTES``), the heavy ones
to ``heavy``; a job kept while the broker was down goes to its own queue when the
sweep sends it. Then two real worker processes on the real Redis broker and the
test's PostgreSQL database, one per queue as in production: the test holds the
report tables, so a summary's compile blocks in the middle of its work on the
heavy worker, and meanwhile a notification's e-mail goes out through the default
worker. Released, the compile finishes.
"""

import datetime
import os
import signal
import subprocess
import sys
import textwrap
from email import message_from_bytes
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from dluan.celery import app
from dluan.models import Notification, UnsentTask
from dluan.queue import unsent_tasks_send
from dluan.services import notification_send
from reports.models import OpinionReport
from reports.tests.factories import OpinionReportFactory, ReportingPeriodFactory
from summaries import services
from summaries.models import Summary
from tests.support.broker import TableLock, wait_until

ROOT = Path(__file__).resolve().parents[2]
OUR_APPS = (
    "dluan.",
    "collaborators.",
    "reports.",
    "meetings.",
    "surveys.",
    "summaries.",
)
HEAVY = {
    "summaries.tasks.summary_compile",
    "summaries.tasks.summary_render",
    "surveys.tasks.survey_weigh_task",
    "surveys.tasks.responses_review_bulk_task",
    "collaborators.tasks.scores_refresh",
    "reports.tasks.discipline_refresh",
    "reports.tasks.report_towns_sync",
}
LOCKED_TABLES = ("reports_opinionreport",)
WAIT = 20  # seconds; the whole worker test takes about 10


def _ours() -> set[str]:
    app.loader.import_default_modules()
    return {name for name in app.tasks if name.startswith(OUR_APPS)}


def _queue(name: str) -> str:
    return app.amqp.router.route({}, name)["queue"].name


def test_every_task_of_our_apps_is_routed_by_name():
    ours = _ours()
    routes = settings.CELERY_TASK_ROUTES
    assert sorted(ours - routes.keys()) == [], "decide a queue for the new task"
    assert sorted(routes.keys() - ours) == [], "a route names no task"
    assert {name for name in ours if _queue(name) == "heavy"} == HEAVY
    assert {name for name in ours if _queue(name) == "default"} == ours - HEAVY


def test_a_worker_without_queues_named_takes_both():
    # One small machine may run a single `celery worker`: it must not leave the
    # heavy queue unread.
    assert settings.CELERY_TASK_DEFAULT_QUEUE == "default"
    assert set(app.amqp.queues.consume_from) == {"default", "heavy"}


@pytest.mark.broker
def test_jobs_kept_while_the_broker_was_down_go_to_their_own_queue(
    transactional_db, real_broker
):
    UnsentTask.objects.create(task="summaries.tasks.summary_compile", args=[41])
    UnsentTask.objects.create(task="dluan.tasks.send_notification_emails", args=[[7]])

    assert unsent_tasks_send() == 2

    client = real_broker.client
    assert client.llen("heavy") == 1
    assert client.llen("default") == 1
    assert real_broker.jobs() == [
        "dluan.tasks.send_notification_emails",
        "summaries.tasks.summary_compile",
    ]


class Worker:
    """``celery worker -Q <queue>`` in its own process group, on the test database."""

    def __init__(self, directory: Path, queue: str):
        self.log = directory / f"{queue}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "queues_worker_settings",
            "PYTHONPATH": os.pathsep.join([str(directory), str(ROOT)]),
        }
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own worker)
                [
                    *(sys.executable, "-m", "celery", "-A", "dluan", "worker"),
                    *("-Q", queue, "-n", f"{queue}@%h"),
                    *("--pool", "prefork", "--concurrency", "1"),
                    *("--without-gossip", "--without-mingle", "--without-heartbeat"),
                    *("--loglevel", "INFO"),
                ],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def workers(tmp_path, real_broker, settings):
    """One worker on ``heavy`` and one on ``default``, started together; the
    e-mail they send is written to files under ``tmp_path / "mail"``."""
    if connection.vendor != "postgresql":
        pytest.skip("a worker process shares the test database: PostgreSQL only")
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "queues_worker_settings.py").write_text(
        textwrap.dedent(f"""\
            from dluan.settings_test import *  # noqa: F403

            DATABASES["default"]["NAME"] = {connection.settings_dict["NAME"]!r}  # noqa: F405
            MEDIA_ROOT = Path({str(settings.MEDIA_ROOT)!r})  # noqa: F405
            CELERY_TASK_ALWAYS_EAGER = False
            CELERY_BROKER_URL = {real_broker.url!r}
            EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
            EMAIL_FILE_PATH = {str(tmp_path / "mail")!r}
            """)
    )
    started = {queue: Worker(tmp_path, queue) for queue in ("heavy", "default")}
    try:
        for queue, worker in started.items():
            wait_until(
                lambda worker=worker: "ready." in worker.text(),
                f"the {queue} worker is ready",
                WAIT,
            )
        yield started
    finally:
        for worker in started.values():
            worker.stop()


@pytest.fixture
def report_lock(transactional_db):
    lock = TableLock(LOCKED_TABLES)
    yield lock
    lock.close()


def _mails(directory: Path) -> list:
    if not directory.exists():
        return []
    return [message_from_bytes(path.read_bytes()) for path in directory.iterdir()]


def _received(worker: Worker, task: str) -> bool:
    return f"Task {task}[" in worker.text()


@pytest.mark.broker
def test_an_email_goes_out_while_a_summary_compiles_on_the_heavy_queue(
    transactional_db, workers, report_lock, tmp_path, town, staff, collaborator
):
    period = ReportingPeriodFactory(
        start=datetime.date(2026, 9, 1),
        end=datetime.date(2026, 10, 31),
        deadline=datetime.date(2026, 10, 25),
    )
    OpinionReportFactory(
        author=collaborator.collaborator,
        period=period,
        occurred_on=period.start,
        status=OpinionReport.Status.ACCEPTED,
    )
    report_lock.hold()
    summary = services.summary_request(unit=town, period=period, user=staff)

    def compiling() -> bool:
        summary.refresh_from_db()
        return summary.status == Summary.Status.COMPILING and report_lock.waiting()

    wait_until(compiling, "the compile blocks on the heavy worker", WAIT)

    notification_send(recipients=[staff], title="Báo cáo đột xuất từ Tứ Hạ")
    notification = Notification.objects.get(recipient=staff)
    wait_until(lambda: _mails(tmp_path / "mail"), "the e-mail is sent", WAIT)

    [mail] = _mails(tmp_path / "mail")
    assert mail["To"] == staff.email
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    summary.refresh_from_db()
    assert summary.status == Summary.Status.COMPILING, "the compile was not held"
    assert _received(workers["default"], "dluan.tasks.send_notification_emails")
    assert not _received(workers["heavy"], "dluan.tasks.send_notification_emails")

    report_lock.release()

    def compiled() -> bool:
        summary.refresh_from_db()
        return summary.status == Summary.Status.DRAFT

    wait_until(compiled, "the compile finishes", WAIT)
    assert summary.snapshot["reports"]["total"]["value"] == 1
    assert _received(workers["heavy"], "summaries.tasks.summary_compile")
    assert not _received(workers["default"], "summaries.tasks.summary_compile")
