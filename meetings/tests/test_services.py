import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from collaborators.models import Collaborator
from dluan.models import Notification
from meetings import services
from meetings.models import (
    AgendaItem,
    Attendance,
    DocumentReceipt,
    Invitation,
    Meeting,
    MeetingAction,
    ReferenceDocument,
)
from meetings.selectors import agenda_proposal
from meetings.tests.factories import MeetingFactory, in_days
from reports.models import FocusTopic, FollowUp, Issue, OpinionReport, Topic
from reports.tests.factories import (
    IssueFactory,
    OpinionReportFactory,
    ReportingPeriodFactory,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- Scheduling ------------------------------------------------------------------------


def test_schedule_invites_the_active_roster_of_the_subtree(
    staff, collaborator, other_collaborator, other_staff
):
    suspended = Collaborator.objects.create(
        full_name="Võ Văn Tạm",
        gender=Collaborator.Gender.MALE,
        unit=collaborator.org_unit,
        status=Collaborator.Status.SUSPENDED,
    )
    meeting = services.meeting_schedule(
        user=staff,
        kind=Meeting.Kind.AD_HOC,
        title="Giao ban đột xuất về sạt lở bờ sông Hương",
        starts_at=in_days(2),
        place="Hội trường",
    )
    invited = set(meeting.invitations.values_list("collaborator_id", flat=True))
    assert invited == {collaborator.collaborator.pk, other_collaborator.collaborator.pk}
    assert suspended.pk not in invited
    assert meeting.unit == staff.org_unit
    assert meeting.status == Meeting.Status.PLANNED
    # Nothing goes out before staff send the invitations.
    assert not Notification.objects.exists()


def test_planned_meeting_in_the_past_is_refused(staff):
    with pytest.raises(ValidationError) as excinfo:
        services.meeting_schedule(
            user=staff,
            kind=Meeting.Kind.AD_HOC,
            title="Giao ban",
            starts_at=timezone.now() - datetime.timedelta(hours=1),
        )
    assert "starts_on" in excinfo.value.message_dict
    assert not Meeting.objects.exists()


def test_moving_a_planned_meeting_into_the_past_changes_nothing(meeting, staff):
    before = meeting.starts_at
    with pytest.raises(ValidationError):
        services.meeting_update(
            meeting=meeting,
            user=staff,
            title="Đổi tên",
            starts_at=timezone.now() - datetime.timedelta(days=1),
        )
    meeting.refresh_from_db()
    assert meeting.starts_at == before
    assert meeting.title != "Đổi tên"


def test_periodic_meeting_needs_a_period_and_only_one(staff, collaborator):
    with pytest.raises(ValidationError):
        services.meeting_schedule(
            user=staff,
            kind=Meeting.Kind.PERIODIC,
            title="Giao ban",
            starts_at=in_days(2),
        )
    period = ReportingPeriodFactory()
    meeting = services.meeting_schedule(
        user=staff, kind=Meeting.Kind.PERIODIC, title="Giao ban", starts_at=in_days(2)
    )
    assert meeting.period == period
    with pytest.raises(ValidationError):
        services.meeting_schedule(
            user=staff,
            kind=Meeting.Kind.PERIODIC,
            title="Giao ban lần hai",
            starts_at=in_days(3),
        )
    assert Meeting.objects.count() == 1


def test_ensure_periodic_creates_this_and_next_period_once(
    staff, other_staff, collaborator
):
    assert services.meeting_ensure_periodic() == 0  # no period: nothing
    current = ReportingPeriodFactory()
    following = ReportingPeriodFactory(start=current.end + datetime.timedelta(days=1))
    assert services.meeting_ensure_periodic() == 4  # two units with staff × two periods
    assert services.meeting_ensure_periodic() == 0
    town_meetings = Meeting.objects.filter(unit=staff.org_unit).order_by("starts_at")
    assert [m.period for m in town_meetings] == [current, following]
    assert all(m.starts_at > timezone.now() for m in town_meetings)
    assert (
        town_meetings[0]
        .invitations.filter(collaborator=collaborator.collaborator)
        .exists()
    )


def test_the_celery_task_calls_the_service(staff):
    from meetings.tasks import meetings_ensure_periodic

    ReportingPeriodFactory()
    assert meetings_ensure_periodic.delay().get() == 1


# --- Invitations -----------------------------------------------------------------------


def test_sending_invitations_notifies_and_withdraws(
    meeting, staff, collaborator, other_collaborator, django_capture_on_commit_callbacks
):
    Invitation.objects.update(sent_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.invitations_set(
            meeting=meeting, user=staff, collaborators=[collaborator.collaborator]
        )
    assert sent == 1
    assert list(Notification.objects.values_list("recipient", flat=True)) == [
        collaborator.pk
    ]
    withdrawn = meeting.invitations.get(collaborator=other_collaborator.collaborator)
    assert withdrawn.withdrawn_at is not None
    # Inviting again restores the row and sends once more.
    services.invitations_set(
        meeting=meeting,
        user=staff,
        collaborators=[collaborator.collaborator, other_collaborator.collaborator],
    )
    withdrawn.refresh_from_db()
    assert withdrawn.withdrawn_at is None
    assert withdrawn.sent_at is not None
    assert meeting.invitations.sent().count() == 2


def test_email_goes_out_with_the_invitation(
    meeting, staff, collaborator, mailoutbox, django_capture_on_commit_callbacks
):
    Invitation.objects.update(sent_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitations_set(
            meeting=meeting, user=staff, collaborators=[collaborator.collaborator]
        )
    assert [m.to for m in mailoutbox] == [[collaborator.email]]
    assert meeting.title in mailoutbox[0].subject


def test_cannot_attend_needs_a_reason(meeting, collaborator):
    invitation = meeting.invitations.get(collaborator=collaborator.collaborator)
    with pytest.raises(ValidationError):
        services.invitation_respond(
            invitation=invitation,
            user=collaborator,
            response=Invitation.Response.CANNOT_ATTEND,
        )
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.PENDING
    services.invitation_respond(
        invitation=invitation,
        user=collaborator,
        response=Invitation.Response.CANNOT_ATTEND,
        reason="Đi công tác Huế",
    )
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.CANNOT_ATTEND
    assert invitation.responded_at is not None


def test_someone_else_cannot_answer(meeting, collaborator, other_collaborator):
    invitation = meeting.invitations.get(collaborator=collaborator.collaborator)
    with pytest.raises(ValidationError):
        services.invitation_respond(
            invitation=invitation,
            user=other_collaborator,
            response=Invitation.Response.ATTEND,
        )


# --- Attendance ------------------------------------------------------------------------


def test_attendance_for_someone_not_invited_changes_nothing(
    meeting, staff, collaborator, commune
):
    stranger = Collaborator.objects.create(
        full_name="Người Lạ", gender=Collaborator.Gender.MALE, unit=commune
    )
    with pytest.raises(ValidationError):
        services.attendance_record(
            meeting=meeting,
            user=staff,
            entries={
                collaborator.collaborator.pk: (Attendance.Status.PRESENT, ""),
                stranger.pk: (Attendance.Status.PRESENT, ""),
            },
        )
    assert not Attendance.objects.exists()
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED


def test_attendance_is_recorded_and_the_meeting_held(
    meeting, staff, collaborator, other_collaborator
):
    services.attendance_record(
        meeting=meeting,
        user=staff,
        entries={
            collaborator.collaborator.pk: (Attendance.Status.PRESENT, "ignored"),
            other_collaborator.collaborator.pk: (Attendance.Status.EXCUSED, "Ốm"),
        },
    )
    rows = dict(meeting.attendances.values_list("collaborator_id", "reason"))
    assert rows == {
        collaborator.collaborator.pk: "",
        other_collaborator.collaborator.pk: "Ốm",
    }
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    # Correcting one row updates it in place.
    services.attendance_record(
        meeting=meeting,
        user=staff,
        entries={collaborator.collaborator.pk: (Attendance.Status.ABSENT, "")},
    )
    assert (
        meeting.attendances.get(collaborator=collaborator.collaborator).status
        == Attendance.Status.ABSENT
    )
    assert meeting.attendances.count() == 2


def test_unknown_attendance_status_is_refused(meeting, staff, collaborator):
    with pytest.raises(ValidationError):
        services.attendance_record(
            meeting=meeting,
            user=staff,
            entries={collaborator.collaborator.pk: ("maybe", "")},
        )
    assert not Attendance.objects.exists()


def accepted_report(**fields):
    fields.setdefault("accepted_at", timezone.now())
    return OpinionReportFactory(status=OpinionReport.Status.ACCEPTED, **fields)


# --- Agenda ----------------------------------------------------------------------------


def test_agenda_proposal_puts_focus_topics_first_and_skips_old_reports(
    meeting, staff, town, collaborator
):
    period = ReportingPeriodFactory()
    land = Topic.objects.create(name="Đất đai")
    prices = Topic.objects.create(name="Giá cả")
    FocusTopic.objects.create(period=period, topic=land, unit=town)
    author = collaborator.collaborator
    severe = IssueFactory(unit=town, created_by=staff, severity=Issue.Severity.HIGH)
    focused = IssueFactory(unit=town, created_by=staff, severity=Issue.Severity.LOW)
    focused.topics.add(land)
    IssueFactory(unit=town, created_by=staff, status=Issue.Status.CLOSED)
    on_issue = accepted_report(author=author, issue=severe)
    loose = accepted_report(author=author)
    loose.topics.add(prices)
    # A held briefing yesterday: reports accepted before it are not proposed again.
    MeetingFactory(
        unit=town,
        status=Meeting.Status.HELD,
        starts_at=timezone.now() - datetime.timedelta(days=1),
    )
    old = accepted_report(
        author=author, accepted_at=timezone.now() - datetime.timedelta(days=2)
    )
    proposals = agenda_proposal(meeting)
    assert [p.issue for p in proposals[:2]] == [focused, severe]
    assert proposals[0].is_focus
    assert proposals[1].reports == [on_issue]
    assert proposals[2].reports == [loose]
    assert "Giá cả" in proposals[2].title
    assert all(old not in p.reports for p in proposals)


def test_accepting_the_proposal_twice_adds_each_item_once(meeting, staff, town):
    IssueFactory(unit=town, created_by=staff)
    IssueFactory(unit=town, created_by=staff)
    first = services.agenda_accept_proposal(meeting=meeting, user=staff)
    again = services.agenda_accept_proposal(meeting=meeting, user=staff)
    assert len(first) == 2 and again == []
    assert all(i.source == AgendaItem.Source.PROPOSED for i in first)


def test_agenda_proposal_works_with_no_reports_or_issues(meeting, staff):
    assert services.agenda_accept_proposal(meeting=meeting, user=staff) == []


def test_move_and_drop_agenda_items(meeting, staff):
    items = [
        services.agenda_item_add(meeting=meeting, user=staff, title=t)
        for t in ("Một", "Hai", "Ba")
    ]
    services.agenda_item_move(item=items[2], user=staff, direction="up")
    assert list(meeting.agenda_items.values_list("title", flat=True)) == [
        "Một",
        "Ba",
        "Hai",
    ]
    services.agenda_item_move(item=items[0], user=staff, direction="up")  # no-op
    services.agenda_item_drop(item=items[1], user=staff)
    assert list(meeting.agenda_items.current().values_list("title", flat=True)) == [
        "Một",
        "Ba",
    ]
    # The dropped item stays on record, marked dropped.
    items[1].refresh_from_db()
    assert items[1].dropped_at is not None
    with pytest.raises(ValidationError):
        services.agenda_item_drop(item=items[1], user=staff)
    with pytest.raises(ValidationError):
        services.agenda_item_move(item=items[1], user=staff, direction="up")


@pytest.mark.parametrize("status", [Meeting.Status.HELD, Meeting.Status.CANCELLED])
def test_agenda_of_a_meeting_no_longer_planned_does_not_change(
    meeting, staff, town, status
):
    kept = [
        services.agenda_item_add(meeting=meeting, user=staff, title=t)
        for t in ("Một", "Hai")
    ]
    IssueFactory(unit=town, created_by=staff)
    Meeting.objects.filter(pk=meeting.pk).update(status=status)
    meeting.refresh_from_db()
    attempts = [
        lambda: services.agenda_item_add(meeting=meeting, user=staff, title="Ba"),
        lambda: services.agenda_accept_proposal(meeting=meeting, user=staff),
        lambda: services.agenda_item_move(item=kept[1], user=staff, direction="up"),
        lambda: services.agenda_item_drop(item=kept[0], user=staff),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError):
            attempt()
    rows = list(AgendaItem.objects.order_by("position", "pk"))
    assert [(i.title, i.dropped_at) for i in rows] == [("Một", None), ("Hai", None)]


def test_agenda_of_a_held_meeting_cannot_be_changed_through_a_stale_copy(
    meeting, staff
):
    item = services.agenda_item_add(meeting=meeting, user=staff, title="Một")
    stale = Meeting.objects.get(pk=meeting.pk)
    services.minutes_save(meeting=meeting, user=staff, conclusions="Kết luận")
    with pytest.raises(ValidationError):
        services.agenda_item_drop(item=item, user=staff)
    with pytest.raises(ValidationError):
        services.agenda_item_add(meeting=stale, user=staff, title="Hai")
    assert list(AgendaItem.objects.values_list("title", "dropped_at")) == [
        ("Một", None)
    ]


# --- Minutes and actions ---------------------------------------------------------------


def test_action_becomes_a_follow_up_on_its_issue(meeting, staff, town):
    issue = IssueFactory(unit=town, created_by=staff)
    action = services.meeting_action_add(
        meeting=meeting,
        user=staff,
        description="Đề nghị UBND thị xã kiểm tra việc xả thải ra sông Bồ",
        agency="UBND thị xã Hương Trà",
        due_date=timezone.localdate() + datetime.timedelta(days=15),
        issue=issue,
        make_follow_up=True,
    )
    follow_up = FollowUp.objects.get()
    assert action.follow_up == follow_up
    assert follow_up.issue == issue
    assert follow_up.agency == "UBND thị xã Hương Trà"
    # Asking twice does not make a second one.
    services.meeting_action_to_follow_up(action=action, user=staff)
    assert FollowUp.objects.count() == 1


def test_action_without_issue_cannot_become_a_follow_up(meeting, staff):
    with pytest.raises(ValidationError):
        services.meeting_action_add(
            meeting=meeting, user=staff, description="Việc", make_follow_up=True
        )
    assert not MeetingAction.objects.exists()
    assert not FollowUp.objects.exists()


def test_minutes_mark_the_meeting_held(meeting, staff):
    services.minutes_save(
        meeting=meeting,
        user=staff,
        conclusions="Đồng chí Trưởng ban kết luận: tăng cường nắm bắt dư luận.",
    )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert meeting.conclusions.startswith("Đồng chí")


def test_cancelled_meeting_refuses_changes(meeting, staff):
    services.meeting_cancel(meeting=meeting, user=staff)
    with pytest.raises(ValidationError):
        services.minutes_save(meeting=meeting, user=staff, conclusions="x")
    with pytest.raises(ValidationError):
        services.agenda_item_add(meeting=meeting, user=staff, title="x")


# --- Documents -------------------------------------------------------------------------


def test_document_at_a_meeting_goes_to_its_invitees(
    meeting, staff, collaborator, other_collaborator
):
    document = services.document_hand_out(
        user=staff,
        title="Hướng dẫn định hướng dư luận về sáp nhập đơn vị hành chính",
        source="Ban Tuyên giáo và Dân vận Tỉnh ủy",
        upload=SimpleUploadedFile("huong-dan.pdf", PDF_BYTES),
        meeting=meeting,
    )
    assert set(document.receipts.values_list("collaborator_id", flat=True)) == {
        collaborator.collaborator.pk,
        other_collaborator.collaborator.pk,
    }
    assert document.content_type == "application/pdf"
    assert Notification.objects.filter(recipient=collaborator).exists()


def test_disguised_document_is_refused(staff, collaborator):
    with pytest.raises(ValidationError) as excinfo:
        services.document_hand_out(
            user=staff,
            title="Tài liệu",
            source="Ban",
            upload=SimpleUploadedFile("tai-lieu.pdf", b"MZ\x90\x00 not a pdf at all"),
            collaborators=[collaborator.collaborator],
        )
    assert "file" in excinfo.value.message_dict
    assert not ReferenceDocument.objects.exists()
    assert not DocumentReceipt.objects.exists()


def test_oversized_document_is_refused(staff, collaborator, settings):
    settings.UPLOAD_MAX_BYTES = 20
    with pytest.raises(ValidationError):
        services.document_hand_out(
            user=staff,
            title="Tài liệu",
            source="Ban",
            upload=SimpleUploadedFile("tai-lieu.pdf", PDF_BYTES),
            collaborators=[collaborator.collaborator],
        )
    assert not ReferenceDocument.objects.exists()


def test_confirm_reading_keeps_the_first_date(staff, collaborator, other_collaborator):
    document = services.document_hand_out(
        user=staff,
        title="Tài liệu",
        source="Ban",
        upload=SimpleUploadedFile("tai-lieu.pdf", PDF_BYTES),
        collaborators=[collaborator.collaborator],
    )
    receipt = document.receipts.get()
    with pytest.raises(ValidationError):
        services.document_confirm_read(receipt=receipt, user=other_collaborator)
    services.document_confirm_read(receipt=receipt, user=collaborator)
    first = DocumentReceipt.objects.get().read_at
    services.document_confirm_read(receipt=receipt, user=collaborator)
    assert DocumentReceipt.objects.get().read_at == first is not None
