"""The results pages: who may read them, what they show, and what they hide."""

import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from surveys.models import BankQuestion, Choice, Question, Response, Survey
from surveys.tests.factories import AssignmentFactory, SurveyFactory, add_choices
from surveys.tests.results_data import hand_set, respond
from tests.support.pages import html_problems

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def planned(survey):
    Survey.objects.filter(pk=survey.pk).update(sample_size=100)
    survey.refresh_from_db()
    hand_set(survey)
    cache.clear()
    return survey


@pytest.fixture
def bank(survey, town, staff):
    bank = BankQuestion.objects.create(
        unit=town,
        code="hai-long",
        kind="single",
        label="Ông/bà có hài lòng với dịch vụ công trực tuyến không?",
        choices=[{"value": "yes", "label": "Hài lòng"}],
        created_by=staff,
    )
    Question.objects.filter(version__survey=survey, name="satisfied").update(
        bank_question=bank
    )
    return bank


def urls(survey, bank=None):
    text = Question.objects.get(version__survey=survey, name="why_not")
    pages = [
        reverse("surveys:results", args=[survey.pk]),
        reverse("surveys:crosstab", args=[survey.pk]) + "?q=satisfied&by=sex",
        reverse("surveys:text-answers", args=[survey.pk, text.pk]),
    ]
    if bank is not None:
        pages.append(reverse("surveys:bank-trend", args=[bank.pk]))
    return pages


def chart_data(page) -> list[dict]:
    found = re.search(
        r'<script id="results-charts" type="application/json">(.*?)</script>',
        page.content.decode(),
        re.S,
    )
    return json.loads(found.group(1))


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_staff_and_leaders_of_the_town_read_every_page(
    request, client_of, survey, bank, persona
):
    client = client_of(request.getfixturevalue(persona))
    for url in urls(survey, bank):
        page = client.get(url)
        assert page.status_code == 200, url
        problems, _document = html_problems(url, page.content.decode())
        assert not problems, problems


def test_collaborators_even_assigned_ones_get_404(
    client_of, survey, bank, collaborator, commune
):
    AssignmentFactory(
        survey=survey, collaborator=collaborator.collaborator, commune=commune
    )
    client = client_of(collaborator)
    for url in urls(survey, bank):
        assert client.get(url).status_code == 404, url


def test_other_towns_staff_get_404(client_of, survey, bank, other_staff):
    client = client_of(other_staff)
    for url in urls(survey, bank):
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_login(client, survey, bank):
    for url in urls(survey, bank):
        page = client.get(url)
        assert page.status_code == 302
        assert page["Location"].startswith(reverse("login"))


def test_results_page_shows_figures_intervals_and_hides_small_cells(
    client_of, staff, planned
):
    page = client_of(staff).get(reverse("surveys:results", args=[planned.pk]))
    html = page.content.decode()
    assert page.context["results"]["n"] == 25
    assert 'data-testid="moe-stated"' in html
    assert 'data-testid="moe-note"' not in html
    assert 'data-testid="interval"' in html
    # 12 "Hài lòng", 18 / 26 weighted: 69,2 %; "Khác (ghi rõ)" has 3.
    assert "69,2 %" in html or "69.2 %" in html
    assert "ít hơn 10" in html or "fewer than 10" in html
    charts = {c["labels"][0]: c for c in chart_data(page) if not c["stacked"]}
    satisfied = charts["Hài lòng"]
    assert satisfied["labels"] == ["Hài lòng", "Không hài lòng"]
    assert satisfied["datasets"][0]["data"] == [69.2, 19.2]
    grid = next(c for c in chart_data(page) if c["stacked"])
    unsure = next(d for d in grid["datasets"] if d["label"] == "Băn khoăn")
    assert unsure["data"] == [None, None]
    assert (
        reverse(
            "surveys:text-answers",
            args=[planned.pk, Question.objects.get(name="why_not").pk],
        )
        in html
    )


