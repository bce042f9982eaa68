"""`manage.py daily_jobs` runs the daily jobs in the foreground, once in effect."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from dluan.models import Notification
from reports.models import ReportingPeriod
from reports.services import period_bounds

DAY = datetime.timedelta(days=1)


def _monday_three_days_before_a_deadline() -> datetime.date:
    day = timezone.localdate()
    while True:
        _start, _end, deadline = period_bounds(day)
        if day == deadline - 3 * DAY and day.weekday() == 0:
            return day
        day += DAY


def _run(day) -> str:
    out = StringIO()
    call_command("daily_jobs", f"--date={day.isoformat()}", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_running_twice_sends_nothing_the_second_time(
    staff,
    collaborator,
    other_collaborator,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    day = _monday_three_days_before_a_deadline()
    with django_capture_on_commit_callbacks(execute=True):
        first = _run(day)
    assert "deadline reminders: 2 notifications sent" in first
    assert "missing-report digest: 1 notifications sent" in first
    assert "early warnings: " in first and "skipped" not in first
    assert ReportingPeriod.objects.filter(start__lte=day, end__gte=day).exists()
    notifications = Notification.objects.count()
    emails = len(mailoutbox)
    assert emails >= 3

    with django_capture_on_commit_callbacks(execute=True):
        second = _run(day)
    assert "deadline reminders: 0 notifications sent" in second
    assert "missing-report digest: 0 notifications sent" in second
    assert "early warnings: 0 warnings raised" in second
    assert Notification.objects.count() == notifications
    assert len(mailoutbox) == emails


def test_each_job_prints_a_line(db):
    output = _run(timezone.localdate())
    for label in [
        "periods ahead",
        "periodic meetings",
        "overdue follow-ups",
        "reporting discipline",
        "emulation scores",
        "deadline reminders",
        "missing-report digest",
        "early warnings",
    ]:
        assert f"{label}: " in output
