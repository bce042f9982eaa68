import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from dluan.models import Notification
from reports import services
from reports.models import (
    FollowUp,
    Issue,
    OpinionReport,
    OpinionStream,
    ReportEvent,
    ReportingPeriod,
)
from reports.tests.factories import (
    FollowUpFactory,
    IssueFactory,
    OpinionReportFactory,
    OpinionStreamFactory,
)

STREAM = {
    "summary": "Người dân bức xúc.",
    "direction": OpinionStream.Direction.OPPOSE,
    "breadth": OpinionStream.Breadth.MANY,
}


# --- Periods ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "start", "end", "deadline"),
    [
        ("2026-01-15", "2026-01-01", "2026-02-28", "2026-02-23"),
        ("2026-04-30", "2026-03-01", "2026-04-30", "2026-04-25"),
        ("2028-02-10", "2028-01-01", "2028-02-29", "2028-02-24"),
        ("2026-12-31", "2026-11-01", "2026-12-31", "2026-12-26"),
    ],
)
def test_periods_are_two_calendar_months_with_deadline_five_days_before_end(
    day, start, end, deadline
):
    bounds = services.period_bounds(datetime.date.fromisoformat(day))
    assert bounds == tuple(
        datetime.date.fromisoformat(d) for d in (start, end, deadline)
    )


@override_settings(REPORTING_PERIOD_MONTHS=3, REPORTING_DEADLINE_DAYS_BEFORE_END=10)
def test_period_length_and_deadline_follow_settings():
    start, end, deadline = services.period_bounds(datetime.date(2026, 5, 5))
    assert (start, end, deadline) == (
        datetime.date(2026, 4, 1),
        datetime.date(2026, 6, 30),
        datetime.date(2026, 6, 20),
    )


def test_periods_ensure_ahead_creates_current_and_next_once(db):
    today = datetime.date(2026, 2, 20)
    services.periods_ensure_ahead(today=today)
    services.periods_ensure_ahead(today=today)
    starts = list(
        ReportingPeriod.objects.order_by("start").values_list("start", flat=True)
    )
    assert starts == [datetime.date(2026, 1, 1), datetime.date(2026, 3, 1)]


def test_periods_task_is_safe_to_run_twice(db):
    from reports.tasks import periods_ensure_ahead

    periods_ensure_ahead.delay()
    periods_ensure_ahead.delay()
    assert ReportingPeriod.objects.count() == 2
    assert ReportingPeriod.objects.current() is not None


# --- Drafts and submission ------------------------------------------------------------


def _draft(collaborator, **data):
    values = {"title": "Sạt lở bờ sông", "area": collaborator.collaborator.unit}
    values.update(data)
    return services.report_save_draft(
        author=collaborator.collaborator,
        user=collaborator,
        data=values,
        streams=data.pop("streams", [STREAM]),
    )


def test_draft_saves_partial_data_and_folds_search_text(collaborator):
    report = services.report_save_draft(
        author=collaborator.collaborator,
        user=collaborator,
        data={"title": "Khai thác cát trên sông Bồ"},
        streams=[{"summary": "Người dân lo ngại sạt lở", "direction": ""}],
    )
    assert report.status == OpinionReport.Status.DRAFT
    assert report.unit == collaborator.collaborator.unit
    assert report.period == ReportingPeriod.objects.current()
    report.refresh_from_db()
    assert "khai thac cat tren song bo" in report.search_text
    assert "lo ngai sat lo" in report.search_text
    assert report.events.get().action == ReportEvent.Action.CREATED


def test_saving_again_replaces_streams_and_bumps_version(collaborator):
    report = _draft(collaborator)
    again = services.report_save_draft(
        author=collaborator.collaborator,
        user=collaborator,
        report=report,
        data={"description": "Thêm chi tiết"},
        streams=[STREAM, {**STREAM, "direction": "concern"}],
    )
    assert again.version == report.version + 1
    assert again.title == "Sạt lở bờ sông"
    assert list(again.streams.values_list("direction", flat=True)) == [
        "oppose",
        "concern",
    ]


def test_area_outside_coverage_is_refused(collaborator, other_commune):
    with pytest.raises(ValidationError) as error:
        _draft(collaborator, area=other_commune)
    assert "area" in error.value.message_dict
    assert not OpinionReport.objects.exists()


def test_date_in_the_future_is_refused(collaborator):
    with pytest.raises(ValidationError) as error:
        _draft(collaborator, occurred_on=timezone.localdate() + datetime.timedelta(1))
    assert "occurred_on" in error.value.message_dict


def test_period_follows_the_date_it_happened(collaborator):
    report = _draft(collaborator, occurred_on=datetime.date(2025, 3, 10))
    assert report.period.start == datetime.date(2025, 3, 1)


