import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from collaborators.models import Collaborator
from collaborators.tests.factories import CollaboratorFactory
from meetings import services
from meetings.models import AgendaItem, Attendance, Invitation, Meeting, MeetingAction
from meetings.tests.factories import (
    DocumentFactory,
    InvitationFactory,
    MeetingFactory,
    in_days,
)
from reports.models import FollowUp
from reports.tests.factories import IssueFactory

STAFF_PAGES = [
    "meetings:meeting-update",
    "meetings:meeting-invitees",
    "meetings:meeting-attendance",
    "meetings:meeting-minutes",
]
MANAGER_PAGES = ["meetings:meeting-minutes-pdf", "meetings:meeting-attendance-xlsx"]


@pytest.fixture
def outsider(commune):
    """A collaborator of the same commune who was not invited."""
    return CollaboratorFactory(
        unit=commune, with_account=True, gender=Collaborator.Gender.FEMALE
    ).user


def _url(name, meeting):
    return reverse(name, args=[meeting.pk])


# --- Who may see what ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("staff", 200),
        ("leader", 200),
        ("admin_user", 200),
        ("collaborator", 200),
        ("outsider", 404),
        ("other_staff", 404),
    ],
)
def test_meeting_page_access(request, client_of, meeting, persona, status):
    user = request.getfixturevalue(persona)
    response = client_of(user).get(meeting.get_absolute_url())
    assert response.status_code == status
    if status == 200:
        assert meeting.title in response.content.decode()


def test_anonymous_is_sent_to_login(client, meeting):
    for url in [
        reverse("meetings:meeting-list"),
        meeting.get_absolute_url(),
        reverse("meetings:meeting-create"),
        *(_url(name, meeting) for name in STAFF_PAGES + MANAGER_PAGES),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", STAFF_PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("staff", 200),
        ("admin_user", 200),
        ("leader", 404),
        ("collaborator", 404),
        ("other_staff", 404),
    ],
)
def test_staff_pages_access(request, client_of, meeting, name, persona, status):
    user = request.getfixturevalue(persona)
    assert client_of(user).get(_url(name, meeting)).status_code == status


@pytest.mark.parametrize("name", MANAGER_PAGES)
@pytest.mark.parametrize(
    ("persona", "status"),
    [("staff", 200), ("leader", 200), ("collaborator", 404), ("other_staff", 404)],
)
def test_exports_access(request, client_of, meeting, name, persona, status):
    user = request.getfixturevalue(persona)
    assert client_of(user).get(_url(name, meeting)).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"), [("staff", 200), ("leader", 404), ("collaborator", 404)]
)
def test_create_page_access(request, client_of, persona, status):
    user = request.getfixturevalue(persona)
    assert client_of(user).get(reverse("meetings:meeting-create")).status_code == status


