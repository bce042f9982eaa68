"""Interviews entered offline (issue 22): the form the phone keeps, and its sends.

``/surveys/<pk>/interviews/offline/`` shows a new respondent's form with no id
in it; each send carries the item's ``client_id`` and is answered in JSON under
``X-Dluan-Outbox: 1``: one response per item, a changed repeat refused, a
refusal saving nothing.
"""

import datetime
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from surveys.models import Response, Survey
from surveys.tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db

OUTBOX = {"HTTP_X_DLUAN_OUTBOX": "1"}


@pytest.fixture
def assignment(survey, collaborator, commune):
    return AssignmentFactory(
        survey=survey, collaborator=collaborator.collaborator, commune=commune, target=5
    )


def offline_url(survey):
    return reverse("surveys:interview-offline", args=[survey.pk])


def interview(commune, client_id, *, action="submit", **extra):
    data = {
        "client_id": str(client_id),
        "started_client": "",
        "commune": str(commune.pk),
        "sex": "female",
        "age_group": "30-44",
        "occupation": "farmer",
        "q-satisfied": "yes",
        "q-channels": ["tv", "meeting"],
        "q-rating": "4",
        "q-grid-merge": "agree",
        "q-grid-nodistrict": "unsure",
        "q-age_years": "47",
        "q-visited_on": "02/09/2026",
        "action": action,
    }
    data.update(extra)
    return data


def send(client, survey, data):
    return client.post(offline_url(survey), data, **OUTBOX)


# --- The form the phone keeps -----------------------------------------------------------


def test_the_offline_form_has_no_id_and_no_signed_start(
    client_of, collaborator, survey, assignment
):
    page = client_of(collaborator).get(offline_url(survey))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-outbox="interview"' in html
    assert f'data-outbox-label="{survey.title}"' in html
    assert 'name="client_id" value=""' in html
    assert 'name="started_client" value=""' in html
    assert 'name="started" value=""' in html
    assert f'action="{offline_url(survey)}"' in html


@pytest.mark.parametrize(
    "persona", ["staff", "leader", "other_staff", "other_collaborator", "admin_user"]
)
def test_others_get_404(request, client_of, survey, assignment, commune, persona):
    client = client_of(request.getfixturevalue(persona))
    assert client.get(offline_url(survey)).status_code == 404
    assert send(client, survey, interview(commune, uuid.uuid4())).status_code == 404
    assert not Response.objects.exists()


def test_signed_out_send_is_401(client, survey, assignment, commune):
    response = send(client, survey, interview(commune, uuid.uuid4()))
    assert response.status_code == 401
    assert response.json() == {"status": "signed_out"}


# --- One response per item ---------------------------------------------------------------


def test_the_same_interview_twice_makes_one_response(
    client_of, collaborator, survey, assignment, commune
):
    client = client_of(collaborator)
    client_id = uuid.uuid4()
    opened = timezone.now() - datetime.timedelta(minutes=20)
    data = interview(commune, client_id, started_client=opened.isoformat())
    first = send(client, survey, data)
    assert first.status_code == 201
    assert first.json()["status"] == "created"
    assert first.json()["url"] == reverse("surveys:interview-list", args=[survey.pk])
    again = send(client, survey, data)
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    response = Response.objects.get()
    assert response.client_id == client_id
    assert response.state == Response.State.SUBMITTED
    assert response.started_at == opened
    assert response.answer_rows.filter(question__name="satisfied").count() == 1


def test_a_draft_sent_then_submitted_is_one_response(
    client_of, collaborator, survey, assignment, commune
):
    client = client_of(collaborator)
    client_id = uuid.uuid4()
    draft = send(client, survey, interview(commune, client_id, action="draft"))
    assert draft.status_code == 201
    assert send(client, survey, interview(commune, client_id, action="draft")).json()[
        "status"
    ] == ("duplicate")
    assert send(client, survey, interview(commune, client_id)).status_code == 201
    assert Response.objects.get().state == Response.State.SUBMITTED


