import pytest

from surveys.tests.factories import SurveyFactory, questionnaire


@pytest.fixture
def survey(town, staff):
    """An open face-to-face survey of Hương Trà with one question of each kind."""
    survey = SurveyFactory(unit=town, created_by=staff)
    questionnaire(survey.current_version)
    return survey


@pytest.fixture
def other_survey(other_town, other_staff):
    survey = SurveyFactory(unit=other_town, created_by=other_staff)
    questionnaire(survey.current_version)
    return survey
