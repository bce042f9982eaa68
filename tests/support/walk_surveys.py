"""The surveys part of the URL walk's world (``tests/support/walk.py``)."""

import uuid

from django.utils import timezone

from surveys.models import Assignment, BankQuestion, PersonalLink, Response
from surveys.tests.factories import SurveyFactory, questionnaire


def survey_world(town, commune, staff, record, user) -> dict:
    """An open survey of the town (face to face and online) the collaborator is
    assigned to, with their submitted response and a draft, a bank question and
    a personal link."""
    survey = SurveyFactory(unit=town, created_by=staff, mode="both")
    questions = questionnaire(survey.current_version)
    Assignment.objects.create(survey=survey, collaborator=record, commune=commune)
    common = {
        "survey": survey,
        "version": survey.current_version,
        "entered_by": user,
        "collaborator": record,
        "mode": Response.Mode.FACE_TO_FACE,
        "commune": commune,
        "sex": "female",
        "age_group": "30-44",
    }
    submitted = Response.objects.create(
        **common,
        client_id=uuid.uuid4(),
        state=Response.State.SUBMITTED,
        submitted_at=timezone.now(),
        answers={"satisfied": "yes"},
    )
    draft = Response.objects.create(**common, client_id=uuid.uuid4())
    PersonalLink.objects.create(survey=survey, number=1)
    bank = BankQuestion.objects.create(
        unit=town,
        code="hai_long_dvc",
        kind="single",
        label="Mức độ hài lòng với dịch vụ công trực tuyến",
        choices=[{"value": "yes", "label": "Hài lòng"}],
        created_by=staff,
    )
    return {
        "survey": survey,
        "question": questions["satisfied"],
        "response": submitted,
        "draft_response": draft,
        "bank_question": bank,
    }
