"""The surveys' home-page panels: a collaborator's surveys to collect, the open
surveys of the staff's and leaders' subtree."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from dluan.tests.factories import OrgUnitFactory
from surveys.models import Assignment, Response, Survey
from surveys.tests.factories import SurveyFactory


def _response(survey, commune, review, collaborator=None, state="submitted"):
    return Response.objects.create(
        survey=survey,
        version=survey.current_version,
        mode=Response.Mode.FACE_TO_FACE,
        client_id=uuid.uuid4(),
        commune=commune,
        sex="male",
        age_group="18-29",
        state=state,
        review=review,
        collaborator=collaborator,
        submitted_at=timezone.now() if state == "submitted" else None,
    )


@pytest.fixture
def collecting(survey, commune, collaborator):
    record = collaborator.collaborator
    Assignment.objects.create(
        survey=survey, collaborator=record, commune=commune, target=12
    )
    for review in ("approved", "pending", "rejected"):
        _response(survey, commune, review, record)
    _response(survey, commune, "pending", record, state="draft")
    return survey


def test_collaborator_sees_their_surveys(client_of, collaborator, collecting):
    response = client_of(collaborator).get(reverse("home"))
    page = response.content.decode()
    assert 'data-testid="panel-surveys-collecting"' in page
    assert collecting.title in page
    panel = next(
        p for p in response.context["panels"] if p.template.startswith("surveys/")
    )
    [row] = panel.context["rows"]
    # Two submitted and not rejected; the draft is not done.
    assert (row["target"], row["done"]) == (12, 2)
    assert reverse("surveys:interview-new", args=[collecting.pk]) in page
    assert reverse("surveys:survey-detail", args=[collecting.pk]) in page


def test_collaborator_without_open_assignment_sees_no_panel(
    client_of, collaborator, other_collaborator, collecting
):
    page = client_of(other_collaborator).get(reverse("home")).content.decode()
    assert "panel-surveys-collecting" not in page
    Survey.objects.filter(pk=collecting.pk).update(status=Survey.Status.CLOSED)
    page = client_of(collaborator).get(reverse("home")).content.decode()
    assert "panel-surveys-collecting" not in page


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_managers_see_open_surveys_of_their_subtree(
    request, client_of, persona, collecting, other_survey
):
    user = request.getfixturevalue(persona)
    response = client_of(user).get(reverse("home"))
    page = response.content.decode()
    assert 'data-testid="panel-open-surveys"' in page
    assert collecting.title in page
    assert other_survey.title not in page
    assert reverse("surveys:quota-fill", args=[collecting.pk]) in page
    panel = next(
        p for p in response.context["panels"] if p.template.startswith("surveys/")
    )
    [survey] = panel.context["surveys"]
    assert (survey.submitted, survey.approved) == (2, 1)


def test_hostile_title_is_escaped(client_of, staff, town):
    SurveyFactory(unit=town, created_by=staff, title="<script>alert(1)</script>")
    page = client_of(staff).get(reverse("home")).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert(1)</script>" not in page


def test_panels_take_few_queries(
    rf, staff, collaborator, collecting, town, django_assert_num_queries
):
    from surveys.home import panels

    for index in range(4):
        survey = SurveyFactory(unit=town, created_by=staff)
        unit = OrgUnitFactory(name=f"Xã Hương Phong {index}", parent=town)
        Assignment.objects.create(
            survey=survey,
            collaborator=collaborator.collaborator,
            commune=unit,
            target=3,
        )
        _response(survey, unit, "approved", collaborator.collaborator)
    request = rf.get("/")
    request.user = collaborator
    with django_assert_num_queries(2):
        [panel] = panels(request)
    assert len(panel.context["rows"]) == 5
    request.user = staff
    staff.org_unit  # noqa: B018 — the user's unit, loaded with the user on a page
    # Subtree, surveys with their pending answers, and their reviewed ones (counted
    # once per review: the cache is cold here).
    with django_assert_num_queries(3):
        [panel] = panels(request)
    assert len(panel.context["surveys"]) == 5
    # Again (the subtree is known now): the reviewed counts come from the cache.
    with django_assert_num_queries(1):
        panels(request)


def test_open_surveys_counts_follow_answers_and_reviews(
    client_of, staff, collecting, commune, settings
):
    from surveys.services.review import response_review

    settings.HOME_FIGURES_SECONDS = 0
    client = client_of(staff)

    def counts():
        response = client.get(reverse("home"))
        panel = next(
            p for p in response.context["panels"] if p.template.startswith("surveys/")
        )
        [survey] = panel.context["surveys"]
        return survey.submitted, survey.approved

    assert counts() == (2, 1)
    pending = _response(collecting, commune, "pending")
    assert counts() == (3, 1)
    response_review(response=pending, user=staff, review="approved", comment="")
    assert counts() == (3, 2)
    response_review(response=pending, user=staff, review="rejected", comment="Sai")
    assert counts() == (2, 1)
