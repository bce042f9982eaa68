"""The interviewer's pages: who may, the form, drafts, submission, autosave."""

import uuid

import pytest
from django.urls import reverse
from django.utils.translation import gettext as _

from surveys.models import Assignment, Response, Survey
from surveys.tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def assignment(survey, collaborator, commune):
    return AssignmentFactory(
        survey=survey, collaborator=collaborator.collaborator, commune=commune, target=5
    )


def list_url(survey):
    return reverse("surveys:interview-list", args=[survey.pk])


def form_url(survey, client_id=None):
    return reverse(
        "surveys:interview-form", args=[survey.pk, client_id or uuid.uuid4()]
    )


def respondent(commune, **extra):
    return {
        "commune": str(commune.pk),
        "sex": "female",
        "age_group": "30-44",
        "occupation": "farmer",
        **extra,
    }


def answers(**extra):
    data = {
        "q-satisfied": "yes",
        "q-channels": ["tv", "meeting"],
        "q-rating": "4",
        "q-grid-merge": "agree",
        "q-grid-nodistrict": "unsure",
        "q-age_years": "47",
        "q-visited_on": "02/09/2026",
    }
    data.update(extra)
    return data


def started(client, url):
    """The signed start time the form carries (a GET shows it)."""
    page = client.get(url)
    return page.context["started"]


# --- Who may ---------------------------------------------------------------------------


def test_assigned_collaborator_sees_the_list_and_form(
    client_of, collaborator, survey, assignment
):
    client = client_of(collaborator)
    page = client.get(list_url(survey))
    assert page.status_code == 200
    assert 'data-testid="interview-new"' in page.content.decode()
    form = client.get(form_url(survey))
    assert form.status_code == 200
    assert 'name="q-satisfied"' in form.content.decode()


@pytest.mark.parametrize(
    "persona", ["staff", "leader", "other_staff", "other_collaborator", "admin_user"]
)
def test_others_get_404(request, client_of, survey, assignment, persona):
    client = client_of(request.getfixturevalue(persona))
    assert client.get(list_url(survey)).status_code == 404
    assert (
        client.get(reverse("surveys:interview-new", args=[survey.pk])).status_code
        == 404
    )
    assert client.get(form_url(survey)).status_code == 404
    assert client.post(form_url(survey), answers(action="submit")).status_code == 404
    assert not Response.objects.exists()


def test_collaborator_not_assigned_gets_404(client_of, collaborator, survey):
    client = client_of(collaborator)
    assert client.get(list_url(survey)).status_code == 404
    assert client.get(form_url(survey)).status_code == 404


def test_assigned_to_another_towns_survey_only(
    client_of, collaborator, survey, other_survey, commune, assignment
):
    assert client_of(collaborator).get(list_url(other_survey)).status_code == 404


def test_online_only_or_draft_survey_is_404(
    client_of, collaborator, survey, assignment
):
    client = client_of(collaborator)
    Survey.objects.filter(pk=survey.pk).update(mode=Survey.Mode.ONLINE)
    assert client.get(list_url(survey)).status_code == 404
    Survey.objects.filter(pk=survey.pk).update(
        mode=Survey.Mode.BOTH, status=Survey.Status.DRAFT
    )
    assert client.get(list_url(survey)).status_code == 404
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.OPEN)
    assert client.get(list_url(survey)).status_code == 200


def test_anonymous_goes_to_login(client, survey, assignment):
    for url in (
        list_url(survey),
        reverse("surveys:interview-new", args=[survey.pk]),
        form_url(survey),
    ):
        page = client.get(url)
        assert page.status_code == 302
        assert "/login/" in page["Location"]


def test_another_collaborators_draft_is_404(
    client_of, collaborator, other_collaborator, survey, assignment, other_commune
):
    AssignmentFactory(
        survey=survey,
        collaborator=other_collaborator.collaborator,
        commune=other_commune,
    )
    client_id = uuid.uuid4()
    client = client_of(other_collaborator)
    client.post(
        form_url(survey, client_id), {**respondent(other_commune), "action": "draft"}
    )
    assert Response.objects.filter(client_id=client_id).exists()
    client = client_of(collaborator)
    assert client.get(form_url(survey, client_id)).status_code == 404
    assert (
        client.post(
            form_url(survey, client_id),
            {**respondent(other_commune), **answers(), "action": "submit"},
        ).status_code
        == 404
    )
    assert Response.objects.get(client_id=client_id).state == Response.State.DRAFT


