"""The daily reminder and warning tasks, queued on the real Redis broker and run by
a real Celery worker twice: what they send goes out once."""

import datetime

import pytest
from celery.signals import task_postrun
from django.utils import timezone

from dluan.models import Notification
from reports import tasks
from reports.models import EarlyWarning, OpinionReport, ReportingPeriod
from reports.services import period_for
from reports.tests.factories import OpinionReportFactory
from tests.support.broker import wait_until


@pytest.mark.broker
def test_reminder_and_warning_tasks_through_the_worker_send_once(
    transactional_db,
    worker,
    collaborator,
    other_collaborator,
    staff,
    mailoutbox,
):
    today = timezone.localdate()
    period = period_for(day=today)
    ReportingPeriod.objects.filter(pk=period.pk).update(
        deadline=today + datetime.timedelta(days=3)
    )
    # An urgent report has waited two days for review: a warning for the staff.
    OpinionReportFactory(
        author=other_collaborator.collaborator,
        kind=OpinionReport.Kind.URGENT,
        urgency=3,
        period=period,
        submitted_at=timezone.now() - datetime.timedelta(hours=48),
    )
    finished = []

    def _count(**kwargs):
        finished.append(kwargs["task"].name)

    task_postrun.connect(_count, weak=False)
    try:
        for _round in range(2):
            tasks.reminders_send.delay()
            tasks.warnings_raise.delay()
        wait_until(
            lambda: (
                finished.count("reports.tasks.reminders_send") == 2
                and finished.count("reports.tasks.warnings_raise") == 2
            ),
            "the worker runs both tasks twice",
        )
        wait_until(
            lambda: (
                not Notification.objects.filter(emailed_at__isnull=True)
                .exclude(recipient__email="")
                .exists()
            ),
            "the worker sends the e-mails",
        )
    finally:
        task_postrun.disconnect(_count)
    assert (
        EarlyWarning.objects.filter(kind=EarlyWarning.Kind.URGENT_WAITING).count() == 1
    )
    reminded = Notification.objects.filter(key=f"reminder:before:{period.pk}")
    # Both collaborators reminded (one had filed only an urgent report), once each.
    assert sorted(reminded.values_list("recipient__username", flat=True)) == sorted(
        [collaborator.username, other_collaborator.username]
    )
    recipients = [message.to[0] for message in mailoutbox]
    assert sorted(recipients) == sorted(set(recipients))  # nobody e-mailed twice
    assert staff.email in recipients
