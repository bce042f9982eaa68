"""The periodic summary lists the opinion surveys closed in its period."""

import uuid

import pytest
from django.utils import timezone

from reports.services import period_for
from summaries import services as summary_services
from summaries.brief import brief_document
from surveys.models import Response, Survey
from surveys.services.collect import Respondent, response_save
from surveys.tests.factories import SurveyFactory, questionnaire

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(town, staff, collaborator, commune):
    """A closed survey of the town: twelve "yes" and three "no", approved."""
    survey = SurveyFactory(unit=town, created_by=staff)
    questionnaire(survey.current_version)
    for satisfied in ["yes"] * 12 + ["no"] * 3:
        data = {"q-satisfied": satisfied}
        if satisfied == "no":
            data["q-why_not"] = "Thủ tục còn rườm rà"
        saved = response_save(
            survey=survey,
            client_id=uuid.uuid4(),
            mode=Response.Mode.FACE_TO_FACE,
            data=data,
            respondent=Respondent(commune, "female", "30-44", "farmer"),
            submit=True,
            entered_by=collaborator,
            collaborator=collaborator.collaborator,
        )
        assert saved.ok, saved.cleaned.errors
    Response.objects.filter(survey=survey).update(review=Response.Review.APPROVED)
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    return survey


def test_the_periodic_summary_lists_the_surveys_closed_in_its_period(
    town, staff, answered
):
    period = period_for(day=timezone.localdate())
    Survey.objects.filter(pk=answered.pk).update(
        starts_on=period.start, ends_on=period.start
    )
    summary = summary_services.summary_compile(
        summary_id=summary_services.summary_request(
            unit=town, period=period, user=staff, enqueue=False
        ).pk,
        render_brief=False,
    )
    listed = summary.snapshot["surveys"]
    assert [item["title"] for item in listed] == [answered.title]
    assert listed[0]["approved"] == 15
    words = str(brief_document(summary))
    assert answered.title in words
    assert "Hài lòng" in words