# --- New, draft, submit ------------------------------------------------------------------


def test_new_redirects_to_a_fresh_client_id_and_writes_nothing(
    client_of, collaborator, survey, assignment
):
    client = client_of(collaborator)
    first = client.get(reverse("surveys:interview-new", args=[survey.pk]))
    second = client.get(reverse("surveys:interview-new", args=[survey.pk]))
    assert first.status_code == 302
    assert first["Location"] != second["Location"]
    assert "/interviews/" in first["Location"]
    page = client.get(first["Location"])
    assert page.status_code == 200
    assert not Response.objects.exists()


def test_communes_are_those_of_the_assignment(
    client_of, collaborator, survey, assignment, other_commune
):
    page = client_of(collaborator).get(form_url(survey))
    body = page.content.decode()
    assert assignment.commune.name in body
    assert other_commune.name not in body
    # Another commune of the survey's town is refused.
    response = client_of(collaborator).post(
        form_url(survey), {**respondent(other_commune), **answers(), "action": "submit"}
    )
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_draft_then_submit(client_of, collaborator, survey, assignment, commune):
    client = client_of(collaborator)
    client_id = uuid.uuid4()
    url = form_url(survey, client_id)
    token = started(client, url)
    draft = client.post(
        url,
        {
            "started": token,
            "commune": str(commune.pk),
            "q-satisfied": "no",
            "action": "draft",
        },
    )
    assert draft.status_code == 302
    response = Response.objects.get()
    assert response.state == Response.State.DRAFT
    assert response.answers == {"satisfied": "no"}
    assert response.commune == commune
    assert response.collaborator == collaborator.collaborator
    assert response.entered_by == collaborator
    assert response.mode == Response.Mode.FACE_TO_FACE
    first_start = response.started_at
    # The draft comes back with its answers, and is listed to be resumed.
    page = client.get(url)
    assert 'value="no" checked' in page.content.decode()
    assert str(client_id) in client.get(list_url(survey)).content.decode()

    done = client.post(
        url,
        {
            **respondent(commune),
            **answers(**{"q-satisfied": "no", "q-why_not": "Thủ tục còn rườm rà"}),
            "action": "submit",
        },
    )
    assert done.status_code == 302
    assert done["Location"] == list_url(survey)
    response.refresh_from_db()
    assert response.state == Response.State.SUBMITTED
    assert response.answers["why_not"] == "Thủ tục còn rườm rà"
    assert response.started_at == first_start
    assert response.answer_rows.count() == 9
    page = client.get(list_url(survey))
    assert _("The questionnaire was submitted.") in page.content.decode()
    assert page.context["done"] == 1


def test_started_at_comes_from_the_signed_time_of_the_first_get(
    client_of, collaborator, survey, assignment, commune
):
    import datetime

    from django.core import signing
    from django.utils import timezone

    client = client_of(collaborator)
    client_id = uuid.uuid4()
    earlier = timezone.now() - datetime.timedelta(minutes=12)
    token = signing.dumps(
        {"c": str(client_id), "t": earlier.isoformat()},
        salt="surveys.interview-started",
    )
    client.post(
        form_url(survey, client_id),
        {**respondent(commune), **answers(), "started": token, "action": "submit"},
    )
    response = Response.objects.get()
    assert abs((response.started_at - earlier).total_seconds()) < 1
    assert not response.flag_fast
    # A forged or another form's token is ignored: the clock starts now.
    other = uuid.uuid4()
    client.post(
        form_url(survey, other),
        {**respondent(commune), **answers(), "started": token, "action": "submit"},
    )
    assert Response.objects.get(client_id=other).flag_fast


def test_two_submissions_of_one_client_id_make_one_response(
    client_of, collaborator, survey, assignment, commune
):
    client = client_of(collaborator)
    url = form_url(survey)
    data = {**respondent(commune), **answers(), "action": "submit"}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == list_url(survey)
    assert Response.objects.count() == 1
    assert Response.objects.get().answer_rows.count() == 8


