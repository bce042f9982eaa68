"""Reading and checking posted answers (surveys/answers.py)."""

import pytest
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

from surveys.answers import MAX_SHORT_TEXT, clean_answers, fingerprint
from surveys.models import Question
from surveys.tests.factories import add_choices

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(survey):
    return list(survey.current_version.ordered_questions())


def post(**fields):
    return MultiValueDict(
        {k: v if isinstance(v, list) else [v] for k, v in fields.items()}
    )


FULL = {
    "q-satisfied": "no",
    "q-why_not": "  Phải chờ lâu  ",
    "q-channels": ["tv", "zalo"],
    "q-zalo_group": "Tổ 5",
    "q-rating": "5",
    "q-grid-merge": "agree",
    "q-grid-nodistrict": "disagree",
    "q-age_years": "47,0",
    "q-visited_on": "2/9/2026",
}


def test_each_kind_read_as_response_answers_keeps_it(questions):
    cleaned = clean_answers(questions, post(**FULL))
    assert cleaned.ok, cleaned.errors
    assert cleaned.answers == {
        "satisfied": "no",
        "why_not": "Phải chờ lâu",
        "channels": ["tv", "zalo"],
        "zalo_group": "Tổ 5",
        "rating": "5",
        "grid": {"merge": "agree", "nodistrict": "disagree"},
        "age_years": "47",
        "visited_on": "2026-09-02",
    }


def test_a_query_dict_reads_the_same(questions):
    data = QueryDict(mutable=True)
    for key, value in FULL.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    assert (
        clean_answers(questions, data).answers
        == clean_answers(questions, post(**FULL)).answers
    )
    # A plain dict of values or lists does too.
    assert clean_answers(questions, dict(FULL)).ok


def test_required_missing(questions):
    cleaned = clean_answers(questions, post(**{"q-rating": "3"}))
    assert set(cleaned.errors) == {"satisfied"}
    # A draft may leave it for later.
    draft = clean_answers(questions, post(**{"q-rating": "3"}), partial=True)
    assert draft.ok and draft.answers == {"rating": "3"}


def test_nothing_posted_but_the_required_one(questions):
    cleaned = clean_answers(questions, post(**{"q-satisfied": "yes"}))
    assert cleaned.ok and cleaned.answers == {"satisfied": "yes"}


def test_hidden_answer_refused(questions):
    # why_not is shown only when satisfied is "no"; zalo_group when "zalo" is chosen.
    cleaned = clean_answers(
        questions,
        post(**{"q-satisfied": "yes", "q-why_not": "x", "q-zalo_group": "Tổ 5"}),
    )
    assert set(cleaned.errors) == {"why_not", "zalo_group"}
    assert "why_not" not in cleaned.answers


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("q-satisfied", "maybe"),
        ("q-satisfied", ["yes", "no"]),
        ("q-channels", ["tv", "radio"]),
        ("q-channels", ["tv", "tv"]),
        ("q-rating", "6"),
        ("q-grid-merge", "strongly"),
        ("q-grid-elsewhere", "agree"),
        ("q-grid", "agree"),
        ("q-age_years", "bốn mươi"),
        ("q-age_years", "NaN"),
        ("q-age_years", "1e20"),
        ("q-age_years", "12"),
        ("q-age_years", "101"),
        ("q-age_years", ["20", "30"]),
        ("q-visited_on", "31/02/2026"),
        ("q-visited_on", "2026/09/02"),
        ("q-visited_on", "hôm qua"),
        ("q-zalo_group", "x" * (MAX_SHORT_TEXT + 1)),
    ],
)
def test_bad_values_refused(questions, field, value):
    data = {"q-satisfied": "no", "q-channels": ["zalo"], field: value}
    name = field[2:].split("-")[0]
    cleaned = clean_answers(questions, post(**data))
    assert name in cleaned.errors
    assert name not in cleaned.answers
    assert isinstance(cleaned.errors[name], str) and cleaned.errors[name]


def test_bad_number_messages(questions):
    low = clean_answers(questions, post(**{"q-satisfied": "yes", "q-age_years": "17"}))
    high = clean_answers(
        questions, post(**{"q-satisfied": "yes", "q-age_years": "101"})
    )
    assert "18" in low.errors["age_years"]
    assert "100" in high.errors["age_years"]


def test_other_words(questions):
    chosen = clean_answers(
        questions,
        post(**{"q-satisfied": "other", "q-satisfied-other": " Tùy lúc "}),
    )
    assert chosen.ok
    assert chosen.answers == {"satisfied": "other", "satisfied__other": "Tùy lúc"}
    # Words without choosing "other".
    stray = clean_answers(
        questions, post(**{"q-satisfied": "yes", "q-satisfied-other": "Tùy lúc"})
    )
    assert "satisfied" in stray.errors
    # "Other" without its words: a submission needs them, a draft not yet.
    bare = post(**{"q-satisfied": "other"})
    assert "satisfied" in clean_answers(questions, bare).errors
    assert clean_answers(questions, bare, partial=True).ok
    # Words to a question left unanswered (not required).
    lonely = clean_answers(
        questions, post(**{"q-satisfied": "yes", "q-channels-other": "Loa phường"})
    )
    assert "channels" in lonely.errors


def test_other_in_a_multiple_choice(survey, questions):
    version = survey.current_version
    extra = add_choices(
        Question.objects.create(
            version=version, name="needs", kind="multiple", label="Cần gì?", order=99
        ),
        ("roads", "Đường"),
        other="other",
    )
    questions = list(version.ordered_questions())
    ok = clean_answers(
        questions,
        post(
            **{
                "q-satisfied": "yes",
                "q-needs": ["roads", "other"],
                "q-needs-other": "Chợ",
            }
        ),
    )
    assert ok.ok
    assert ok.answers["needs"] == ["roads", "other"]
    assert ok.answers["needs__other"] == "Chợ"
    assert extra.name == "needs"


def test_a_stray_field_of_a_question_is_no_crash(questions):
    """``q-<name>-<x>`` posted to a question that is not a grid (or to nothing)."""
    cleaned = clean_answers(
        questions,
        post(**{"q-satisfied-x": "yes", "q-rating-1": "2", "q-nothing": "1"}),
    )
    assert set(cleaned.errors) == {"satisfied"}
    assert cleaned.answers == {}


def test_text_is_composed_and_stripped_of_nul(questions):
    decomposed = "Tho\u0302\u0301ng tin\x00"
    cleaned = clean_answers(
        questions,
        post(**{"q-satisfied": "no", "q-why_not": decomposed}),
    )
    assert cleaned.answers["why_not"] == "Thống tin"


def test_a_grid_half_answered(survey, questions):
    half = post(**{"q-satisfied": "yes", "q-grid-merge": "agree"})
    assert clean_answers(questions, half).answers["grid"] == {"merge": "agree"}
    Question.objects.filter(version=survey.current_version, name="grid").update(
        required=True
    )
    questions = list(survey.current_version.ordered_questions())
    assert "grid" in clean_answers(questions, half).errors
    assert clean_answers(questions, half, partial=True).ok


def test_fingerprint_follows_the_choices_only(questions):
    one = clean_answers(questions, post(**FULL)).answers
    other_words = {**one, "why_not": "Khác hẳn", "age_years": "80"}
    other_choice = {**one, "rating": "1"}
    reordered = {**one, "channels": ["zalo", "tv"]}
    assert fingerprint(questions, one) == fingerprint(questions, other_words)
    assert fingerprint(questions, one) == fingerprint(questions, reordered)
    assert fingerprint(questions, one) != fingerprint(questions, other_choice)