def test_submit_requires_a_complete_stream(collaborator):
    report = _draft(collaborator, streams=[{"summary": "", "direction": ""}])
    with pytest.raises(ValidationError):
        services.report_submit(report=report, user=collaborator)
    report.refresh_from_db()
    assert report.status == OpinionReport.Status.DRAFT


def test_one_sided_report_asks_for_balance_then_records_confirmation(collaborator):
    report = _draft(
        collaborator,
        proposals="",
        streams=[{**STREAM, "direction": OpinionStream.Direction.SUPPORT}],
    )
    with pytest.raises(services.BalancePromptRequired):
        services.report_submit(report=report, user=collaborator)
    report.refresh_from_db()
    assert report.status == OpinionReport.Status.DRAFT
    submitted = services.report_submit(
        report=report, user=collaborator, confirm_balance=True
    )
    assert submitted.status == OpinionReport.Status.SUBMITTED
    assert submitted.balance_confirmed is True


def test_supportive_report_with_proposals_needs_no_prompt(collaborator):
    report = _draft(
        collaborator,
        proposals="Đề nghị kè bờ sông.",
        streams=[{**STREAM, "direction": OpinionStream.Direction.SUPPORT}],
    )
    submitted = services.report_submit(report=report, user=collaborator)
    assert submitted.balance_confirmed is False