def test_online_answers_show_no_interval_and_say_why(client_of, staff, survey):
    Survey.objects.filter(pk=survey.pk).update(sample_size=100, mode=Survey.Mode.BOTH)
    survey.refresh_from_db()
    for _i in range(10):
        respond(survey, {"q-satisfied": "yes"})
    for _i in range(12):
        respond(survey, {"q-satisfied": "no"}, mode="online")
    url = reverse("surveys:results", args=[survey.pk])
    client = client_of(staff)
    default = client.get(url)
    assert default.context["results"]["n"] == 10
    assert default.context["results"]["left_out"] == 12
    assert 'data-testid="interval"' in default.content.decode()
    assert 'data-testid="left-out"' in default.content.decode()
    online = client.get(url, {"mode": "online"})
    html = online.content.decode()
    assert online.context["results"]["n"] == 12
    assert 'data-testid="interval"' not in html
    note = online.context["results"]["moe_note"]
    assert note and note in html.replace("&#x27;", "'")


def test_a_bad_filter_says_so_and_shows_the_default(client_of, staff, planned):
    page = client_of(staff).get(
        reverse("surveys:results", args=[planned.pk]), {"mode": "everything"}
    )
    assert page.status_code == 200
    assert page.context["form"].errors["mode"]
    assert page.context["results"]["n"] == 25


def test_commune_filter(client_of, staff, survey, commune, other_commune):
    for _i in range(10):
        respond(survey, {"q-satisfied": "yes"}, commune=commune)
    for _i in range(4):
        respond(survey, {"q-satisfied": "no"}, commune=other_commune)
    page = client_of(staff).get(
        reverse("surveys:results", args=[survey.pk]), {"commune": commune.pk}
    )
    assert page.context["results"]["n"] == 10


def test_results_queries_do_not_grow_with_the_questions(
    client_of, staff, planned, town, django_assert_num_queries
):
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
    client = client_of(staff)
    client.get(reverse("surveys:results", args=[small.pk]))
    cache.clear()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("surveys:results", args=[small.pk]))
    cache.clear()
    # Session, user, survey, communes; totals, questions, choices, counts, numbers.
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(reverse("surveys:results", args=[planned.pk]))
    assert len(page.context["results"]["questions"]) == 8
    with django_assert_num_queries(len(few.captured_queries) - 5):
        client.get(reverse("surveys:results", args=[planned.pk]))


def test_results_page_follows_touch_results(client_of, staff, planned):
    client = client_of(staff)
    url = reverse("surveys:results", args=[planned.pk])
    assert client.get(url).context["results"]["n"] == 25
    Response.objects.filter(survey=planned, review="pending").update(review="approved")
    assert client.get(url).context["results"]["n"] == 25
    planned.touch_results()
    assert client.get(url).context["results"]["n"] == 26


def test_crosstab_page_shows_row_percents(client_of, staff, planned):
    page = client_of(staff).get(
        reverse("surveys:crosstab", args=[planned.pk]), {"q": "satisfied", "by": "sex"}
    )
    html = page.content.decode()
    table = page.context["table"]
    assert [row["n"] for row in table["rows"]] == [13, 12]
    assert "62,5 %" in html or "62.5 %" in html
    assert 'data-testid="interval"' in html
    assert 'data-testid="small-cell"' in html


def test_crosstab_by_commune(client_of, staff, survey, commune, other_commune):
    for _i in range(10):
        respond(survey, {"q-satisfied": "yes"}, commune=commune)
    for _i in range(11):
        respond(survey, {"q-satisfied": "no"}, commune=other_commune)
    page = client_of(staff).get(
        reverse("surveys:crosstab", args=[survey.pk]),
        {"q": "satisfied", "by": "commune"},
    )
    rows = page.context["table"]["rows"]
    assert [(row["label"], row["n"]) for row in rows] == [
        (commune.name, 10),
        (other_commune.name, 11),
    ]
    assert 'data-testid="moe-note"' in page.content.decode()


