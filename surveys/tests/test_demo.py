"""The surveys of ``seed_demo``: a finished face-to-face survey with its report, an
online rapid survey still open, a face-to-face survey under way, one bank question
asked in all three."""

from collections import Counter

import pytest
from django.db.models import Count
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from collaborators import demo as collaborators_demo
from dluan import demo as dluan_demo
from surveys import demo
from surveys.answers import clean_answers, fingerprint
from surveys.models import (
    Answer,
    Assignment,
    BankQuestion,
    Question,
    Response,
    Survey,
    SurveyCell,
    SurveyReport,
)

pytestmark = pytest.mark.django_db

Review = Response.Review


@pytest.fixture
def ctx():
    """The demo town and its collaborators, then the surveys' demo."""
    context = dluan_demo.seed()
    collaborators_demo.seed(context)
    demo.seed(context)
    return context


def _posted(questions, answers: dict) -> MultiValueDict:
    """What a form would post for ``answers`` (the inverse of clean_answers)."""
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
        other = answers.get(f"{question.name}__other")
        if other:
            data.setlist(f"q-{question.name}-other", [other])
    return data


def _check_answers(survey, responses) -> None:
    """Every response passes the questionnaire's checks, and its answer rows and
    fingerprint are the ones collecting it would have made."""
    questions = list(survey.current_version.ordered_questions())
    rows = Counter(
        Answer.objects.filter(response__in=responses).values_list("response", flat=True)
    )
    for response in responses:
        cleaned = clean_answers(questions, _posted(questions, response.answers))
        assert cleaned.errors == {}, (response.pk, cleaned.errors)
        assert cleaned.answers == response.answers
        assert response.fingerprint == fingerprint(questions, response.answers)
        expected = 0
        for question in questions:
            value = response.answers.get(question.name)
            if value in (None, "", [], {}):
                continue
            expected += len(value) if isinstance(value, list | dict) else 1
        assert rows[response.pk] == expected


def test_the_finished_survey_met_its_quotas_with_a_few_rejected(ctx):
    survey = Survey.objects.get(unit=ctx.town, title=demo.FACE_TITLE)
    assert survey.status == Survey.Status.CLOSED
    assert survey.ends_on < timezone.localdate()
    assert survey.is_planned and survey.sample_size == 400
    questions = [
        q for q in survey.current_version.questions.all() if q.kind != "section"
    ]
    assert 10 <= len(questions) <= 12
    assert {q.kind for q in questions} >= {
        "single",
        "multiple",
        "rating",
        "grid",
        "number",
        "long_text",
    }
    assert any(q.show_if for q in questions)
    assert survey.current_version.questions.filter(choices__is_other=True).exists()

    responses = list(survey.responses.select_related("collaborator", "cell"))
    reviews = Counter(r.review for r in responses)
    assert reviews[Review.APPROVED] == 400
    assert 3 <= reviews[Review.REJECTED] <= 10
    assert set(reviews) == {Review.APPROVED, Review.REJECTED}
    rejected = [r for r in responses if r.review == Review.REJECTED]
    assert all(r.review_comment for r in rejected)
    flagged = [r for r in responses if r.flag_fast or r.flag_duplicate]
    assert 2 <= len([r for r in flagged if r.review == Review.APPROVED]) <= 4

    # Quotas met: each cell's approved interviews are its quota, 400 in all.
    cells = SurveyCell.objects.filter(survey=survey)
    assert sum(c.quota for c in cells) == 400
    assert cells.filter(population__gt=0).count() == cells.count() == 14 * 2 * 4
    done = Counter(
        (r.commune_id, r.sex, r.age_group)
        for r in responses
        if r.review == Review.APPROVED
    )
    assert {(c.commune_id, c.sex, c.age_group): c.quota for c in cells if c.quota} == (
        dict(done)
    )

    # Entered face to face by the collaborators assigned to the commune.
    assigned = set(
        Assignment.objects.filter(survey=survey).values_list(
            "collaborator_id", "commune_id"
        )
    )
    assert sum(a.target for a in survey.assignments.all()) == 400
    survey.refresh_from_db()
    assert survey.weighting and survey.weighted_at
    for response in responses:
        assert response.mode == Response.Mode.FACE_TO_FACE
        assert (response.cell.commune_id, response.cell.sex) == (
            response.commune_id,
            response.sex,
        )
        assert (response.collaborator_id, response.commune_id) in assigned
        assert response.entered_by_id == response.collaborator.user_id
        assert response.state == Response.State.SUBMITTED
        assert survey.starts_on <= timezone.localdate(response.started_at)
        assert response.started_at < response.ended_at <= response.submitted_at
        assert timezone.localdate(response.ended_at) <= survey.ends_on
    _check_answers(survey, responses)

    report = SurveyReport.objects.get(survey=survey)
    assert report.status == SurveyReport.Status.APPROVED
    assert report.approved_by == ctx.leader and report.approved_at
    assert report.findings and report.assessment and report.recommendations
    assert report.number.endswith("-BC/BTGDVTU")


