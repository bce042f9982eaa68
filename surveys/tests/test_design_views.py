"""The survey list, a survey's hub, its settings and its status."""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from surveys.models import Question, QuestionnaireVersion, Response, Survey
from surveys.tests.factories import AssignmentFactory, SurveyFactory

HOSTILE = "<script>alert(1)</script>"
# Staff: the decided responses' counts are read once per review (the cache is cold
# here), the pending ones in the list query.
PINNED = {"staff": 8, "collaborator": 6}


@pytest.fixture
def client_of(client):
    """The test client signed in as ``user``, who reads English: the assertions
    name the source strings, whatever the catalogue holds."""

    def _login(user):
        user.language = "en"
        user.save(update_fields=["language"])
        client.force_login(user)
        return client

    return _login


def _response(survey, *, review=Response.Review.PENDING, state="submitted", **kw):
    return Response.objects.create(
        survey=survey,
        version=survey.current_version,
        mode=Response.Mode.FACE_TO_FACE,
        client_id=uuid.uuid4(),
        state=state,
        review=review,
        submitted_at=timezone.now() if state == "submitted" else None,
        **kw,
    )


@pytest.fixture
def assigned(survey, collaborator, commune):
    """``collaborator`` is to make 20 interviews in Tứ Hạ for ``survey``."""
    return AssignmentFactory(
        survey=survey, collaborator=collaborator.collaborator, commune=commune
    )


def _form(**overrides):
    data = {
        "title": "Điều tra dư luận về sắp xếp đơn vị hành chính",
        "purpose": "Nắm bắt tâm trạng của nhân dân.",
        "unit": "",
        "mode": Survey.Mode.BOTH,
        "starts_on": "01/03/2026",
        "ends_on": "15/03/2026",
        "answer_cap": "10000",
        "min_seconds_per_question": "4",
    }
    data.update(overrides)
    return data


# --- The list ---------------------------------------------------------------------------


def test_staff_list_shows_counts_of_their_subtree(
    client_of, staff, survey, other_survey
):
    _response(survey, review=Response.Review.APPROVED)
    _response(survey)
    _response(survey, state="draft")
    response = client_of(staff).get(reverse("surveys:survey-list"))
    page = response.content.decode()
    assert survey.title in page
    assert other_survey.title not in page
    row = next(s for s in response.context["page"] if s.pk == survey.pk)
    assert (row.submitted_count, row.approved_count) == (2, 1)
    assert 'data-testid="survey-create"' in page


def test_leader_sees_list_without_create_button(client_of, leader, survey):
    page = client_of(leader).get(reverse("surveys:survey-list")).content.decode()
    assert survey.title in page
    assert 'data-testid="survey-create"' not in page


def test_collaborator_sees_only_assigned_surveys(
    client_of, collaborator, survey, assigned, town, staff
):
    unassigned = SurveyFactory(unit=town, created_by=staff, title="Không giao")
    _response(survey, entered_by=collaborator)
    _response(survey, entered_by=collaborator, state="draft")
    response = client_of(collaborator).get(reverse("surveys:survey-list"))
    page = response.content.decode()
    assert survey.title in page
    assert unassigned.title not in page
    row = response.context["page"][0]
    assert (row.my_target, row.my_done) == (20, 1)
    assert 'data-testid="survey-create"' not in page


@pytest.mark.parametrize("persona", ["staff", "collaborator"])
def test_list_query_count_is_pinned(
    request, client_of, town, commune, staff, persona, django_assert_num_queries
):
    user = request.getfixturevalue(persona)
    client = client_of(user)
    for _ in range(6):
        survey = SurveyFactory(unit=town, created_by=staff)
        _response(survey, review=Response.Review.APPROVED)
        if user.is_collaborator:
            AssignmentFactory(
                survey=survey, collaborator=user.collaborator, commune=commune
            )
    # Session, user, unit, subtree ids (staff), unread notices, count, rows, and
    # the reviewed responses' counts (staff, until the next review).
    with django_assert_num_queries(PINNED[persona]):
        response = client.get(reverse("surveys:survey-list"))
    assert len(response.context["page"]) == 6
    if not user.is_collaborator:
        with django_assert_num_queries(PINNED[persona] - 1):
            client.get(reverse("surveys:survey-list"))