def test_errors_come_back_with_the_answers_kept(
    client_of, collaborator, survey, assignment, commune
):
    client = client_of(collaborator)
    page = client.post(
        form_url(survey),
        {
            **respondent(commune, sex=""),
            **answers(
                **{
                    "q-age_years": "bốn mươi",
                    "q-visited_on": "31/02/2026",
                    "q-zalo_group": HOSTILE,
                }
            ),
            "q-why_not": HOSTILE,
            "action": "submit",
        },
    )
    assert page.status_code == 400
    body = page.content.decode()
    assert page.context["errors"]["age_years"] == _("Enter a number.")
    assert _("Enter a number.") in body
    assert set(page.context["errors"]) >= {
        "age_years",
        "visited_on",
        "why_not",
        "zalo_group",
    }
    assert 'value="bốn mươi"' in body
    assert 'value="31/02/2026"' in body
    assert 'value="tv" checked' in body
    assert HOSTILE not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert not Response.objects.exists()


def test_required_answer_missing_is_refused(
    client_of, collaborator, survey, assignment, commune
):
    page = client_of(collaborator).post(
        form_url(survey),
        {**respondent(commune), **answers(**{"q-satisfied": ""}), "action": "submit"},
    )
    assert page.status_code == 400
    assert "satisfied" in page.context["errors"]
    assert not Response.objects.exists()


def test_unknown_action_is_400(client_of, collaborator, survey, assignment, commune):
    page = client_of(collaborator).post(
        form_url(survey), {**respondent(commune), "action": "delete"}
    )
    assert page.status_code == 400
    assert not Response.objects.exists()


def test_closed_survey_refuses_with_its_message(
    client_of, collaborator, survey, assignment, commune
):
    client = client_of(collaborator)
    client_id = uuid.uuid4()
    client.post(form_url(survey, client_id), {**respondent(commune), "action": "draft"})
    import datetime

    Survey.objects.filter(pk=survey.pk).update(
        ends_on=survey.starts_on + datetime.timedelta(days=1)
    )
    page = client.post(
        form_url(survey, client_id),
        {**respondent(commune), **answers(), "action": "submit"},
    )
    assert page.status_code == 409
    assert 'data-testid="closed"' in page.content.decode()
    assert Response.objects.get().state == Response.State.DRAFT
    # The list says so and offers no new interview.
    listing = client.get(list_url(survey))
    assert listing.status_code == 200
    assert 'data-testid="interview-new"' not in listing.content.decode()


def test_closed_status_survey_list_shows_work_new_is_404(
    client_of, collaborator, survey, assignment
):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    client = client_of(collaborator)
    assert client.get(list_url(survey)).status_code == 200
    assert (
        client.get(reverse("surveys:interview-new", args=[survey.pk])).status_code
        == 404
    )
    assert client.get(form_url(survey)).status_code == 404


# --- Autosave (the script's fetch) --------------------------------------------------------


def test_autosave_answers_json(client_of, collaborator, survey, assignment, commune):
    client = client_of(collaborator)
    url = form_url(survey)
    saved = client.post(
        url,
        {"commune": str(commune.pk), "q-satisfied": "yes", "action": "draft"},
        headers={"X-Requested-With": "fetch"},
    )
    assert saved.status_code == 200
    body = saved.json()
    assert body["saved"] is True
    assert len(body["at"]) == 5 and body["at"][2] == ":"
    assert body["message"] == _("Draft saved at %(time)s") % {"time": body["at"]}
    assert Response.objects.get().state == Response.State.DRAFT
    wrong = client.post(
        url,
        {"q-age_years": "abc", "action": "draft"},
        headers={"X-Requested-With": "fetch"},
    )
    assert wrong.status_code == 400
    assert wrong.json()["saved"] is False
    assert "q-age_years" in wrong.json()["errors"]
    assert Response.objects.get().answers == {"satisfied": "yes"}


def test_autosave_on_a_closed_survey_is_409(
    client_of, collaborator, survey, assignment, commune
):
    import datetime

    Survey.objects.filter(pk=survey.pk).update(
        ends_on=survey.starts_on + datetime.timedelta(days=1)
    )
    saved = client_of(collaborator).post(
        form_url(survey),
        {"q-satisfied": "yes", "action": "draft"},
        headers={"X-Requested-With": "fetch"},
    )
    assert saved.status_code == 409
    assert saved.json()["saved"] is False
    assert not Response.objects.exists()