def test_the_online_survey_is_open_with_thousands_of_answers(ctx):
    survey = Survey.objects.get(unit=ctx.town, title=demo.ONLINE_TITLE)
    assert survey.status == Survey.Status.OPEN
    assert survey.mode == Survey.Mode.ONLINE
    today = timezone.localdate()
    assert survey.starts_on <= today < survey.ends_on
    assert survey.answer_cap == 10_000
    assert survey.current_version.questions.count() == 5
    responses = survey.responses.all()
    assert responses.count() == survey.online_count == demo.ONLINE_ANSWERS
    assert set(responses.values_list("mode", "entered_by", "state", "review")) == {
        (Response.Mode.ONLINE, None, Response.State.SUBMITTED, Review.APPROVED)
    }
    # Every commune answered, and a sample of the answers is well formed.
    assert responses.values("commune").distinct().count() == len(ctx.communes)
    _check_answers(survey, list(responses.order_by("pk")[:300]))
    assert Answer.objects.filter(response__survey=survey).count() > 3 * 3000


def test_one_bank_question_is_asked_in_every_survey(ctx):
    bank = BankQuestion.objects.get(unit=ctx.town, code="hai-long-dvc-truc-tuyen")
    surveys = set(
        Question.objects.filter(bank_question=bank).values_list(
            "version__survey__title", flat=True
        )
    )
    assert surveys == {demo.FACE_TITLE, demo.ONLINE_TITLE, demo.FOLLOW_TITLE}
    # Answered in each, so the trend has a point per survey.
    answered = (
        Answer.objects.filter(question__bank_question=bank)
        .values("question__version__survey")
        .annotate(n=Count("pk"))
    )
    assert len(answered) == 3 and all(row["n"] >= 30 for row in answered)


def test_a_collaborator_has_interviews_to_make(ctx):
    user = ctx.collaborator_users[0]
    assert user.username == "ctv01"
    survey = Survey.objects.get(unit=ctx.town, title=demo.FOLLOW_TITLE)
    assert survey.status == Survey.Status.OPEN and survey.collects_face_to_face
    mine = Assignment.objects.filter(survey=survey, collaborator__user=user)
    assert mine.exists()
    done = survey.responses.filter(
        collaborator__user=user, state=Response.State.SUBMITTED
    ).count()
    assert 0 < done < sum(a.target for a in mine)
    assert survey.responses.filter(entered_by=user, state=Response.State.DRAFT).exists()
    # Some of the week's interviews still wait for review.
    assert survey.responses.filter(review=Review.PENDING).count() > 1
    _check_answers(survey, list(survey.responses.submitted()))


def test_seeding_again_adds_nothing(ctx):
    counts = (
        Survey.objects.count(),
        Response.objects.count(),
        Answer.objects.count(),
        SurveyCell.objects.count(),
        Assignment.objects.count(),
        BankQuestion.objects.count(),
        SurveyReport.objects.count(),
    )
    demo.seed(dluan_demo.seed())
    assert counts == (
        Survey.objects.count(),
        Response.objects.count(),
        Answer.objects.count(),
        SurveyCell.objects.count(),
        Assignment.objects.count(),
        BankQuestion.objects.count(),
        SurveyReport.objects.count(),
    )
