"""The results' figures against a small set of approved responses counted by hand."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext

from surveys import stats
from surveys.models import BankQuestion, Question, Response, Survey
from surveys.selectors.crosstab import bank_trend, crosstab
from surveys.selectors.results import headline, survey_results
from surveys.tests.factories import SurveyFactory, add_choices, questionnaire
from surveys.tests.results_data import hand_set, respond

# AAPOR's sentence ("Các ý kiến trả lời qua đường link trực tuyến là mẫu tự chọn,
# không được chọn theo kế hoạch, nên không tính sai số." in the catalogue).
AAPOR = (
    "Answers given through the online link are a self-selected sample, not drawn "
    "to a plan, so no margin of error is calculated."
)


@pytest.fixture
def planned(survey):
    Survey.objects.filter(pk=survey.pk).update(sample_size=100)
    survey.refresh_from_db()
    hand_set(survey)
    cache.clear()
    return survey


def question(results, name):
    return next(q for q in results["questions"] if q["question"] == name)


def row(q, value):
    return next(r for r in q["rows"] if r["value"] == value)


def test_single_choice_counts_and_weighted_percent_by_hand(planned):
    results = survey_results(planned)
    assert results["n"] == 25
    satisfied = question(results, "satisfied")
    assert satisfied["n"] == 25
    yes, no = row(satisfied, "yes"), row(satisfied, "no")
    assert yes["count"] == 12
    assert yes["percent"] == pytest.approx(48.0)
    # Σw = 12·1.5 + 10·0.5 + 3·1 = 26: yes 18/26, no 5/26.
    assert yes["weighted_percent"] == pytest.approx(100 * 18 / 26)
    assert no["count"] == 10
    assert no["weighted_percent"] == pytest.approx(100 * 5 / 26)


def test_small_cell_is_hidden(planned):
    other = row(question(survey_results(planned), "satisfied"), "other")
    assert other == {
        "value": "other",
        "label": "Khác (ghi rõ)",
        "is_other": True,
        "count": None,
        "percent": None,
        "weighted_percent": None,
        "low": None,
        "high": None,
        "shown": False,
    }


def test_planned_face_to_face_survey_states_intervals(planned):
    results = survey_results(planned)
    assert results["moe_stated"] is True
    assert results["moe_note"] == ""
    # Kish: n·Σw²/(Σw)² = 25 · (12·2.25 + 10·0.25 + 3) / 26².
    deff = 25 * 32.5 / 26**2
    assert results["deff"] == pytest.approx(deff)
    assert results["effective_n"] == pytest.approx(25 / deff)
    yes = row(question(results, "satisfied"), "yes")
    low, high = stats.wilson(18 / 26, 25, deff=deff)
    assert yes["low"] == pytest.approx(100 * low)
    assert yes["high"] == pytest.approx(100 * high)
    assert yes["low"] < yes["weighted_percent"] < yes["high"]
    assert "25" in results["method"]


def test_unplanned_survey_states_no_interval_and_says_why(survey):
    hand_set(survey)
    results = survey_results(survey)
    assert results["moe_stated"] is False
    assert results["moe_note"]
    yes = row(question(results, "satisfied"), "yes")
    assert yes["low"] is None and yes["high"] is None
    assert yes["weighted_percent"] == pytest.approx(100 * 18 / 26)


def test_online_answers_of_a_planned_survey_are_apart_and_without_margin(survey):
    Survey.objects.filter(pk=survey.pk).update(sample_size=100, mode=Survey.Mode.BOTH)
    survey.refresh_from_db()
    for _i in range(10):
        respond(survey, {"q-satisfied": "yes"})
    for _i in range(11):
        respond(survey, {"q-satisfied": "no"}, mode="online")
    default = survey_results(survey)
    assert default["n"] == 10
    assert default["moe_stated"] is True
    assert row(question(default, "satisfied"), "yes")["low"] is not None
    online = survey_results(survey, modes=["online"])
    assert online["n"] == 11
    assert online["moe_stated"] is False
    assert online["moe_note"] == gettext(AAPOR)
    no = row(question(online, "satisfied"), "no")
    assert no["count"] == 11 and no["low"] is None
    every = survey_results(survey, modes=["face", "online", "personal"])
    assert every["n"] == 21 and every["moe_stated"] is False


def test_multiple_choice_is_a_percent_of_respondents(planned):
    channels = question(survey_results(planned), "channels")
    assert channels["n"] == 22
    tv, zalo = row(channels, "tv"), row(channels, "zalo")
    assert tv["percent"] == pytest.approx(100.0)
    assert zalo["percent"] == pytest.approx(100 * 12 / 22)
    # Weighted base: 12·1.5 + 10·0.5 = 23 respondents' weight.
    assert zalo["weighted_percent"] == pytest.approx(100 * 18 / 23)
    assert sum(r["percent"] for r in channels["rows"] if r["shown"]) > 100
    assert not row(channels, "meeting")["shown"]


def test_grid_is_a_table_per_row(planned):
    grid = question(survey_results(planned), "grid")
    merge, nodistrict = grid["grid"]
    assert merge["n"] == 22 and nodistrict["n"] == 22
    agree = next(r for r in merge["rows"] if r["value"] == "agree")
    assert agree["count"] == 12
    assert agree["weighted_percent"] == pytest.approx(100 * 18 / 23)
    everyone = next(r for r in nodistrict["rows"] if r["value"] == "agree")
    assert everyone["weighted_percent"] == pytest.approx(100.0)
    assert not next(r for r in nodistrict["rows"] if r["value"] == "unsure")["shown"]


def test_number_mean_median_and_text_counts(planned):
    results = survey_results(planned)
    age = question(results, "age_years")
    assert age["n"] == 22
    assert age["mean"] == pytest.approx((12 * 30 + 10 * 50) / 22)
    assert age["weighted_mean"] == pytest.approx((18 * 30 + 5 * 50) / 23)
    if connection.vendor == "postgresql":
        assert age["median"] == pytest.approx(30)
    else:
        assert age["median"] is None
    assert question(results, "why_not")["n"] == 10
    assert question(results, "zalo_group")["n"] == 12
    assert question(results, "visited_on")["n"] == 0


def test_headline_names_the_leading_answer(planned):
    lines = headline(planned)
    satisfied = next(line for line in lines if line["question"] == "satisfied")
    assert satisfied["choice"] == "Hài lòng"
    assert satisfied["weighted_percent"] == pytest.approx(100 * 18 / 26)
    assert satisfied["low"] is not None
    assert [line["question"] for line in lines] == ["satisfied"]


def test_crosstab_row_percents_by_sex(planned):
    table = crosstab(planned, question="satisfied", by="sex")
    # Levels in the list's order: men, then women.
    male, female = table["rows"]
    values = [c["value"] for c in table["columns"]]
    assert female["n"] == 12
    assert female["cells"][values.index("yes")]["weighted_percent"] == pytest.approx(
        100
    )
    assert not female["cells"][values.index("no")]["shown"]
    assert male["n"] == 13
    # Men: 10 "no" at 0.5 and 3 "other" at 1: 5 / 8 of their weight.
    no = male["cells"][values.index("no")]
    assert no["count"] == 10
    assert no["percent"] == pytest.approx(100 * 10 / 13)
    assert no["weighted_percent"] == pytest.approx(62.5)
    assert no["low"] is not None
    assert not male["cells"][values.index("other")]["shown"]


def test_crosstab_by_another_question(planned):
    table = crosstab(planned, question="satisfied", by="channels")
    rows = {r["label"]: r for r in table["rows"]}
    assert set(rows) == {"Truyền hình", "Zalo, Facebook"}
    values = [c["value"] for c in table["columns"]]
    tv = rows["Truyền hình"]
    assert tv["n"] == 22
    assert tv["cells"][values.index("yes")]["weighted_percent"] == pytest.approx(
        100 * 18 / 23
    )
    assert rows["Zalo, Facebook"]["cells"][values.index("yes")][
        "weighted_percent"
    ] == pytest.approx(100)


def test_crosstab_refuses_what_cannot_be_crossed(planned):
    with pytest.raises(KeyError):
        crosstab(planned, question="why_not", by="sex")
    with pytest.raises(KeyError):
        crosstab(planned, question="satisfied", by="satisfied")
    with pytest.raises(KeyError):
        crosstab(planned, question="satisfied", by="weight")


def test_queries_do_not_grow_with_the_questions(planned, town, staff):
    small = SurveyFactory(unit=town, created_by=staff)
    add_choices(
        Question.objects.create(
            version=small.current_version, name="only", kind="multiple", label="Một"
        ),
        ("a", "A"),
        ("b", "B"),
    )
    Question.objects.create(
        version=small.current_version, name="age", kind="number", label="Tuổi"
    )
    small.refresh_from_db()
    respond(small, {"q-only": ["a"], "q-age": "40"})
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        assert len(survey_results(small)["questions"]) == 2
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        assert len(survey_results(planned)["questions"]) == 8
    # Totals (and multiple choices' bases), questions, choices, counts, numbers.
    assert len(few.captured_queries) == len(many.captured_queries) == 5
    with CaptureQueriesContext(connection) as cached:
        survey_results(planned)
    assert len(cached.captured_queries) == 0


def test_cache_is_kept_until_the_results_are_touched(planned):
    assert survey_results(planned)["n"] == 25
    pending = Response.objects.filter(
        survey=planned, review=Response.Review.PENDING
    ).get()
    Response.objects.filter(pk=pending.pk).update(review=Response.Review.APPROVED)
    assert survey_results(planned)["n"] == 25
    planned.touch_results()
    planned.refresh_from_db()
    assert survey_results(planned)["n"] == 26


def test_bank_trend_over_two_surveys(planned, town, staff):
    bank = BankQuestion.objects.create(
        unit=town,
        code="hai-long",
        kind="single",
        label="Ông/bà có hài lòng với dịch vụ công trực tuyến không?",
        choices=[
            {"value": "yes", "label": "Hài lòng"},
            {"value": "no", "label": "Không hài lòng"},
            {"value": "other", "label": "Khác (ghi rõ)", "is_other": True},
        ],
        created_by=staff,
    )
    later = SurveyFactory(unit=town, created_by=staff)
    questionnaire(later.current_version)
    later.refresh_from_db()
    for _i in range(10):
        respond(later, {"q-satisfied": "yes"})
    Question.objects.filter(name="satisfied").update(bank_question=bank)
    trend = bank_trend(staff, bank)
    assert [c["value"] for c in trend["columns"]] == ["yes", "no", "other"]
    first, second = trend["surveys"]
    assert first["survey"] == planned and second["survey"] == later
    assert first["n"] == 25 and second["n"] == 10
    assert first["cells"][0]["weighted_percent"] == pytest.approx(100 * 18 / 26)
    assert first["moe_stated"] is True and first["cells"][0]["low"] is not None
    assert second["cells"][0]["weighted_percent"] == pytest.approx(100)
    assert second["moe_stated"] is False and second["cells"][0]["low"] is None
    assert not second["cells"][1]["shown"]
