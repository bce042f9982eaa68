import datetime

import pytest
from django.utils import timezone

from collaborators.models import Collaborator
from collaborators.tests.factories import CollaboratorFactory
from dluan.models import Notification
from reports.models import OpinionReport
from reports.services import period_for
from reports.services.reminders import missing_digest_send, reminders_send
from reports.tests.factories import OpinionReportFactory

DAY = datetime.timedelta(days=1)


@pytest.fixture
def period(db):
    return period_for(day=timezone.localdate())


def _before(period):
    return period.deadline - 3 * DAY


def _monday_in_window(period):
    day = period.deadline - 3 * DAY
    while day.weekday() != 0:
        day += DAY
    assert day <= period.end
    return day


def _keys(user):
    return set(
        Notification.objects.filter(recipient=user).values_list("key", flat=True)
    )


def _file(user, period, **values):
    values.setdefault("status", OpinionReport.Status.SUBMITTED)
    values.setdefault("kind", OpinionReport.Kind.PERIODIC)
    return OpinionReportFactory(author=user.collaborator, period=period, **values)


def test_reminder_goes_to_who_has_not_filed_before_the_deadline(
    period, collaborator, other_collaborator, django_capture_on_commit_callbacks
):
    _file(other_collaborator, period)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=_before(period)) == 1
    assert _keys(collaborator) == {f"reminder:before:{period.pk}"}
    assert _keys(other_collaborator) == set()


def test_no_reminder_on_other_days(period, collaborator):
    assert reminders_send(today=_before(period) - DAY) == 0
    assert reminders_send(today=period.deadline) == 0
    assert not Notification.objects.exists()


def test_reminder_again_the_day_after_the_deadline(
    period, collaborator, other_collaborator, mailoutbox
):
    reminders_send(today=_before(period))
    _file(other_collaborator, period)
    assert reminders_send(today=period.deadline + DAY) == 1
    assert _keys(collaborator) == {
        f"reminder:before:{period.pk}",
        f"reminder:after:{period.pk}",
    }
    assert _keys(other_collaborator) == {f"reminder:before:{period.pk}"}


def test_nobody_is_reminded_twice_when_the_job_runs_twice(
    period, collaborator, other_collaborator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=_before(period)) == 2
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert reminders_send(today=_before(period)) == 0
    assert callbacks == []
    assert Notification.objects.count() == 2


def test_reminders_are_emailed_once(
    period, collaborator, django_capture_on_commit_callbacks, mailoutbox
):
    for _run in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            reminders_send(today=_before(period))
    assert [message.to for message in mailoutbox] == [[collaborator.email]]


def test_opted_out_collaborator_gets_the_notice_but_no_email(
    period,
    collaborator,
    other_collaborator,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    Collaborator.objects.filter(user=collaborator).update(reminder_emails=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_send(today=_before(period)) == 2
    assert _keys(collaborator) == {f"reminder:before:{period.pk}"}
    assert [message.to for message in mailoutbox] == [[other_collaborator.email]]
    assert Notification.objects.get(recipient=collaborator).emailed_at is None


@pytest.mark.parametrize(
    "values",
    [
        {"status": OpinionReport.Status.DRAFT, "submitted_at": None},
        {"status": OpinionReport.Status.ARCHIVED},
        {"kind": OpinionReport.Kind.URGENT},
    ],
    ids=["draft", "archived", "urgent"],
)
def test_a_draft_archived_or_urgent_report_is_not_filed(period, collaborator, values):
    _file(collaborator, period, **values)
    assert reminders_send(today=_before(period)) == 1
    assert _keys(collaborator) == {f"reminder:before:{period.pk}"}


@pytest.mark.parametrize(
    "status", [OpinionReport.Status.RETURNED, OpinionReport.Status.ACCEPTED]
)
def test_a_returned_or_accepted_report_is_filed(period, collaborator, status):
    _file(collaborator, period, status=status)
    assert reminders_send(today=_before(period)) == 0


def test_a_report_for_another_period_does_not_count(period, collaborator):
    previous = period_for(day=period.start - DAY)
    _file(collaborator, previous)
    assert reminders_send(today=_before(period)) == 1


def test_suspended_collaborator_is_not_reminded(period, collaborator):
    Collaborator.objects.filter(user=collaborator).update(
        status=Collaborator.Status.SUSPENDED
    )
    assert reminders_send(today=_before(period)) == 0


def test_collaborator_without_account_is_skipped(period, commune):
    CollaboratorFactory(unit=commune)
    assert reminders_send(today=_before(period)) == 0


def test_reminder_query_count_does_not_grow(
    period, commune, django_assert_max_num_queries
):
    CollaboratorFactory.create_batch(15, unit=commune, with_account=True)
    # The periods (2), the missing (1), then insert and read back per batch (2 × 2).
    with django_assert_max_num_queries(8):
        assert reminders_send(today=_before(period)) == 15


# --- Weekly digest --------------------------------------------------------------


def test_digest_on_monday_lists_the_missing_of_the_unit_subtree(
    period,
    staff,
    other_staff,
    collaborator,
    other_collaborator,
    other_town,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    CollaboratorFactory(unit=other_town, full_name="Võ Thị Lan")
    _file(other_collaborator, period)
    with django_capture_on_commit_callbacks(execute=True):
        assert missing_digest_send(today=_monday_in_window(period)) == 2
    mine = Notification.objects.get(recipient=staff)
    assert "Trần Thị Hoa" in mine.body
    assert "Lê Văn Bình" not in mine.body
    assert "Võ Thị Lan" not in mine.body
    theirs = Notification.objects.get(recipient=other_staff)
    assert "Võ Thị Lan" in theirs.body
    assert "Trần Thị Hoa" not in theirs.body
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [staff.email, other_staff.email]
    )


def test_digest_only_on_mondays(period, staff, collaborator):
    monday = _monday_in_window(period)
    for day in range(1, 7):
        assert missing_digest_send(today=monday + day * DAY) == 0
    assert not Notification.objects.exists()


def test_digest_waits_for_the_reminder_window(period, staff, collaborator):
    day = period.deadline - 4 * DAY
    while day.weekday() != 0:
        day -= DAY
    assert missing_digest_send(today=day) == 0


def test_digest_once_a_week(period, staff, collaborator):
    monday = _monday_in_window(period)
    assert missing_digest_send(today=monday) == 1
    assert missing_digest_send(today=monday) == 0
    year, week, _day = monday.isocalendar()
    assert _keys(staff) == {f"digest:{period.pk}:{year}-W{week:02d}"}


def test_digest_caps_the_names(period, staff, commune):
    CollaboratorFactory.create_batch(23, unit=commune)
    missing_digest_send(today=_monday_in_window(period))
    notification = Notification.objects.get(recipient=staff)
    assert notification.body.count(";") == 19
    assert "3" in notification.body.rsplit(";", 1)[1]
    assert "23" in notification.title


def test_no_digest_when_nobody_is_missing(period, staff, collaborator):
    _file(collaborator, period)
    assert missing_digest_send(today=_monday_in_window(period)) == 0
