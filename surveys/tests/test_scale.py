"""The province's surveys of ``seed_demo --scale``, seeded in miniature: rows
copied as tuples must be the rows collecting would have written."""

from collections import Counter

import pytest
from django.utils.datastructures import MultiValueDict

from collaborators.scale import Member
from dluan.models import User
from dluan.scale import make_context
from surveys import scale
from surveys.answers import clean_answers, fingerprint
from surveys.models import (
    Answer,
    Assignment,
    Response,
    Survey,
    SurveyCell,
)
from surveys.services.collect import _answer_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(monkeypatch, province, town, commune, other_commune, collaborator):
    """surveys.scale on a province of one town, two communes, one collaborator."""
    monkeypatch.setitem(
        scale.SIZES, "small", scale.Size(online=500, face=60, face_communes=2)
    )
    User.objects.create(
        username="tinh_canbo", full_name="Lê Thị Minh Nguyệt", role="staff"
    )
    ctx = make_context("small")
    ctx.province = province
    ctx.towns = [town]
    ctx.communes_by_town = {town.pk: [commune.pk, other_commune.pk]}
    ctx.commune_town = {commune.pk: town.pk, other_commune.pk: town.pk}
    ctx.commune_names = {commune.pk: commune.name, other_commune.pk: other_commune.name}
    person = collaborator.collaborator
    ctx.shared["collaborators"] = [
        Member(person.pk, commune.pk, town.pk, 0, None, 0.8, collaborator.pk)
    ]
    scale.seed(ctx)
    scale.finish(ctx)
    return ctx


def cells_weights(survey) -> list:
    return SurveyCell.objects.filter(survey=survey).values_list("weight", flat=True)


def _posted(questions, answers: dict) -> MultiValueDict:
    """What a form would post for ``answers``."""
    data = MultiValueDict()
    for question in questions:
        value = answers.get(question.name)
        if isinstance(value, dict):
            for row, code in value.items():
                data.setlist(f"q-{question.name}-{row}", [code])
        elif isinstance(value, list):
            data.setlist(f"q-{question.name}", value)
        elif value is not None:
            data.setlist(f"q-{question.name}", [value])
        if answers.get(f"{question.name}__other"):
            data.setlist(
                f"q-{question.name}-other", [answers[f"{question.name}__other"]]
            )
    return data


def _row(question, row, choice, number, date, text, search_text) -> tuple:
    return (
        question,
        row,
        choice,
        None if number is None else float(number),
        date,
        text,
        search_text,
    )


def _copied(response) -> list[tuple]:
    """The answer rows the seed copied for ``response``."""
    fields = ("question", "row", "choice", "number", "date", "text", "search_text")
    rows = Answer.objects.filter(response=response).values_list(*fields)
    return sorted((_row(*r) for r in rows), key=repr)


def _saved(questions, response) -> list[tuple]:
    """The answer rows collecting would have written for ``response``."""
    made = _answer_rows(response, questions, response.answers)
    return sorted(
        (
            _row(
                a.question.pk,
                a.row,
                a.choice_id,
                a.number,
                a.date,
                a.text,
                a.search_text,
            )
            for a in made
        ),
        key=repr,
    )


def test_the_online_survey_is_copied_as_collecting_would_save_it(seeded):
    survey = Survey.objects.get(title=scale.ONLINE_TITLE)
    assert survey.unit == seeded.province
    assert survey.status == Survey.Status.OPEN and survey.collects_online
    questions = list(survey.current_version.ordered_questions())
    assert len(questions) == 10
    # The load run answers every question: none hangs on a show-if rule.
    assert not any(q.show_if for q in questions)
    responses = list(survey.responses.order_by("pk"))
    assert len(responses) == survey.online_count == 500
    assert {(r.mode, r.entered_by_id, r.review) for r in responses} == {
        (Response.Mode.ONLINE, None, Response.Review.APPROVED)
    }
    for response in responses[:60]:
        cleaned = clean_answers(questions, _posted(questions, response.answers))
        assert cleaned.errors == {} and cleaned.answers == response.answers
        assert response.fingerprint == fingerprint(questions, response.answers)
        assert _copied(response) == _saved(questions, response)
    # Weighed to the population of its communes.
    assert SurveyCell.objects.filter(survey=survey, population__gt=0).count() == 16
    survey.refresh_from_db()
    assert survey.weighting and survey.weighted_at
    assert not survey.responses.filter(cell__isnull=True).exists()
    for response in survey.responses.select_related("cell")[:50]:
        cell = response.cell
        assert (cell.commune_id, cell.sex, cell.age_group) == (
            response.commune_id,
            response.sex,
            response.age_group,
        )
    assert len(set(cells_weights(survey))) > 1


def test_the_face_to_face_survey_has_its_plan_and_interviews(seeded):
    survey = Survey.objects.get(title=scale.FACE_TITLE)
    assert survey.sample_size == 60 and survey.is_planned
    cells = SurveyCell.objects.filter(survey=survey)
    assert sum(cells.values_list("quota", flat=True)) == 60
    assignments = list(Assignment.objects.filter(survey=survey))
    assert [a.collaborator.user for a in assignments] == [
        User.objects.get(username="ctv_tuha")
    ]
    assert sum(a.target for a in assignments) == 60
    responses = list(survey.responses.select_related("collaborator"))
    assert len(responses) == 60
    by_cell = Counter((r.commune_id, r.sex, r.age_group) for r in responses)
    assert by_cell == {
        (c.commune_id, c.sex, c.age_group): c.quota for c in cells if c.quota
    }
    questions = list(survey.current_version.ordered_questions())
    for response in responses:
        assert response.mode == Response.Mode.FACE_TO_FACE
        assert response.cell.commune_id == response.commune_id
        assert response.entered_by_id == response.collaborator.user_id
        assert response.started_at < response.ended_at
        cleaned = clean_answers(questions, _posted(questions, response.answers))
        assert cleaned.errors == {}
        assert _copied(response) == _saved(questions, response)
    assert Answer.objects.filter(response__survey=survey).count() == sum(
        len(_answer_rows(r, questions, r.answers)) for r in responses
    )
