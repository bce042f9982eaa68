"""The public survey page: who sees what, what it shows, what it stores."""

import datetime
import json
import re
import time

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from surveys import public
from surveys.models import Response, Survey
from tests.support.pages import html_problems

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture
def online_survey(survey, commune, other_commune):
    Survey.objects.filter(pk=survey.pk).update(mode=Survey.Mode.ONLINE)
    survey.refresh_from_db()
    return survey


def _url(survey):
    return reverse("answer:online", kwargs={"key": survey.public_key})


def _vi(message):
    with translation.override("vi"):
        return gettext(message)


def _token(survey, *, age=10):
    return public.token_make(scope=f"s{survey.pk}", now=time.time() - age).value


def _answers(survey, commune, **extra):
    data = {
        "form_token": _token(survey),
        "commune": commune.pk,
        "sex": "female",
        "age_group": "30-44",
        "occupation": "farmer",
        "q-satisfied": "yes",
        "q-channels": ["tv", "zalo"],
        "q-zalo_group": "Tổ dân phố 3",
        "q-rating": "4",
        "q-grid-merge": "agree",
        "q-grid-nodistrict": "unsure",
        "q-age_years": "42",
        "q-visited_on": "02/09/2026",
    }
    data.update(extra)
    return data


def _count(survey):
    survey.refresh_from_db()
    return survey.online_count


def test_public_page_shows_the_board_title_purpose_and_questions(client, online_survey):
    response = client.get(_url(online_survey))
    assert response.status_code == 200
    page = response.content.decode()
    assert "THỊ ỦY HƯƠNG TRÀ" in page
    assert "BAN TUYÊN GIÁO VÀ DÂN VẬN" in page
    assert online_survey.title in page
    assert online_survey.purpose in page
    assert "Ông/bà có hài lòng với dịch vụ công trực tuyến không?" in page
    assert 'name="q-satisfied"' in page
    assert 'name="commune"' in page
    assert 'name="sex"' in page
    assert 'data-testid="privacy"' in page
    # The respondent block asks for no name, phone or address.
    for field in ("name", "phone", "address", "email"):
        assert f'name="{field}"' not in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_public_page_html_is_valid(client, online_survey):
    response = client.get(_url(online_survey))
    problems, _document = html_problems(_url(online_survey), response.content.decode())
    assert problems == []


def test_public_page_shows_no_staff_names_or_counts(client, online_survey, staff):
    Survey.objects.filter(pk=online_survey.pk).update(
        online_count=4242, answer_cap=9999
    )
    page = client.get(_url(online_survey)).content.decode()
    assert staff.get_full_name() not in page
    assert staff.username not in page
    assert "4242" not in page
    assert "9999" not in page
    assert "/surveys/" not in page