def test_urgent_report_notifies_unit_staff_after_commit(
    collaborator,
    staff,
    other_staff,
    leader,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    report = _draft(collaborator, kind="urgent", urgency=3)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.report_submit(report=report, user=collaborator)
        # Nothing is e-mailed before the transaction commits.
        assert mailoutbox == []
    assert Notification.objects.filter(recipient=staff).count() == 1
    assert not Notification.objects.filter(recipient__in=[other_staff, leader]).exists()
    for callback in callbacks:
        callback()
    assert [message.to for message in mailoutbox] == [[staff.email]]
    assert report.title in mailoutbox[0].subject


def test_periodic_report_notifies_nobody(
    collaborator, staff, django_capture_on_commit_callbacks, mailoutbox
):
    report = _draft(collaborator)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(report=report, user=collaborator)
    assert mailoutbox == []
    assert not Notification.objects.exists()


def test_another_collaborator_cannot_submit_or_edit(collaborator, other_collaborator):
    report = _draft(collaborator)
    with pytest.raises(ValidationError):
        services.report_submit(report=report, user=other_collaborator)
    with pytest.raises(ValidationError):
        services.report_save_draft(
            author=other_collaborator.collaborator,
            user=other_collaborator,
            report=report,
            data={"title": "x"},
        )


# --- Review -------------------------------------------------------------------------------


def test_accept_locks_the_report_for_its_author(report, staff, collaborator):
    accepted = services.report_accept(report=report, user=staff, version=report.version)
    assert accepted.status == OpinionReport.Status.ACCEPTED
    assert accepted.accepted_at is not None
    with pytest.raises(ValidationError):
        services.report_save_draft(
            author=collaborator.collaborator,
            user=collaborator,
            report=accepted,
            data={"title": "Đổi tiêu đề"},
        )
    event = accepted.events.get(action=ReportEvent.Action.ACCEPTED)
    assert (event.from_status, event.to_status, event.actor) == (
        "submitted",
        "accepted",
        staff,
    )


def test_stale_version_is_a_conflict_and_changes_nothing(report, staff):
    services.report_rate(
        report=report,
        user=staff,
        version=report.version,
        depth=4,
        balance=4,
        timeliness=4,
        usefulness=4,
        feedback="Tốt",
    )
    with pytest.raises(services.ConflictError):
        services.report_rate(
            report=report,
            user=staff,
            version=report.version,
            depth=1,
            balance=1,
            timeliness=1,
            usefulness=1,
            feedback="Kém",
        )
    report.refresh_from_db()
    assert (report.quality_depth, report.feedback) == (4, "Tốt")


def test_return_then_answer_and_resubmit(
    report, staff, collaborator, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        returned = services.report_return(
            report=report, user=staff, version=report.version, question="Bao nhiêu hộ?"
        )
    assert returned.status == OpinionReport.Status.RETURNED
    assert Notification.objects.filter(recipient=collaborator).count() == 1
    with pytest.raises(ValidationError) as error:
        services.report_submit(report=returned, user=collaborator)
    assert "answer" in error.value.message_dict
    resubmitted = services.report_submit(
        report=returned, user=collaborator, answer="Khoảng 40 hộ."
    )
    assert resubmitted.status == OpinionReport.Status.SUBMITTED
    actions = list(resubmitted.events.values_list("action", "note"))
    assert actions[-2:] == [
        ("returned", "Bao nhiêu hộ?"),
        ("resubmitted", "Khoảng 40 hộ."),
    ]


def test_return_needs_a_question(report, staff):
    with pytest.raises(ValidationError):
        services.report_return(
            report=report, user=staff, version=report.version, question=" "
        )
    report.refresh_from_db()
    assert report.status == OpinionReport.Status.SUBMITTED


def test_rating_out_of_range_is_refused(report, staff):
    with pytest.raises(ValidationError):
        services.report_rate(
            report=report,
            user=staff,
            version=report.version,
            depth=6,
            balance=1,
            timeliness=1,
            usefulness=1,
        )


def test_rumour_and_retag_are_recorded(report, staff, topic):
    report = services.report_mark_rumour(
        report=report, user=staff, version=report.version
    )
    report = services.report_retag(
        report=report, user=staff, version=report.version, topics=[topic]
    )
    assert report.is_rumour
    assert list(report.topics.all()) == [topic]
    assert set(report.events.values_list("action", flat=True)) >= {"rumour", "retagged"}


def test_archive_keeps_the_report(report, staff):
    services.report_archive(report=report, user=staff, version=report.version)
    report.refresh_from_db()
    assert report.status == OpinionReport.Status.ARCHIVED


def test_author_may_archive_only_a_draft(report, collaborator):
    with pytest.raises(ValidationError):
        services.report_archive(report=report, user=collaborator)


# --- Issues ----------------------------------------------------------------------------------


def test_issue_from_report_links_it_and_sets_seen_dates_and_areas(report, staff):
    issue = services.issue_create(user=staff, title="Cát sông Bồ", report=report)
    report.refresh_from_db()
    assert report.issue == issue
    issue.refresh_from_db()
    assert issue.unit == staff.org_unit
    assert issue.first_seen == issue.last_seen == report.occurred_on
    assert list(issue.areas.all()) == [report.area]


def test_resolving_needs_an_outcome_and_tells_the_reporters(
    report,
    other_report,
    staff,
    collaborator,
    other_collaborator,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    issue = services.issue_create(user=staff, title="Cát sông Bồ", report=report)
    services.report_link_issue(report=other_report, issue=issue, user=staff)
    with pytest.raises(ValidationError):
        services.issue_update(
            issue=issue, user=staff, version=issue.version, status=Issue.Status.RESOLVED
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_update(
            issue=issue,
            user=staff,
            version=issue.version,
            status=Issue.Status.RESOLVED,
            outcome="Đã xử lý 5 ghe hút cát.",
        )
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {collaborator.username, other_collaborator.username}
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [collaborator.email, other_collaborator.email]
    )


def test_issue_update_with_stale_version_is_a_conflict(issue, staff):
    services.issue_update(issue=issue, user=staff, version=issue.version, title="A")
    with pytest.raises(services.ConflictError):
        services.issue_update(issue=issue, user=staff, version=issue.version, title="B")
    issue.refresh_from_db()
    assert issue.title == "A"


def test_followup_create_contract(issue, staff):
    due = timezone.localdate() + datetime.timedelta(days=5)
    follow_up = services.followup_create(
        issue=issue,
        agency="Công an thị xã",
        request="Tuần tra",
        due_date=due,
        user=staff,
    )
    assert isinstance(follow_up, FollowUp)
    assert (follow_up.issue, follow_up.due_date, follow_up.created_by) == (
        issue,
        due,
        staff,
    )
    issue.refresh_from_db()
    assert issue.status == Issue.Status.HANDLING


def test_followup_response_cannot_be_dated_in_the_future(issue, staff):
    follow_up = FollowUpFactory(issue=issue, created_by=staff)
    with pytest.raises(ValidationError):
        services.followup_respond(
            follow_up=follow_up,
            response="Đã xử lý",
            user=staff,
            responded_on=timezone.localdate() + datetime.timedelta(days=1),
        )


def test_overdue_followups_are_flagged_once(
    issue, staff, leader, other_staff, django_capture_on_commit_callbacks
):
    late = FollowUpFactory(
        issue=issue,
        created_by=staff,
        due_date=timezone.localdate() - datetime.timedelta(days=2),
    )
    FollowUpFactory(issue=issue, created_by=staff)  # not due yet
    FollowUpFactory(
        issue=issue,
        created_by=staff,
        response="Xong",
        due_date=timezone.localdate() - datetime.timedelta(days=9),
        responded_on=timezone.localdate() - datetime.timedelta(days=8),
    )
    from reports.tasks import followups_flag_overdue

    assert followups_flag_overdue.delay().get() == 1
    assert followups_flag_overdue.delay().get() == 0
    late.refresh_from_db()
    assert late.escalated_at is not None
    recipients = set(Notification.objects.values_list("recipient__username", flat=True))
    assert recipients == {staff.username, leader.username}


def test_direction_only_from_leaders(issue, staff, leader):
    with pytest.raises(ValidationError):
        services.direction_create(issue=issue, user=staff, text="Chỉ đạo")
    direction = services.direction_create(
        issue=issue, user=leader, text="Xử lý dứt điểm"
    )
    assert direction.author == leader


def test_link_refuses_a_draft(collaborator, issue, staff):
    draft = OpinionReportFactory(
        author=collaborator.collaborator, status=OpinionReport.Status.DRAFT
    )
    with pytest.raises(ValidationError):
        services.report_link_issue(report=draft, issue=issue, user=staff)


def test_topics_seed_defaults_is_idempotent(db):
    from reports.models import Topic

    Topic.objects.exclude(parent=None).delete()
    Topic.objects.all().delete()
    created = services.topics_seed_defaults()
    assert created == Topic.objects.count() > 15
    assert services.topics_seed_defaults() == 0


def test_topic_names_are_unique_among_siblings_ignoring_diacritics(db):
    services.topic_create(name="Môi trường mới")
    with pytest.raises(ValidationError):
        services.topic_create(name="moi truong MOI")


def test_unused_factories_are_consistent(collaborator):
    stream = OpinionStreamFactory(report__author=collaborator.collaborator)
    assert stream.report.author == collaborator.collaborator
    assert IssueFactory(unit=collaborator.org_unit, created_by=collaborator).pk


# --- Dates too far back -------------------------------------------------------------


def test_a_date_before_the_earliest_is_refused_and_saves_nothing(collaborator):
    earliest = services.earliest_report_day()
    assert earliest == datetime.date(timezone.localdate().year - 5, 1, 1)
    for day in (earliest - datetime.timedelta(days=1), datetime.date(1, 1, 1)):
        with pytest.raises(ValidationError) as error:
            _draft(collaborator, occurred_on=day)
        assert "occurred_on" in error.value.message_dict
    assert not OpinionReport.objects.exists()
    assert not ReportingPeriod.objects.exists()


def test_period_for_refuses_absurd_dates(db):
    today = datetime.date(2026, 6, 1)
    for day in (
        datetime.date(1, 1, 1),
        datetime.date(2020, 12, 31),
        datetime.date(2029, 1, 1),
        datetime.date(9999, 12, 31),
    ):
        with pytest.raises(ValidationError):
            services.period_for(day=day, today=today)
    assert not ReportingPeriod.objects.exists()
    services.period_for(day=datetime.date(2021, 1, 1), today=today)
    services.period_for(day=datetime.date(2028, 12, 31), today=today)
    assert ReportingPeriod.objects.count() == 2


# --- Issues: scope of the issue a report is in, versions ----------------------------


def test_unlink_and_move_refused_from_an_issue_out_of_scope(
    report, staff, admin_user, province
):
    outside = IssueFactory(unit=province, created_by=admin_user)
    services.report_link_issue(report=report, issue=outside, user=admin_user)
    mine = IssueFactory(unit=staff.org_unit, created_by=staff)
    with pytest.raises(ValidationError):
        services.report_unlink_issue(report=report, user=staff)
    with pytest.raises(ValidationError):
        services.report_link_issue(report=report, issue=mine, user=staff)
    report.refresh_from_db()
    assert report.issue == outside
    outside.refresh_from_db()
    assert outside.last_seen == report.occurred_on


def test_link_refused_to_an_issue_out_of_scope(report, staff, other_staff):
    foreign = IssueFactory(unit=other_staff.org_unit, created_by=other_staff)
    with pytest.raises(ValidationError):
        services.report_link_issue(report=report, issue=foreign, user=staff)
    report.refresh_from_db()
    assert report.issue is None


def test_services_that_change_an_issue_bump_its_version(report, staff):
    issue = IssueFactory(unit=staff.org_unit, created_by=staff)
    version = issue.version
    services.followup_create(
        issue=issue,
        agency="Công an thị xã",
        request="Tuần tra",
        due_date=timezone.localdate(),
        user=staff,
    )
    issue.refresh_from_db()
    assert (issue.status, issue.version) == (Issue.Status.HANDLING, version + 1)
    services.report_link_issue(report=report, issue=issue, user=staff)
    issue.refresh_from_db()
    assert issue.version == version + 2
    services.report_unlink_issue(report=report, user=staff)
    issue.refresh_from_db()
    assert (issue.last_seen, issue.version) == (None, version + 3)
    with pytest.raises(services.ConflictError):
        services.issue_update(
            issue=issue, user=staff, version=version, status=Issue.Status.NEW
        )
