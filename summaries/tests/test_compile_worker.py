"""A summary compiled by a real Celery worker on the real Redis broker, and the
job's guarantees: enqueued on commit, once per request, limits below the broker's
visibility timeout."""

import datetime

import pytest
from celery.signals import task_postrun
from django.conf import settings
from django.db import transaction

from dluan.tasks import send_notification_emails
from reports.models import OpinionReport, OpinionStream
from reports.tests.factories import (
    OpinionReportFactory,
    OpinionStreamFactory,
    ReportingPeriodFactory,
)
from summaries import services, tasks
from summaries.models import Summary
from tests.support.broker import wait_until


@pytest.fixture
def period(db):
    return ReportingPeriodFactory(
        start=datetime.date(2026, 9, 1),
        end=datetime.date(2026, 10, 31),
        deadline=datetime.date(2026, 10, 25),
    )


def _reports(period, author, count=3):
    for index in range(count):
        report = OpinionReportFactory(
            author=author,
            period=period,
            occurred_on=period.start,
            status=OpinionReport.Status.ACCEPTED,
            title=f"Dư luận về giá điện sinh hoạt tăng {index}",
        )
        OpinionStreamFactory(report=report, direction=OpinionStream.Direction.CONCERN)


@pytest.mark.broker
def test_worker_compiles_a_requested_summary_once(
    transactional_db,
    worker,
    town,
    staff,
    collaborator,
    period,
):
    _reports(period, collaborator.collaborator)
    finished = []

    def _count(**kwargs):
        if kwargs["task"].name == "summaries.tasks.summary_compile":
            finished.append(kwargs["args"])

    task_postrun.connect(_count, weak=False)
    try:
        summary = services.summary_request(unit=town, period=period, user=staff)
        # A second request while the first waits is the same request.
        again = services.summary_request(unit=town, period=period, user=staff)
        assert again.pk == summary.pk
        wait_until(lambda: len(finished) == 1, "the worker compiles the summary")
        summary.refresh_from_db()
        compiled_at = summary.compiled_at
        # The same job delivered twice (a redelivery after a lost ack): no change.
        tasks.summary_compile.delay(summary.pk)
        wait_until(lambda: len(finished) == 2, "the worker runs the job again")
    finally:
        task_postrun.disconnect(_count)
    summary.refresh_from_db()
    assert summary.status == Summary.Status.DRAFT
    assert summary.compiled_at == compiled_at
    assert summary.progress == 100
    assert summary.snapshot["reports"]["total"]["value"] == 3
    assert summary.snapshot["directions"]["concern"]["value"] == 3
    assert Summary.objects.filter(unit=town, period=period).count() == 1
    for field in (summary.pdf, summary.xlsx, summary.docx):
        with field.open("rb") as handle:
            assert len(handle.read()) > 1000


@pytest.mark.broker
def test_a_compile_requested_in_a_rolled_back_transaction_never_runs(
    transactional_db,
    worker,
    town,
    staff,
    period,
):
    started = []

    def _count(**kwargs):
        started.append(kwargs["task"].name)

    task_postrun.connect(_count, weak=False)
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.summary_request(unit=town, period=period, user=staff)
            raise RuntimeError("the request failed after queuing")
        # A later job proves the worker is running and has taken everything queued.
        send_notification_emails.delay([])
        wait_until(
            lambda: "dluan.tasks.send_notification_emails" in started,
            "the worker runs the later job",
        )
    finally:
        task_postrun.disconnect(_count)
    assert "summaries.tasks.summary_compile" not in started
    assert not Summary.objects.filter(unit=town, period=period).exists()


def test_compile_time_limits_stay_below_the_broker_visibility_timeout():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    task = tasks.summary_compile
    assert task.soft_time_limit < task.time_limit < visibility
    assert task.acks_late and task.reject_on_worker_lost
    assert visibility > settings.CELERY_TASK_TIME_LIMIT