def test_a_repeat_with_changed_answers_is_refused(
    client_of, collaborator, survey, assignment, commune
):
    client = client_of(collaborator)
    client_id = uuid.uuid4()
    send(client, survey, interview(commune, client_id))
    changed = send(client, survey, interview(commune, client_id, **{"q-rating": "2"}))
    assert changed.status_code == 409
    assert changed.json()["status"] == "changed"
    assert Response.objects.get().answers["rating"] == "4"
    # The same refusal at the form's own address.
    form = reverse("surveys:interview-form", args=[survey.pk, client_id])
    again = client.post(
        form, interview(commune, client_id, **{"q-rating": "2"}), **OUTBOX
    )
    assert again.json()["status"] == "changed"


def test_a_clock_in_the_future_or_long_ago_is_not_believed(
    client_of, collaborator, survey, assignment, commune
):
    client = client_of(collaborator)
    for when in (
        timezone.now() + datetime.timedelta(hours=2),
        timezone.now() - datetime.timedelta(days=8),
    ):
        data = interview(commune, uuid.uuid4(), started_client=when.isoformat())
        assert send(client, survey, data).status_code == 201
    for response in Response.objects.all():
        assert response.started_at == response.submitted_at


# --- Refused: nothing saved ---------------------------------------------------------------


def test_a_closed_survey_refuses_with_its_reason_and_saves_nothing(
    client_of, collaborator, survey, assignment, commune
):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    refused = send(client_of(collaborator), survey, interview(commune, uuid.uuid4()))
    assert refused.status_code == 422
    assert refused.json()["status"] == "refused"
    assert refused.json()["message"] == "Cuộc điều tra này hiện không nhận phiếu."
    assert not Response.objects.exists()


def test_a_survey_past_its_dates_refuses(
    client_of, collaborator, survey, assignment, commune
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Survey.objects.filter(pk=survey.pk).update(ends_on=yesterday)
    refused = send(client_of(collaborator), survey, interview(commune, uuid.uuid4()))
    assert refused.status_code == 422
    assert yesterday.strftime("%d/%m/%Y") in refused.json()["message"]
    assert not Response.objects.exists()


def test_a_missing_required_answer_refuses_and_saves_nothing(
    client_of, collaborator, survey, assignment, commune
):
    data = interview(commune, uuid.uuid4(), **{"q-satisfied": ""})
    refused = send(client_of(collaborator), survey, data)
    assert refused.status_code == 422
    body = refused.json()
    assert body["status"] == "refused"
    assert "q-satisfied" in body["errors"]
    assert body["message"]
    assert not Response.objects.exists()


def test_a_missing_respondent_block_refuses(
    client_of, collaborator, survey, assignment, commune
):
    data = interview(commune, uuid.uuid4(), sex="")
    refused = send(client_of(collaborator), survey, data)
    assert refused.status_code == 422
    assert "sex" in refused.json()["errors"]
    assert not Response.objects.exists()


def test_no_client_id_is_refused(client_of, collaborator, survey, assignment, commune):
    refused = send(client_of(collaborator), survey, interview(commune, ""))
    assert refused.status_code == 422
    assert refused.json()["message"] == _("The form was not understood.")
    assert not Response.objects.exists()


# --- Scope ------------------------------------------------------------------------------


def test_another_collaborators_client_id_is_404(
    client_of, collaborator, other_collaborator, survey, assignment, other_commune
):
    AssignmentFactory(
        survey=survey,
        collaborator=other_collaborator.collaborator,
        commune=other_commune,
    )
    client_id = uuid.uuid4()
    assert (
        send(client_of(other_collaborator), survey, interview(other_commune, client_id))
    ).status_code == 201
    client = client_of(collaborator)
    assert send(client, survey, interview(other_commune, client_id)).status_code == 404
    response = Response.objects.get()
    assert response.entered_by == other_collaborator