def test_public_page_escapes_hostile_title_and_purpose(client, online_survey):
    Survey.objects.filter(pk=online_survey.pk).update(title=HOSTILE, purpose=HOSTILE)
    page = client.get(_url(online_survey)).content.decode()
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_hostile_answers_are_shown_back_escaped(client, online_survey, commune):
    data = _answers(
        online_survey,
        commune,
        **{"q-satisfied": "no", "q-why_not": HOSTILE, "q-age_years": "not a number"},
    )
    response = client.post(_url(online_survey), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert HOSTILE not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert Response.objects.count() == 0
    assert _count(online_survey) == 0


def test_unknown_key_is_404(client, db):
    assert (
        client.get(reverse("answer:online", kwargs={"key": "nope"})).status_code == 404
    )


@pytest.mark.parametrize(
    "change",
    [{"status": Survey.Status.DRAFT}, {"mode": Survey.Mode.FACE_TO_FACE}],
    ids=["draft", "face-to-face"],
)
def test_no_public_page_for_a_draft_or_face_to_face_survey(
    client, online_survey, change
):
    Survey.objects.filter(pk=online_survey.pk).update(**change)
    assert client.get(_url(online_survey)).status_code == 404


@pytest.mark.parametrize(
    "change",
    [
        {"status": Survey.Status.CLOSED},
        {"status": Survey.Status.ARCHIVED},
        {"ends_on": datetime.date(2020, 1, 31), "starts_on": datetime.date(2020, 1, 1)},
    ],
    ids=["closed", "archived", "past"],
)
def test_closed_survey_says_it_has_ended(client, online_survey, commune, change):
    Survey.objects.filter(pk=online_survey.pk).update(**change)
    response = client.get(_url(online_survey))
    assert response.status_code == 410
    page = response.content.decode()
    assert _vi("This survey has ended") in page
    assert 'name="q-satisfied"' not in page
    assert html_problems(_url(online_survey), page)[0] == []
    response = client.post(_url(online_survey), _answers(online_survey, commune))
    assert response.status_code == 410
    assert Response.objects.count() == 0
    assert _count(online_survey) == 0


def test_survey_not_started_says_when_it_opens(client, online_survey):
    start = timezone.localdate() + datetime.timedelta(days=3)
    Survey.objects.filter(pk=online_survey.pk).update(
        starts_on=start, ends_on=start + datetime.timedelta(days=5)
    )
    response = client.get(_url(online_survey))
    assert response.status_code == 200
    assert start.strftime("%d/%m/%Y") in response.content.decode()
    assert 'name="q-satisfied"' not in response.content.decode()


def test_an_answer_is_saved_counted_and_thanked(client, online_survey, commune):
    response = client.post(_url(online_survey), _answers(online_survey, commune))
    thanks = reverse("answer:thanks", kwargs={"key": online_survey.public_key})
    assert response.status_code == 302
    assert response["Location"] == thanks
    assert _count(online_survey) == 1
    saved = Response.objects.get()
    assert saved.mode == Response.Mode.ONLINE
    assert saved.state == Response.State.SUBMITTED
    assert saved.entered_by is None
    assert saved.commune == commune
    assert saved.answers["satisfied"] == "yes"
    # Nothing of the connection is kept with the answers.
    stored = json.dumps(model_to_dict(saved), default=str)
    assert "127.0.0.1" not in stored
    page = client.get(thanks)
    assert page.status_code == 200
    assert online_survey.title in page.content.decode()
    assert html_problems(thanks, page.content.decode())[0] == []


def test_server_refuses_an_answer_to_a_hidden_question(client, online_survey, commune):
    # Without JavaScript the page shows every question; the server applies the rule.
    data = _answers(online_survey, commune, **{"q-why_not": "Chậm quá"})
    response = client.post(_url(online_survey), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="q-why_not-error"' in page
    assert Response.objects.count() == 0
    assert _count(online_survey) == 0


def test_missing_respondent_block_is_refused(client, online_survey, commune):
    data = _answers(online_survey, commune)
    del data["sex"]
    response = client.post(_url(online_survey), data)
    assert response.status_code == 200
    assert 'data-testid="form-errors"' in response.content.decode()
    assert Response.objects.count() == 0


def test_commune_of_another_town_is_refused(client, online_survey, other_town):
    from dluan.models import OrgUnit
    from dluan.tests.factories import OrgUnitFactory

    outside = OrgUnitFactory(
        name="Phường Thủy Dương", kind=OrgUnit.Kind.COMMUNE, parent=other_town
    )
    response = client.post(_url(online_survey), _answers(online_survey, outside))
    assert response.status_code == 200
    assert Response.objects.count() == 0


def test_thanks_of_unknown_or_draft_survey_is_404(client, online_survey):
    assert (
        client.get(reverse("answer:thanks", kwargs={"key": "nope"})).status_code == 404
    )
    Survey.objects.filter(pk=online_survey.pk).update(status=Survey.Status.DRAFT)
    url = reverse("answer:thanks", kwargs={"key": online_survey.public_key})
    assert client.get(url).status_code == 404


def test_no_style_attribute_in_the_page(client, online_survey):
    page = client.get(_url(online_survey)).content.decode()
    assert not re.search(r"\sstyle=", page)


def test_public_page_query_count_is_fixed(
    client, online_survey, django_assert_num_queries
):
    from surveys.models import Question
    from surveys.tests.factories import add_choices

    client.get(_url(online_survey))
    with CaptureQueriesContext(connection) as context:
        client.get(_url(online_survey))
    for n in range(5):
        add_choices(
            Question.objects.create(
                version=online_survey.current_version,
                name=f"extra{n}",
                kind=Question.Kind.SINGLE,
                label=f"Câu hỏi thêm {n}",
                order=100 + n,
            ),
            ("a", "A"),
            ("b", "B"),
        )
    with django_assert_num_queries(len(context.captured_queries)):
        client.get(_url(online_survey))
    assert len(context.captured_queries) <= 6