def test_crosstab_refuses_a_text_question_with_a_message(client_of, staff, planned):
    page = client_of(staff).get(
        reverse("surveys:crosstab", args=[planned.pk]), {"q": "why_not", "by": "sex"}
    )
    assert page.status_code == 200
    assert page.context["table"] is None
    assert page.context["form"].errors["q"]
    same = client_of(staff).get(
        reverse("surveys:crosstab", args=[planned.pk]),
        {"q": "satisfied", "by": "satisfied"},
    )
    assert same.context["table"] is None and same.context["form"].errors["by"]


def test_text_answers_search_ignores_diacritics(client_of, staff, planned):
    zalo = Question.objects.get(version__survey=planned, name="zalo_group")
    url = reverse("surveys:text-answers", args=[planned.pk, zalo.pk])
    client = client_of(staff)
    every = client.get(url)
    assert every.context["page"].paginator.count == 12
    found = client.get(url, {"q": "SAT LO"})
    texts = [a.text for a in found.context["page"].object_list]
    assert texts == ["Nhóm phòng chống sạt lở"] * 2
    assert "sạt lở" in found.content.decode()


def test_text_answers_queries_do_not_grow_with_the_answers(
    client_of, staff, planned, django_assert_num_queries
):
    client = client_of(staff)
    why = Question.objects.get(version__survey=planned, name="why_not")
    zalo = Question.objects.get(version__survey=planned, name="zalo_group")
    few_url = reverse("surveys:text-answers", args=[planned.pk, why.pk])
    many_url = reverse("surveys:text-answers", args=[planned.pk, zalo.pk])
    respond(planned, {"q-satisfied": "no", "q-why_not": "Một ý kiến nữa"})
    client.get(few_url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(few_url).context["page"].paginator.count == 11
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(many_url).context["page"].paginator.count == 12


def test_text_answers_count_only_approved_responses(client_of, staff, survey):
    respond(survey, {"q-satisfied": "no", "q-why_not": "Đã duyệt"})
    respond(
        survey,
        {"q-satisfied": "no", "q-why_not": "Bị loại"},
        review=Response.Review.REJECTED,
    )
    why = Question.objects.get(version__survey=survey, name="why_not")
    page = client_of(staff).get(
        reverse("surveys:text-answers", args=[survey.pk, why.pk])
    )
    assert [a.text for a in page.context["page"].object_list] == ["Đã duyệt"]


def test_text_answers_of_another_surveys_question_is_404(
    client_of, staff, survey, other_survey
):
    foreign = Question.objects.get(version__survey=other_survey, name="why_not")
    page = client_of(staff).get(
        reverse("surveys:text-answers", args=[survey.pk, foreign.pk])
    )
    assert page.status_code == 404


def test_bank_trend_page_lists_the_surveys(client_of, staff, planned, bank):
    page = client_of(staff).get(reverse("surveys:bank-trend", args=[bank.pk]))
    lines = page.context["trend"]["surveys"]
    assert [line["survey"] for line in lines] == [planned]
    assert 'data-testid="interval"' in page.content.decode()


def test_hostile_text_is_shown_escaped(client_of, staff, survey):
    Question.objects.filter(version__survey=survey, name="satisfied").update(
        label=HOSTILE
    )
    Choice.objects.filter(question__version__survey=survey, value="yes").update(
        label=HOSTILE
    )
    for _i in range(10):
        respond(survey, {"q-satisfied": "no", "q-why_not": HOSTILE})
        respond(survey, {"q-satisfied": "yes"})
    client = client_of(staff)
    why = Question.objects.get(version__survey=survey, name="why_not")
    for url in (
        reverse("surveys:results", args=[survey.pk]),
        reverse("surveys:crosstab", args=[survey.pk]) + "?q=satisfied&by=sex",
        reverse("surveys:text-answers", args=[survey.pk, why.pk]),
    ):
        html = client.get(url).content.decode()
        assert HOSTILE not in html, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or (
            "\\u003Cscript\\u003Ealert(1)" in html
        ), url
