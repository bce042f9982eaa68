"""A form posted with fields it does not have changes none of them.

Author, unit, status, role, version and the like are set on the server (STYLE 6):
each create and edit page is posted valid data plus ``EXTRA`` (naming another
town, another person, a later status, a superuser…), and what the server sets
is checked afterwards. A field the form really has is left out of ``EXTRA`` for
that page, so the post stays valid.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from collaborators.models import (
    Collaborator,
    Regulation,
    RosterEvent,
    TrainingSession,
)
from collaborators.tests.factories import CollaboratorFactory
from dluan.models import User
from meetings.models import Invitation, Meeting, ReferenceDocument
from meetings.tests.factories import InvitationFactory, MeetingFactory
from reports.models import Direction, FollowUp, Issue, OpinionReport
from reports.services import period_for
from reports.tests.conftest import report_post
from reports.tests.factories import (
    IssueFactory,
    OpinionReportFactory,
    OpinionStreamFactory,
)
from summaries import services as summary_services
from summaries.models import Summary

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def extra(other_town, other_staff, other_collaborator):
    """``extra(*skip)``: fields no form here has, pointing where they must not."""

    def _extra(*skip: str) -> dict:
        someone = str(other_staff.pk)
        values = {
            "author": str(other_collaborator.collaborator.pk),
            "user": someone,
            "created_by": someone,
            "uploaded_by": someone,
            "requested_by": someone,
            "approved_by": someone,
            "recorded_by": someone,
            "unit": str(other_town.pk),
            "org_unit": str(other_town.pk),
            "status": "approved",
            "role": User.Role.ADMIN,
            "is_superuser": "on",
            "is_staff": "on",
            "is_active": "on",
            "version": "99",
            "revision": "99",
            "number": "99",
            "period": "1",
            "meeting": "1",
            "issue": "1",
            "collaborator": str(other_collaborator.collaborator.pk),
        }
        return {key: value for key, value in values.items() if key not in skip}

    return _extra


def _persona_unchanged(user):
    fresh = User.objects.get(pk=user.pk)
    assert (fresh.role, fresh.org_unit_id, fresh.is_superuser, fresh.is_staff) == (
        user.role,
        user.org_unit_id,
        user.is_superuser,
        user.is_staff,
    )


# --- Reports -------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["save", "submit"])
def test_filing_a_report_keeps_author_unit_and_status(
    client_of, collaborator, commune, extra, action
):
    response = client_of(collaborator).post(
        reverse("reports:report-create"),
        {**report_post(commune), **extra(), "action": action},
    )
    assert response.status_code == 302
    report = OpinionReport.objects.get()
    assert report.author == collaborator.collaborator
    assert report.unit == commune
    assert report.status == (
        OpinionReport.Status.SUBMITTED
        if action == "submit"
        else OpinionReport.Status.DRAFT
    )
    assert report.version < 99
    _persona_unchanged(collaborator)


def test_editing_a_returned_report_keeps_author_unit_and_status(
    client_of, collaborator, commune, extra
):
    report = OpinionReportFactory(
        author=collaborator.collaborator, status=OpinionReport.Status.RETURNED
    )
    response = client_of(collaborator).post(
        reverse("reports:report-edit", args=[report.pk]),
        {**report_post(commune, title="Sạt lở bờ sông Bồ (bổ sung)"), **extra()},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.title == "Sạt lở bờ sông Bồ (bổ sung)"
    assert (report.author, report.unit, report.status) == (
        collaborator.collaborator,
        commune,
        OpinionReport.Status.RETURNED,
    )


def test_autosave_keeps_author_and_unit(client_of, collaborator, commune, extra):
    response = client_of(collaborator).post(
        reverse("reports:report-autosave"), {**report_post(commune), **extra()}
    )
    assert response.json()["saved"] is True
    report = OpinionReport.objects.get()
    assert (report.author, report.unit, report.status) == (
        collaborator.collaborator,
        commune,
        OpinionReport.Status.DRAFT,
    )


def test_rating_a_report_keeps_its_status_author_and_unit(
    client_of, staff, collaborator, commune, extra
):
    report = OpinionReportFactory(author=collaborator.collaborator)
    OpinionStreamFactory(report=report)
    response = client_of(staff).post(
        reverse("reports:report-rate", args=[report.pk]),
        {
            **extra("version"),
            "version": report.version,
            "depth": "3",
            "balance": "3",
            "timeliness": "3",
            "usefulness": "3",
            "feedback": "Báo cáo đầy đủ.",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.quality_depth == 3
    assert (report.author, report.unit, report.status) == (
        collaborator.collaborator,
        commune,
        OpinionReport.Status.SUBMITTED,
    )


def test_opening_an_issue_keeps_unit_author_and_status(client_of, staff, town, extra):
    response = client_of(staff).post(
        reverse("reports:issue-create"),
        {**extra(), "title": "Sạt lở bờ sông Bồ", "description": "", "severity": "2"},
    )
    assert response.status_code == 302
    issue = Issue.objects.get()
    assert (issue.unit, issue.created_by, issue.status) == (
        town,
        staff,
        Issue.Status.NEW,
    )


def test_a_follow_up_stays_on_its_issue(client_of, staff, town, other_town, extra):
    issue = IssueFactory(unit=town, created_by=staff)
    other = IssueFactory(unit=other_town, created_by=staff)
    response = client_of(staff).post(
        reverse("reports:followup-create", args=[issue.pk]),
        {
            **extra(),
            "issue": str(other.pk),
            "agency": "UBND phường",
            "request": "Kiểm tra bờ sông.",
            "due_date": (timezone.localdate() + datetime.timedelta(days=7)).strftime(
                "%d/%m/%Y"
            ),
        },
    )
    assert response.status_code == 302
    follow_up = FollowUp.objects.get()
    assert (follow_up.issue, follow_up.created_by) == (issue, staff)


def test_editing_an_issue_keeps_its_unit_and_author(client_of, staff, town, extra):
    issue = IssueFactory(unit=town, created_by=staff)
    response = client_of(staff).post(
        reverse("reports:issue-edit", args=[issue.pk]),
        {
            **extra("status", "version"),
            "version": issue.version,
            "title": "Sạt lở bờ sông Bồ (cập nhật)",
            "description": "",
            "status": Issue.Status.MONITORING,
            "severity": "2",
            "outcome": "",
        },
    )
    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.title == "Sạt lở bờ sông Bồ (cập nhật)"
    assert (issue.unit, issue.created_by) == (town, staff)


def test_a_direction_stays_on_its_issue_and_author(
    client_of, leader, staff, town, other_town, extra
):
    issue = IssueFactory(unit=town, created_by=staff)
    other = IssueFactory(unit=other_town, created_by=staff)
    response = client_of(leader).post(
        reverse("reports:direction-create", args=[issue.pk]),
        {**extra(), "issue": str(other.pk), "text": "Khẩn trương kè bờ sông."},
    )
    assert response.status_code == 302
    direction = Direction.objects.get()
    assert (direction.issue, direction.author) == (issue, leader)
    _persona_unchanged(leader)


# --- Roster ----------------------------------------------------------------------------


def _collaborator_data(unit, **values) -> dict:
    return {
        "full_name": "Nguyễn Văn An",
        "gender": "male",
        "birth_year": "1968",
        "phone": "0905 123 456",
        "email": "an@example.vn",
        "unit": unit.pk,
        "occupation": "giáo viên",
        "decision_number": "123-QĐ/TU",
        "decision_date": "01/03/2025",
        "term_start": "01/03/2025",
        "term_end": "28/02/2027",
        "monthly_allowance": "500000",
        **values,
    }


def test_adding_a_collaborator_keeps_status_and_account(
    client_of, staff, commune, extra
):
    response = client_of(staff).post(
        reverse("collaborators:collaborator-create"),
        {**extra("unit", "user"), **_collaborator_data(commune)},
    )
    assert response.status_code == 302
    record = Collaborator.objects.get(phone="0905123456")
    assert (record.unit, record.status, record.user) == (
        commune,
        Collaborator.Status.ACTIVE,
        None,
    )


def test_editing_a_collaborator_keeps_status_and_account(
    client_of, staff, commune, extra
):
    record = CollaboratorFactory(unit=commune, status=Collaborator.Status.SUSPENDED)
    response = client_of(staff).post(
        reverse("collaborators:collaborator-edit", args=[record.pk]),
        {**extra("unit", "user"), **_collaborator_data(commune, occupation="bác sĩ")},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.occupation == "bác sĩ"
    assert (record.status, record.user) == (Collaborator.Status.SUSPENDED, None)


def test_a_roster_decision_stays_on_its_collaborator(
    client_of, staff, commune, other_collaborator, extra
):
    record = CollaboratorFactory(unit=commune)
    response = client_of(staff).post(
        reverse("collaborators:collaborator-event-create", args=[record.pk]),
        {
            **extra(),
            "kind": RosterEvent.Kind.SUSPEND,
            "date": timezone.localdate().strftime("%d/%m/%Y"),
            "decision_number": "",
            "reason": "Vắng giao ban nhiều lần.",
        },
    )
    assert response.status_code == 302
    event = RosterEvent.objects.get()
    assert (event.collaborator, event.created_by) == (record, staff)
    record.refresh_from_db()
    assert record.status == Collaborator.Status.SUSPENDED
    other = other_collaborator.collaborator
    other.refresh_from_db()
    assert (other.status, other.events.count()) == (Collaborator.Status.ACTIVE, 0)


def test_a_training_session_keeps_its_author(client_of, staff, town, extra):
    response = client_of(staff).post(
        reverse("collaborators:training-create"),
        {
            **extra("unit"),
            "title": "Tập huấn nghiệp vụ",
            "unit": town.pk,
            "organiser": "Ban Tuyên giáo",
            "date": "01/06/2025",
            "place": "Hội trường",
            "topics": "",
        },
    )
    assert response.status_code == 302
    assert TrainingSession.objects.get().created_by == staff


def test_a_regulation_keeps_unit_and_author(client_of, staff, town, extra):
    response = client_of(staff).post(
        reverse("collaborators:regulation-create"),
        {
            **extra("version"),
            "title": "Quy chế hoạt động",
            "version": "2026",
            "decision_number": "01-QC/BTG",
            "effective_date": "01/01/2026",
            "summary": "",
            "upload": SimpleUploadedFile("quy-che.pdf", PDF),
        },
    )
    assert response.status_code == 302
    regulation = Regulation.objects.get()
    assert (regulation.unit, regulation.created_by) == (town, staff)


def test_giving_sign_in_makes_a_collaborator_account(client_of, staff, commune, extra):
    record = CollaboratorFactory(unit=commune, email="an@example.vn")
    client_of(staff).post(
        reverse("collaborators:signin-give", args=[record.pk]),
        {**extra(), "username": "ctv_an"},
    )
    record.refresh_from_db()
    account = record.user
    assert account is not None
    assert (account.role, account.org_unit, account.is_superuser, account.is_staff) == (
        User.Role.COLLABORATOR,
        commune,
        False,
        False,
    )


# --- Accounts ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["collaborator", "staff", "leader"])
def test_choosing_a_language_changes_nothing_else(client_of, extra, persona, request):
    user = request.getfixturevalue(persona)
    client_of(user).post(reverse("set_language"), {**extra(), "language": "en"})
    _persona_unchanged(user)
    assert User.objects.get(pk=user.pk).language == "en"


def test_changing_a_password_changes_nothing_else(client_of, staff, extra):
    response = client_of(staff).post(
        reverse("password_change"),
        {
            **extra(),
            "old_password": "dluan-demo-2026",
            "new_password1": "sông Hương chảy qua Huế",
            "new_password2": "sông Hương chảy qua Huế",
        },
    )
    assert response.status_code == 302
    _persona_unchanged(staff)


# --- Briefings and documents ---------------------------------------------------------------


def _meeting_data(**values) -> dict:
    day = timezone.localdate() + datetime.timedelta(days=3)
    return {
        "kind": Meeting.Kind.AD_HOC,
        "title": "Giao ban đột xuất về sạt lở",
        "starts_on": day.strftime("%d/%m/%Y"),
        "starts_time": "14:00",
        "place": "Hội trường Thị ủy",
        "chair": "Trần Văn Hùng",
        **values,
    }


def test_planning_a_meeting_keeps_unit_status_and_author(client_of, staff, town, extra):
    response = client_of(staff).post(
        reverse("meetings:meeting-create"), {**extra(), **_meeting_data()}
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.unit, meeting.status, meeting.created_by) == (
        town,
        Meeting.Status.PLANNED,
        staff,
    )


def test_editing_a_meeting_keeps_unit_and_status(client_of, staff, town, extra):
    meeting = MeetingFactory(unit=town, created_by=staff)
    response = client_of(staff).post(
        reverse("meetings:meeting-update", args=[meeting.pk]),
        {**extra(), **_meeting_data(title="Giao ban (dời lịch)")},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "Giao ban (dời lịch)"
    assert (meeting.unit, meeting.status, meeting.created_by) == (
        town,
        Meeting.Status.PLANNED,
        staff,
    )


def test_answering_an_invitation_answers_ones_own(
    client_of, staff, town, collaborator, other_collaborator, extra
):
    meeting = MeetingFactory(unit=town, created_by=staff)
    mine = InvitationFactory(meeting=meeting, collaborator=collaborator.collaborator)
    theirs = InvitationFactory(
        meeting=meeting, collaborator=other_collaborator.collaborator
    )
    response = client_of(collaborator).post(
        reverse("meetings:invitation-respond", args=[meeting.pk]),
        {**extra(), "response": Invitation.Response.ATTEND, "reason": ""},
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.response == Invitation.Response.ATTEND
    assert theirs.response != Invitation.Response.ATTEND
    assert (mine.meeting, mine.collaborator) == (meeting, collaborator.collaborator)


def test_handing_out_a_document_keeps_unit_and_uploader(
    client_of, staff, town, collaborator, extra
):
    response = client_of(staff).post(
        reverse("meetings:document-create"),
        {
            **extra("meeting"),
            "collaborators": [collaborator.collaborator.pk],
            "title": "Hướng dẫn tuyên truyền",
            "source": "Ban Tuyên giáo",
            "description": "",
            "file": SimpleUploadedFile("huong-dan.pdf", PDF),
        },
    )
    assert response.status_code == 302
    document = ReferenceDocument.objects.get()
    assert (document.unit, document.uploaded_by) == (town, staff)


# --- Summaries -----------------------------------------------------------------------------


def test_editing_a_summary_keeps_status_unit_and_version(
    client_of, staff, town, collaborator, extra
):
    period = period_for(day=timezone.localdate() - datetime.timedelta(days=60))
    OpinionReportFactory(
        author=collaborator.collaborator,
        period=period,
        occurred_on=period.start,
        status=OpinionReport.Status.ACCEPTED,
    )
    summary = summary_services.summary_compile(
        summary_id=summary_services.summary_request(
            unit=town, period=period, user=staff, enqueue=False
        ).pk,
        render_brief=False,
    )
    response = client_of(staff).post(
        reverse("summaries:summary-edit", args=[summary.pk]),
        {
            **extra("revision", "number"),
            "revision": summary.revision,
            "general_situation": "Tình hình dư luận ổn định.",
            "number": "12-BC/BTG",
            "recipients": "Thường trực Thị ủy",
        },
    )
    assert response.status_code == 302
    summary.refresh_from_db()
    assert summary.general_situation == "Tình hình dư luận ổn định."
    assert (summary.status, summary.unit, summary.version, summary.approved_by) == (
        Summary.Status.DRAFT,
        town,
        1,
        None,
    )
    assert summary.requested_by == staff
