"""Reminder e-mails go through the real Redis broker to a real Celery worker, once."""

import datetime

import pytest
from celery.signals import task_postrun
from django.utils import timezone

from dluan.models import Notification
from dluan.tasks import send_notification_emails
from reports.services import period_for
from reports.services.reminders import reminders_send
from tests.support.broker import wait_until


@pytest.mark.broker
def test_reminder_emails_go_out_through_the_worker_once(
    transactional_db,
    worker,
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
        wait_until(
            lambda: not notifications.filter(emailed_at__isnull=True).exists(),
            "the worker sends the e-mails",
        )
        # Beat fires again: everyone is reminded already, nothing is queued.
        assert reminders_send(today=today) == 0
        # The broker delivers the e-mail task again: the worker sends nothing more.
        finished = len(done)
        send_notification_emails.delay(list(notifications.values_list("pk", flat=True)))
        wait_until(lambda: len(done) > finished, "the worker runs the repeated task")
    finally:
        task_postrun.disconnect(_count)
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [collaborator.email, other_collaborator.email]
    )
    assert len(done) == 2