def test_list_counts_follow_answers_and_reviews(client_of, staff, survey):
    """The counts kept between reviews change with a new answer and a review."""
    from surveys.services.review import response_review

    client = client_of(staff)

    def counts():
        response = client.get(reverse("surveys:survey-list"))
        row = next(s for s in response.context["page"] if s.pk == survey.pk)
        return row.submitted_count, row.approved_count

    first = _response(survey)
    _response(survey, review=Response.Review.APPROVED)
    assert counts() == (2, 1)
    second = _response(survey)
    assert counts() == (3, 1)
    response_review(
        response=first, user=staff, review=Response.Review.APPROVED, comment=""
    )
    assert counts() == (3, 2)
    response_review(
        response=second, user=staff, review=Response.Review.REJECTED, comment="Trùng"
    )
    assert counts() == (3, 2)
    response_review(
        response=first, user=staff, review=Response.Review.REJECTED, comment="Sai"
    )
    assert counts() == (3, 1)


def test_list_pages_reach_every_survey_with_its_counts(client_of, staff, town):
    surveys = []
    for index in range(27):
        survey = SurveyFactory(unit=town, created_by=staff, title=f"Cuộc {index}")
        for _ in range(index % 3):
            _response(survey, review=Response.Review.APPROVED)
        surveys.append(survey)
    client = client_of(staff)
    seen = {}
    for number in (1, 2):
        response = client.get(reverse("surveys:survey-list"), {"page": number})
        for row in response.context["page"]:
            seen[row.pk] = (row.submitted_count, row.approved_count)
    assert seen == {s.pk: (i % 3, i % 3) for i, s in enumerate(surveys)}


def test_list_filters_by_status(client_of, staff, survey, town):
    draft = SurveyFactory(
        unit=town, created_by=staff, status=Survey.Status.DRAFT, title="Bản nháp X"
    )
    page = (
        client_of(staff)
        .get(reverse("surveys:survey-list"), {"status": "draft"})
        .content.decode()
    )
    assert draft.title in page
    assert survey.title not in page


def test_anonymous_is_sent_to_login(client, survey):
    for url in [
        reverse("surveys:survey-list"),
        reverse("surveys:survey-create"),
        survey.get_absolute_url(),
        reverse("surveys:survey-edit", args=[survey.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))


# --- Create and edit ---------------------------------------------------------------------


def test_staff_creates_a_draft_with_version_1(client_of, staff, town, commune):
    response = client_of(staff).post(
        reverse("surveys:survey-create"), _form(unit=commune.pk)
    )
    survey = Survey.objects.get(title__startswith="Điều tra dư luận về sắp xếp")
    assert response.status_code == 302
    assert response["Location"] == reverse("surveys:questionnaire", args=[survey.pk])
    assert survey.status == Survey.Status.DRAFT
    assert survey.created_by == staff
    assert survey.unit == commune
    assert survey.starts_on == datetime.date(2026, 3, 1)
    assert survey.answer_cap == 10000
    assert survey.current_version.number == 1
    assert QuestionnaireVersion.objects.filter(survey=survey).count() == 1


def test_create_form_defaults_to_staff_unit_and_lists_only_subtree(
    client_of, staff, town, other_town, commune
):
    response = client_of(staff).get(reverse("surveys:survey-create"))
    form = response.context["form"]
    assert form.initial["unit"] == town.pk
    assert set(form.fields["unit"].queryset) == {town, commune}
    assert 'placeholder="dd/mm/yyyy"' in response.content.decode()


def test_create_refuses_another_towns_unit(client_of, staff, other_town):
    response = client_of(staff).post(
        reverse("surveys:survey-create"), _form(unit=other_town.pk)
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Survey.objects.exists()


def test_create_refuses_end_before_start(client_of, staff, town):
    response = client_of(staff).post(
        reverse("surveys:survey-create"),
        _form(unit=town.pk, starts_on="10/03/2026", ends_on="01/03/2026"),
    )
    assert response.context["form"].errors["ends_on"]
    assert not Survey.objects.exists()


@pytest.mark.parametrize("persona", ["leader", "collaborator"])
def test_only_staff_create(request, client_of, persona, town):
    user = request.getfixturevalue(persona)
    client = client_of(user)
    assert client.get(reverse("surveys:survey-create")).status_code == 404
    assert (
        client.post(reverse("surveys:survey-create"), _form(unit=town.pk)).status_code
        == 404
    )
    assert not Survey.objects.exists()


def test_staff_edits_settings_and_hostile_title_is_escaped(client_of, staff, survey):
    client = client_of(staff)
    url = reverse("surveys:survey-edit", args=[survey.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, _form(title=HOSTILE, purpose=HOSTILE, unit=survey.unit_id)
    )
    assert response.status_code == 302
    survey.refresh_from_db()
    assert survey.title == HOSTILE
    page = client.get(survey.get_absolute_url()).content.decode()
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    list_page = client.get(reverse("surveys:survey-list")).content.decode()
    assert HOSTILE not in list_page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("other_staff", 404), ("leader", 404), ("collaborator", 404)],
)
def test_who_may_not_edit(request, client_of, survey, persona, status):
    user = request.getfixturevalue(persona)
    url = reverse("surveys:survey-edit", args=[survey.pk])
    client = client_of(user)
    assert client.get(url).status_code == status
    assert client.post(url, _form(title="X", unit=survey.unit_id)).status_code == 404
    survey.refresh_from_db()
    assert survey.title != "X"


# --- Status ----------------------------------------------------------------------------


def _status(client, survey, status):
    return client.post(
        reverse("surveys:survey-status", args=[survey.pk]),
        {"status": status},
        follow=True,
    )


def test_open_close_reopen_archive(client_of, staff, survey):
    client = client_of(staff)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.DRAFT)
    for status in ["open", "closed", "open", "closed", "archived"]:
        _status(client, survey, status)
        survey.refresh_from_db()
        assert survey.status == status