@pytest.mark.parametrize("persona", ["leader", "collaborator", "other_staff"])
def test_only_staff_of_the_unit_change_a_meeting(
    request, client_of, meeting, staff, town, persona
):
    item = services.agenda_item_add(meeting=meeting, user=staff, title="Một")
    services.agenda_item_add(meeting=meeting, user=staff, title="Hai")
    issue = IssueFactory(unit=town, created_by=staff)
    action = services.meeting_action_add(
        meeting=meeting,
        user=staff,
        description="Việc",
        agency="UBND",
        due_date=timezone.localdate(),
        issue=issue,
    )
    client = client_of(request.getfixturevalue(persona))
    posts = [
        (reverse("meetings:meeting-cancel", args=[meeting.pk]), {}),
        (reverse("meetings:agenda-accept", args=[meeting.pk]), {}),
        (reverse("meetings:agenda-item-create", args=[meeting.pk]), {"title": "X"}),
        (
            reverse("meetings:agenda-item-move", args=[meeting.pk, item.pk]),
            {"direction": "down"},
        ),
        (reverse("meetings:agenda-item-drop", args=[meeting.pk, item.pk]), {}),
        (reverse("meetings:action-create", args=[meeting.pk]), {"description": "Y"}),
        (reverse("meetings:action-follow-up", args=[meeting.pk, action.pk]), {}),
        (reverse("meetings:meeting-minutes", args=[meeting.pk]), {"conclusions": "Z"}),
        (reverse("meetings:meeting-attendance", args=[meeting.pk]), {}),
        (reverse("meetings:meeting-invitees", args=[meeting.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED
    assert meeting.conclusions == ""
    assert list(meeting.agenda_items.values_list("title", flat=True)) == ["Một", "Hai"]
    assert MeetingAction.objects.count() == 1
    assert not FollowUp.objects.exists()
    assert meeting.invitations.active().count() == 2


def test_list_is_scoped(client_of, meeting, other_meeting, other_staff, outsider):
    url = reverse("meetings:meeting-list")
    assert meeting.title not in client_of(other_staff).get(url).content.decode()
    assert other_meeting.title in client_of(other_staff).get(url).content.decode()
    assert meeting.title not in client_of(outsider).get(url).content.decode()


@pytest.mark.parametrize("persona", ["staff", "leader", "collaborator"])
def test_list_shows_upcoming_meetings_to_each_role(
    request, client_of, meeting, persona
):
    user = request.getfixturevalue(persona)
    response = client_of(user).get(reverse("meetings:meeting-list"))
    assert response.status_code == 200
    assert meeting.title in response.content.decode()


def test_past_meetings_tab(client_of, staff, town):
    held = MeetingFactory(
        unit=town,
        status=Meeting.Status.HELD,
        starts_at=timezone.now() - datetime.timedelta(days=5),
    )
    upcoming = client_of(staff).get(reverse("meetings:meeting-list")).content.decode()
    past = client_of(staff).get(reverse("meetings:meeting-list") + "?when=past")
    assert held.title not in upcoming
    assert held.title in past.content.decode()


# --- Query counts ----------------------------------------------------------------------


def _count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def _fill(meeting, staff, town, make_invitees, size):
    make_invitees(meeting, size)
    for index in range(size):
        item = services.agenda_item_add(
            meeting=meeting,
            user=staff,
            title=f"Mục {index}",
            issue=IssueFactory(unit=town, created_by=staff),
        )
        item.reports.set([])
        MeetingAction.objects.create(
            meeting=meeting, description=f"Việc {index}", created_by=staff
        )
        DocumentFactory(unit=town, meeting=meeting, uploaded_by=staff)
    for invitation in meeting.invitations.all()[: size // 2]:
        Attendance.objects.create(
            meeting=meeting,
            collaborator=invitation.collaborator,
            status=Attendance.Status.PRESENT,
            recorded_by=staff,
        )


def test_meeting_page_query_count_does_not_grow(
    client_of, staff, town, make_invitees, django_assert_num_queries
):
    small = MeetingFactory(unit=town)
    large = MeetingFactory(unit=town)
    _fill(small, staff, town, make_invitees, 2)
    _fill(large, staff, town, make_invitees, 12)
    client = client_of(staff)
    expected = _count_queries(client, small.get_absolute_url())
    with django_assert_num_queries(expected):
        client.get(large.get_absolute_url())


def test_meeting_list_query_count_does_not_grow(
    client_of, staff, town, make_invitees, django_assert_num_queries
):
    client = client_of(staff)
    url = reverse("meetings:meeting-list")
    for index in range(2):
        make_invitees(MeetingFactory(unit=town, starts_at=in_days(index + 1)), 2)
    expected = _count_queries(client, url)
    for index in range(10):
        make_invitees(MeetingFactory(unit=town, starts_at=in_days(index + 5)), 3)
    with django_assert_num_queries(expected):
        client.get(url)


def test_collaborator_list_query_count_does_not_grow(
    client_of, collaborator, town, django_assert_num_queries
):
    client = client_of(collaborator)
    url = reverse("meetings:meeting-list")
    for index in range(2):
        InvitationFactory(
            meeting=MeetingFactory(unit=town, starts_at=in_days(index + 1)),
            collaborator=collaborator.collaborator,
        )
    expected = _count_queries(client, url)
    for index in range(8):
        InvitationFactory(
            meeting=MeetingFactory(unit=town, starts_at=in_days(index + 5)),
            collaborator=collaborator.collaborator,
        )
    with django_assert_num_queries(expected):
        client.get(url)


# --- Staff prepare and record ----------------------------------------------------------


def _meeting_post(days=2, **extra):
    day = timezone.localdate() + datetime.timedelta(days=days)
    return {
        "kind": Meeting.Kind.AD_HOC,
        "title": "Giao ban đột xuất về sạt lở",
        "starts_on": day.isoformat(),
        "starts_time": "14:00",
        "place": "Hội trường Thị ủy",
        "chair": "Trần Văn Hùng",
        **extra,
    }


def test_staff_plan_an_ad_hoc_meeting(client_of, staff, collaborator):
    response = client_of(staff).post(
        reverse("meetings:meeting-create"), _meeting_post()
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    assert timezone.localtime(meeting.starts_at).hour == 14
    assert meeting.invitations.filter(collaborator=collaborator.collaborator).exists()


def test_a_meeting_in_the_past_is_refused_with_a_message(client_of, staff):
    response = client_of(staff).post(
        reverse("meetings:meeting-create"), _meeting_post(days=-1)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["starts_on"]
    assert not Meeting.objects.exists()


def test_a_meeting_too_far_ahead_is_refused_with_a_message(client_of, staff):
    response = client_of(staff).post(
        reverse("meetings:meeting-create"), _meeting_post(starts_on="9999-01-01")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["starts_on"]
    assert not Meeting.objects.exists()


def test_a_meeting_within_two_years_is_accepted(client_of, staff):
    response = client_of(staff).post(
        reverse("meetings:meeting-create"), _meeting_post(days=700)
    )
    assert response.status_code == 302
    assert Meeting.objects.count() == 1


def test_editing_too_far_ahead_changes_nothing(client_of, staff, meeting):
    before = meeting.starts_at
    response = client_of(staff).post(
        _url("meetings:meeting-update", meeting), _meeting_post(days=3 * 366)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["starts_on"]
    meeting.refresh_from_db()
    assert meeting.starts_at == before


def test_editing_into_the_past_changes_nothing(client_of, staff, meeting):
    before = meeting.starts_at
    response = client_of(staff).post(
        _url("meetings:meeting-update", meeting), _meeting_post(days=-3)
    )
    assert response.status_code == 200
    assert response.context["form"].errors["starts_on"]
    meeting.refresh_from_db()
    assert meeting.starts_at == before


def test_invitees_page_sends_invitations(client_of, staff, meeting, collaborator):
    Invitation.objects.update(sent_at=None)
    response = client_of(staff).post(
        _url("meetings:meeting-invitees", meeting),
        {"collaborators": [collaborator.collaborator.pk]},
    )
    assert response.status_code == 302
    assert list(meeting.invitations.sent().values_list("collaborator", flat=True)) == [
        collaborator.collaborator.pk
    ]
    assert collaborator.notifications.count() == 1


def test_accept_proposal_and_reorder(client_of, staff, meeting, town):
    first = IssueFactory(unit=town, created_by=staff, title="Sạt lở bờ sông Hương")
    second = IssueFactory(unit=town, created_by=staff, title="Giá điện tăng")
    first.severity, second.severity = 3, 2
    first.save()
    second.save()
    client = client_of(staff)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert 'data-testid="agenda-proposal"' in page
    client.post(reverse("meetings:agenda-accept", args=[meeting.pk]))
    items = list(meeting.agenda_items.all())
    assert [i.issue for i in items] == [first, second]
    client.post(
        reverse("meetings:agenda-item-move", args=[meeting.pk, items[1].pk]),
        {"direction": "up"},
    )
    assert [i.issue for i in meeting.agenda_items.all()] == [second, first]
    client.post(reverse("meetings:agenda-item-drop", args=[meeting.pk, items[0].pk]))
    assert [i.issue for i in meeting.agenda_items.current()] == [second]
    assert meeting.agenda_items.count() == 2  # the dropped item stays on record
    client.post(
        reverse("meetings:agenda-item-create", args=[meeting.pk]),
        {"title": "Ý kiến khác", "note": ""},
    )
    assert meeting.agenda_items.current().last().source == AgendaItem.Source.MANUAL


def test_agenda_item_of_another_meeting_is_404(client_of, staff, meeting, town):
    elsewhere = MeetingFactory(unit=town)
    item = services.agenda_item_add(meeting=elsewhere, user=staff, title="Một")
    response = client_of(staff).post(
        reverse("meetings:agenda-item-drop", args=[meeting.pk, item.pk])
    )
    assert response.status_code == 404
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_attendance_in_one_post(
    client_of, staff, meeting, collaborator, other_collaborator
):
    response = client_of(staff).post(
        _url("meetings:meeting-attendance", meeting),
        {
            f"status_{collaborator.collaborator.pk}": "present",
            f"status_{other_collaborator.collaborator.pk}": "excused",
            f"reason_{other_collaborator.collaborator.pk}": "Ốm",
        },
    )
    assert response.status_code == 302
    assert dict(meeting.attendances.values_list("collaborator_id", "status")) == {
        collaborator.collaborator.pk: "present",
        other_collaborator.collaborator.pk: "excused",
    }


def test_attendance_field_with_other_digits_is_ignored(
    client_of, staff, meeting, collaborator
):
    response = client_of(staff).post(
        _url("meetings:meeting-attendance", meeting),
        {f"status_{collaborator.collaborator.pk}": "present", "status_²": "present"},
    )
    assert response.status_code == 302
    assert list(meeting.attendances.values_list("collaborator_id", flat=True)) == [
        collaborator.collaborator.pk
    ]


def test_agenda_of_a_held_meeting_stays_as_it_was(client_of, staff, meeting, town):
    kept = [
        services.agenda_item_add(meeting=meeting, user=staff, title=t)
        for t in ("Một", "Hai")
    ]
    IssueFactory(unit=town, created_by=staff)
    services.minutes_save(meeting=meeting, user=staff, conclusions="Kết luận")
    client = client_of(staff)
    page = client.get(meeting.get_absolute_url())
    assert page.status_code == 200
    assert page.context.get("item_form") is None
    assert not page.context.get("proposals")
    assert 'data-testid="agenda-drop"' not in page.content.decode()
    posts = [
        (reverse("meetings:agenda-accept", args=[meeting.pk]), {}),
        (reverse("meetings:agenda-item-create", args=[meeting.pk]), {"title": "X"}),
        (
            reverse("meetings:agenda-item-move", args=[meeting.pk, kept[1].pk]),
            {"direction": "up"},
        ),
        (reverse("meetings:agenda-item-drop", args=[meeting.pk, kept[0].pk]), {}),
    ]
    for url, data in posts:
        response = client.post(url, data, follow=True)
        assert response.status_code == 200, url
        assert [m.level_tag for m in response.context["messages"]] == ["error"], url
    rows = AgendaItem.objects.order_by("position", "pk")
    assert [(i.title, i.dropped_at) for i in rows] == [("Một", None), ("Hai", None)]


def test_a_dropped_item_leaves_the_agenda_and_the_minutes(
    client_of, staff, meeting, collaborator
):
    kept = services.agenda_item_add(meeting=meeting, user=staff, title="Giữ lại")
    dropped = services.agenda_item_add(meeting=meeting, user=staff, title="Bỏ ra")
    client = client_of(staff)
    client.post(reverse("meetings:agenda-item-drop", args=[meeting.pk, dropped.pk]))
    dropped.refresh_from_db()
    assert dropped.dropped_at is not None
    page = client.get(meeting.get_absolute_url())
    assert [item.pk for item in page.context["agenda"]] == [kept.pk]
    own = client_of(collaborator).get(meeting.get_absolute_url())
    assert [item.pk for item in own.context["agenda"]] == [kept.pk]
    again = client.post(
        reverse("meetings:agenda-item-drop", args=[meeting.pk, dropped.pk])
    )
    assert again.status_code == 404


def test_attendance_for_a_stranger_is_refused(client_of, staff, meeting, outsider):
    response = client_of(staff).post(
        _url("meetings:meeting-attendance", meeting),
        {f"status_{outsider.collaborator.pk}": "present"},
    )
    assert response.status_code == 400
    assert response.context["errors"]
    assert not Attendance.objects.exists()


def test_minutes_and_actions(client_of, staff, meeting, town):
    issue = IssueFactory(unit=town, created_by=staff)
    client = client_of(staff)
    response = client.post(
        _url("meetings:meeting-minutes", meeting),
        {"conclusions": "Kết luận của đồng chí Trưởng ban", "guidance": "Định hướng"},
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.HELD
    assert meeting.conclusions == "Kết luận của đồng chí Trưởng ban"
    due = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    response = client.post(
        reverse("meetings:action-create", args=[meeting.pk]),
        {
            "description": "Kiểm tra xả thải",
            "agency": "UBND phường Tứ Hạ",
            "due_date": due,
            "issue": issue.pk,
            "make_follow_up": "on",
        },
    )
    assert response.status_code == 302
    assert FollowUp.objects.get().issue == issue


def test_actions_offer_the_issues_of_the_meeting_unit_not_the_whole_province(
    client_of, admin_user, staff, meeting, town, commune, other_town, province
):
    own = IssueFactory(unit=town, created_by=staff, title="Sạt lở bờ sông")
    below = IssueFactory(unit=commune, created_by=staff, title="Tín dụng đen")
    above = IssueFactory(unit=province, created_by=admin_user, title="Tin giả")
    elsewhere = IssueFactory(unit=other_town, created_by=admin_user, title="Khác")
    response = client_of(admin_user).get(_url("meetings:meeting-detail", meeting))
    offered = set(response.context["action_form"].fields["issue"].queryset)
    assert offered == {own, below, above}
    response = client_of(admin_user).post(
        reverse("meetings:action-create", args=[meeting.pk]),
        {"description": "Kiểm tra", "issue": elsewhere.pk},
    )
    assert response.status_code == 400
    assert not MeetingAction.objects.exists()


def test_follow_up_without_issue_is_refused(client_of, staff, meeting):
    response = client_of(staff).post(
        reverse("meetings:action-create", args=[meeting.pk]),
        {"description": "Kiểm tra", "make_follow_up": "on"},
    )
    assert response.status_code == 400
    assert not MeetingAction.objects.exists()


def test_cancel(client_of, staff, meeting, collaborator):
    client_of(staff).post(reverse("meetings:meeting-cancel", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CANCELLED
    assert collaborator.notifications.exists()


# --- Collaborators answer --------------------------------------------------------------


def test_collaborator_answers_the_invitation(client_of, meeting, collaborator):
    url = reverse("meetings:invitation-respond", args=[meeting.pk])
    client = client_of(collaborator)
    response = client.post(url, {"response": "cannot_attend", "reason": ""})
    assert response.status_code == 400
    invitation = meeting.invitations.get(collaborator=collaborator.collaborator)
    assert invitation.response == Invitation.Response.PENDING
    response = client.post(url, {"response": "cannot_attend", "reason": "Đi công tác"})
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.response == Invitation.Response.CANNOT_ATTEND
    assert invitation.reason == "Đi công tác"


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("staff", 404)])
def test_only_invitees_answer(request, client_of, meeting, persona, status):
    client = client_of(request.getfixturevalue(persona))
    response = client.post(
        reverse("meetings:invitation-respond", args=[meeting.pk]),
        {"response": "attend"},
    )
    assert response.status_code == status
    assert not Invitation.objects.exclude(response="pending").exists()


def test_unsent_invitation_is_invisible(client_of, meeting, collaborator):
    Invitation.objects.update(sent_at=None)
    response = client_of(collaborator).get(meeting.get_absolute_url())
    assert response.status_code == 404


def test_home_panels(client_of, meeting, collaborator, staff):
    page = client_of(collaborator).get(reverse("home")).content.decode()
    assert 'data-testid="panel-invitations"' in page
    assert meeting.title in page
    page = client_of(staff).get(reverse("home")).content.decode()
    assert 'data-testid="panel-upcoming"' in page
    assert meeting.title in page
