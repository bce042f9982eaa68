"""Every design and bank page parses as valid HTML, with labelled fields and nothing
the Content-Security-Policy refuses."""

import pytest
from django.urls import reverse

from surveys.models import BankQuestion, Question
from surveys.tests.factories import AssignmentFactory
from tests.support.pages import html_problems


@pytest.fixture
def bank_question(town, staff):
    return BankQuestion.objects.create(
        unit=town,
        code="trust",
        kind="grid",
        label="Niềm tin",
        choices=[{"value": "a", "label": "A", "is_other": True}],
        rows=[{"name": "r", "label": "R"}],
        created_by=staff,
    )


def _pages(survey, bank_question):
    question = Question.objects.get(version=survey.current_version, name="why_not")
    return [
        reverse("surveys:survey-list"),
        reverse("surveys:survey-create"),
        survey.get_absolute_url(),
        reverse("surveys:survey-edit", args=[survey.pk]),
        reverse("surveys:questionnaire", args=[survey.pk]),
        reverse("surveys:question-create", args=[survey.pk]),
        reverse("surveys:question-edit", args=[survey.pk, question.pk]),
        reverse("surveys:preview", args=[survey.pk]),
        reverse("surveys:bank-list"),
        reverse("surveys:bank-create"),
        reverse("surveys:bank-detail", args=[bank_question.pk]),
        reverse("surveys:bank-copy", args=[survey.pk]),
    ]


def test_staff_pages_are_sound(client_of, staff, survey, bank_question):
    client = client_of(staff)
    problems = []
    for url in _pages(survey, bank_question):
        response = client.get(url)
        assert response.status_code == 200, url
        problems += html_problems(url, response.content.decode())[0]
    assert problems == []


def test_a_question_form_with_errors_is_sound(client_of, staff, survey):
    url = reverse("surveys:question-create", args=[survey.pk])
    response = client_of(staff).post(
        url, {"kind": "single", "name": "satisfied", "if1_question": "satisfied"}
    )
    assert response.status_code == 200
    assert html_problems(url, response.content.decode())[0] == []


def test_collaborator_pages_are_sound(client_of, collaborator, survey, commune):
    AssignmentFactory(
        survey=survey, collaborator=collaborator.collaborator, commune=commune
    )
    client = client_of(collaborator)
    problems = []
    for url in [reverse("surveys:survey-list"), survey.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 200, url
        problems += html_problems(url, response.content.decode())[0]
    assert problems == []
