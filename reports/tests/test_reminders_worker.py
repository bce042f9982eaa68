"""Reminder e-mails go through the real Redis broker to a real Celery worker, once."""

import datetime
import time

import pytest
from celery.signals import task_postrun
from django.utils import timezone

from dluan.models import Notification
from dluan.tasks import send_notification_emails
from dluan.tests.test_celery_worker import real_broker  # noqa: F401 - a fixture
from reports.services import period_for
from reports.services.reminders import reminders_send


def _wait(condition, what):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"the worker did not {what}")


@pytest.mark.broker
def test_reminder_emails_go_out_through_the_worker_once(
    transactional_db,
    real_broker,  # noqa: F811
    collaborator,
    other_collaborator,
    mailoutbox,
):
    done = []

    def _count(**kwargs):
        done.append(kwargs["task_id"])

    task_postrun.connect(_count, weak=False)
    try:
        period = period_for(day=timezone.localdate())
        today = period.deadline - datetime.timedelta(days=3)
        assert reminders_send(today=today) == 2
        notifications = Notification.objects.filter(key=f"reminder:before:{period.pk}")
        _wait(
            lambda: not notifications.filter(emailed_at__isnull=True).exists(),
            "send the e-mails",
        )
        # Beat fires again: everyone is reminded already, nothing is queued.
        assert reminders_send(today=today) == 0
        # The broker delivers the e-mail task again: the worker sends nothing more.
        finished = len(done)
        send_notification_emails.delay(list(notifications.values_list("pk", flat=True)))
        _wait(lambda: len(done) > finished, "run the repeated task")
    finally:
        task_postrun.disconnect(_count)
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [collaborator.email, other_collaborator.email]
    )
    assert len(done) == 2