def test_open_refused_without_questions(client_of, staff, town):
    empty = SurveyFactory(unit=town, created_by=staff, status=Survey.Status.DRAFT)
    Question.objects.create(
        version=empty.current_version, name="s1", kind="section", label="Phần I"
    )
    response = _status(client_of(staff), empty, "open")
    empty.refresh_from_db()
    assert empty.status == Survey.Status.DRAFT
    messages = [str(m) for m in response.context["messages"]]
    assert any("questionnaire has no question" in m for m in messages)


def test_status_refuses_a_jump(client_of, staff, survey):
    response = _status(client_of(staff), survey, "archived")
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN
    assert list(response.context["messages"])


def test_status_is_post_only_and_staff_only(client_of, staff, leader, survey):
    url = reverse("surveys:survey-status", args=[survey.pk])
    assert client_of(staff).get(url).status_code == 405
    assert client_of(leader).post(url, {"status": "closed"}).status_code == 404
    survey.refresh_from_db()
    assert survey.status == Survey.Status.OPEN


def test_other_staff_cannot_close(client_of, other_staff, survey):
    url = reverse("surveys:survey-status", args=[survey.pk])
    assert client_of(other_staff).post(url, {"status": "closed"}).status_code == 404


# --- The hub ----------------------------------------------------------------------------


def test_staff_hub_counts_links_and_buttons(client_of, staff, survey):
    _response(survey, review=Response.Review.APPROVED)
    _response(survey, review=Response.Review.REJECTED)
    _response(survey)
    response = client_of(staff).get(survey.get_absolute_url())
    page = response.content.decode()
    assert response.context["counts"]["submitted"] == 3
    states = {value: n for _, value, n in response.context["counts"]["states"]}
    assert states == {"pending": 1, "approved": 1, "rejected": 1, "has_issues": 0}
    assert reverse("surveys:questionnaire", args=[survey.pk]) in page
    assert reverse("surveys:response-list", args=[survey.pk]) in page
    assert reverse("surveys:results", args=[survey.pk]) in page
    assert reverse("surveys:online-link", args=[survey.pk]) not in page  # face only
    assert 'data-testid="status-closed"' in page


def test_hub_links_online_pages_for_online_survey(client_of, staff, town):
    online = SurveyFactory(unit=town, created_by=staff, mode=Survey.Mode.ONLINE)
    page = client_of(staff).get(online.get_absolute_url()).content.decode()
    assert reverse("surveys:online-link", args=[online.pk]) in page
    assert reverse("surveys:link-list", args=[online.pk]) in page


def test_leader_reads_hub_without_status_buttons(client_of, leader, survey):
    response = client_of(leader).get(survey.get_absolute_url())
    assert response.status_code == 200
    assert 'data-testid="status-closed"' not in response.content.decode()


def test_assigned_collaborator_sees_their_assignments(
    client_of, collaborator, survey, assigned, commune
):
    _response(survey, entered_by=collaborator, commune=commune)
    response = client_of(collaborator).get(survey.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    [row] = response.context["assignments"]
    assert (row.commune, row.target, row.done) == (commune, 20, 1)
    assert reverse("surveys:interview-new", args=[survey.pk]) in page
    assert reverse("surveys:interview-list", args=[survey.pk]) in page
    assert reverse("surveys:response-list", args=[survey.pk]) not in page


def test_collaborator_gets_no_new_interview_when_closed(
    client_of, collaborator, survey, assigned
):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    page = client_of(collaborator).get(survey.get_absolute_url()).content.decode()
    assert reverse("surveys:interview-new", args=[survey.pk]) not in page


@pytest.mark.parametrize("persona", ["other_staff", "collaborator"])
def test_hub_hidden_from_outsiders(request, client_of, survey, persona):
    user = request.getfixturevalue(persona)
    assert client_of(user).get(survey.get_absolute_url()).status_code == 404
