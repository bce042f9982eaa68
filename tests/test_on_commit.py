"""A job queued inside a transaction that rolls back never reaches the broker.

The real Redis broker, no worker and no mocks: after the rollback the Celery
queue on the test's Redis database is empty, so no worker can ever run the job;
after a commit the same call leaves exactly its job there. Each service path that
queues a job is covered, and a rollback of an inner savepoint too (the outer
transaction commits, the job queued inside the savepoint must still go).
"""

import datetime
import json
import os

import pytest
from django.db import transaction

from dluan.celery import app
from dluan.models import Notification
from dluan.services import notification_send
from dluan.tests.test_celery_worker import _reset_pools
from reports.models import ReportingPeriod
from summaries import services
from summaries.models import Summary

QUEUE = "celery"


@pytest.fixture
def queue():
    """The broker's queue on an empty Redis database; a function listing its jobs."""
    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must set REDIS_URL: the broker test cannot run without it.")
        pytest.skip("REDIS_URL is not set; .ci/run sets it")
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    _reset_pools()
    with app.connection_for_write() as conn:
        client = conn.default_channel.client
        client.flushdb()

        def jobs() -> list[str]:
            return [
                json.loads(message)["headers"]["task"]
                for message in client.lrange(QUEUE, 0, -1)
            ]

        yield jobs
    app.conf.broker_url, app.conf.task_always_eager = saved
    _reset_pools()


@pytest.fixture
def period(db):
    return ReportingPeriod.objects.create(
        start=datetime.date(2026, 9, 1),
        end=datetime.date(2026, 10, 31),
        deadline=datetime.date(2026, 10, 25),
    )


def _notify(staff, **kwargs):
    notification_send(recipients=[staff], title="Báo cáo đột xuất từ Tứ Hạ")


def _request(staff, town, period):
    services.summary_request(unit=town, period=period, user=staff)


def _retry(staff, town, period):
    summary = services.summary_request(
        unit=town, period=period, user=staff, enqueue=False
    )
    Summary.objects.filter(pk=summary.pk).update(status=Summary.Status.FAILED)
    services.summary_retry(summary=summary, user=staff)


PATHS = [
    pytest.param(_notify, "dluan.tasks.send_notification_emails", id="notification"),
    pytest.param(_request, "summaries.tasks.summary_compile", id="summary-request"),
    pytest.param(_retry, "summaries.tasks.summary_compile", id="summary-retry"),
]


class Undone(Exception):
    """Raised after queuing, to roll the transaction back."""


@pytest.mark.broker
@pytest.mark.parametrize(("queue_a_job", "task"), PATHS)
def test_a_job_queued_in_a_transaction_that_rolls_back_never_reaches_the_broker(
    transactional_db, queue, staff, town, period, queue_a_job, task
):
    with pytest.raises(Undone), transaction.atomic():
        queue_a_job(staff, town=town, period=period)
        raise Undone

    assert queue() == []
    assert not Notification.objects.exists()
    assert not Summary.objects.exists()

    # The same call, committed, queues its job once: the check above can see one.
    with transaction.atomic():
        queue_a_job(staff, town=town, period=period)
    assert queue() == [task]


@pytest.mark.broker
@pytest.mark.parametrize(("queue_a_job", "task"), PATHS)
def test_a_job_queued_in_a_savepoint_that_rolls_back_never_reaches_the_broker(
    transactional_db, queue, staff, town, period, queue_a_job, task
):
    with transaction.atomic():
        notification_send(recipients=[staff], title="Kept", email=False)
        with pytest.raises(Undone), transaction.atomic():
            queue_a_job(staff, town=town, period=period)
            raise Undone

    assert queue() == []
    assert list(Notification.objects.values_list("title", flat=True)) == ["Kept"]