# --- The list -----------------------------------------------------------------------------


def _submit(client, survey, commune, **extra):
    return client.post(
        form_url(survey),
        {**respondent(commune), **answers(**extra), "action": "submit"},
    )


def test_list_shows_review_and_comment_escaped(
    client_of, collaborator, survey, assignment, commune
):
    client = client_of(collaborator)
    _submit(client, survey, commune)
    _submit(client, survey, commune, **{"q-rating": "2"})
    first, second = Response.objects.order_by("pk")
    first.review = Response.Review.REJECTED
    first.review_comment = "Thiếu câu 3 " + HOSTILE
    first.save()
    second.review = Response.Review.APPROVED
    second.review_comment = "bí mật nội bộ"
    second.save()
    page = client.get(list_url(survey))
    body = page.content.decode()
    assert "Thiếu câu 3 &lt;script&gt;" in body
    assert HOSTILE not in body
    assert "bí mật nội bộ" not in body
    assert "Phường Tứ Hạ" in body
    # A rejected one does not count towards the target.
    assert page.context["done"] == 1


def test_list_query_count_does_not_grow(
    client_of,
    collaborator,
    survey,
    assignment,
    commune,
    other_commune,
    django_assert_num_queries,
):
    client = client_of(collaborator)
    url = list_url(survey)
    _submit(client, survey, commune)
    client.post(form_url(survey), {"q-satisfied": "no", "action": "draft"})
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    expected = len(queries)
    AssignmentFactory(
        survey=survey, collaborator=collaborator.collaborator, commune=other_commune
    )
    for rating in "1235":
        _submit(client, survey, commune, **{"q-rating": rating})
        client.post(form_url(survey), {"q-satisfied": "yes", "action": "draft"})
    with django_assert_num_queries(expected):
        page = client.get(url)
    assert len(page.context["submitted"]) == 5
    assert len(page.context["drafts"]) == 5
    assert Assignment.objects.filter(survey=survey).count() == 2


def test_pages_are_sound_html(client_of, collaborator, survey, assignment, commune):
    from tests.support.pages import html_problems

    client = client_of(collaborator)
    _submit(client, survey, commune)
    problems = []
    for url in (list_url(survey), form_url(survey)):
        problems += html_problems(url, client.get(url).content.decode())[0]
    bad = client.post(
        form_url(survey),
        {
            **respondent(commune, sex=""),
            **answers(**{"q-age_years": "x"}),
            "action": "submit",
        },
    )
    problems += html_problems("400", bad.content.decode())[0]
    assert problems == []


def test_without_javascript_every_question_is_shown(
    client_of, collaborator, survey, assignment
):
    body = client_of(collaborator).get(form_url(survey)).content.decode()
    for name in (
        "satisfied",
        "why_not",
        "channels",
        "rating",
        "grid",
        "age_years",
        "zalo_group",
        "visited_on",
    ):
        assert f'data-testid="question-{name}"' in body
    assert " hidden" not in body.split("data-survey-questions")[1]
    # The rule rides on the question for the script.
    import html
    import json
    import re

    rule = re.search(
        r'data-question="why_not" data-kind="long_text" data-show-if="([^"]*)"', body
    )
    assert json.loads(html.unescape(rule.group(1))) == {
        "question": "satisfied",
        "is": "equals",
        "value": "no",
    }


def test_a_late_autosave_of_a_submitted_form_changes_nothing(
    client_of, collaborator, survey, assignment, commune
):
    client = client_of(collaborator)
    client_id = uuid.uuid4()
    _submit_url = form_url(survey, client_id)
    client.post(_submit_url, {**respondent(commune), **answers(), "action": "submit"})
    late = client.post(
        _submit_url,
        {"q-satisfied": "no", "action": "draft"},
        headers={"X-Requested-With": "fetch"},
    )
    assert late.json() == {"saved": True, "submitted": True}
    response = Response.objects.get()
    assert response.state == Response.State.SUBMITTED
    assert response.answers["satisfied"] == "yes"
    # Opening it again leads back to the list.
    assert client.get(_submit_url)["Location"] == list_url(survey)
