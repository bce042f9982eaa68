"""A job queued inside a transaction that rolls back never reaches the broker.

The real Redis broker, no worker and no mocks: after the rollback the Celery
queue on the test's Redis database is empty, so no worker can ever run the job;
after a commit the same call leaves exactly its job there. Each service path that
queues a job is covered, and a rollback of an inner savepoint too (the outer
transaction commits, the job queued inside the savepoint must still go).
"""

import datetime

import pytest
from django.db import transaction

from dluan.models import Notification
from dluan.services import notification_send
from reports.tests.factories import ReportingPeriodFactory
from summaries import services
from summaries.models import Summary


@pytest.fixture
def queue(real_broker):
    """The broker's queue on an empty Redis database; a function listing its jobs."""
    return real_broker.jobs


@pytest.fixture
def period(db):
    return ReportingPeriodFactory(
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
