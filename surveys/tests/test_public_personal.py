"""A personal one-time link: one answer, then "this form has been answered"."""

import time

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from surveys import public
from surveys.models import PersonalLink, Response, Survey
from surveys.services.links import personal_link_make
from tests.support.pages import html_problems


@pytest.fixture
def link(survey, commune):
    return personal_link_make(survey=survey, count=1)[0]


def _url(link):
    return reverse("answer:personal", kwargs={"link_token": link.token})


def _vi(message):
    with translation.override("vi"):
        return gettext(message)


def _answers(link, commune, **extra):
    data = {
        "form_token": public.token_make(
            scope=f"p{link.pk}", now=time.time() - 10
        ).value,
        "commune": commune.pk,
        "sex": "female",
        "age_group": "60+",
        "occupation": "retiree",
        "q-satisfied": "no",
        "q-why_not": "Thủ tục còn rườm rà",
    }
    data.update(extra)
    return data


def test_personal_link_page_is_valid_and_shows_the_slip(client, link):
    response = client.get(_url(link))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="q-satisfied"' in page
    assert "BAN TUYÊN GIÁO VÀ DÂN VẬN" in page
    problems, _document = html_problems(_url(link), page)
    assert problems == []


def test_personal_link_answers_once(client, link, survey, commune):
    first = client.post(_url(link), _answers(link, commune))
    assert first.status_code == 302
    saved = Response.objects.get()
    assert saved.mode == Response.Mode.PERSONAL
    assert saved.personal_link == link
    assert saved.entered_by is None
    link.refresh_from_db()
    assert link.used_at is not None
    # The public count is the online link's, not the slips'.
    survey.refresh_from_db()
    assert survey.online_count == 0

    page = client.get(_url(link))
    assert page.status_code == 410
    assert _vi("This form has been answered") in page.content.decode()
    assert 'name="q-satisfied"' not in page.content.decode()

    # Used twice: a second form opened before the first was sent.
    client.cookies.clear()
    second = client.post(_url(link), _answers(link, commune))
    assert second.status_code == 410
    assert Response.objects.count() == 1


def test_two_forms_of_one_link_sent_at_once_make_one_answer(
    client, link, commune, monkeypatch
):
    """Both pages saw the link unused; response_save's UPDATE refuses the second."""
    from surveys.views import public as views

    stale = PersonalLink.objects.select_related(
        "survey__unit", "survey__current_version", "commune"
    ).get(pk=link.pk)
    first, second = _answers(link, commune), _answers(link, commune)
    assert client.post(_url(link), first).status_code == 302
    monkeypatch.setattr(views, "get_object_or_404", lambda *args, **kwargs: stale)
    response = client.post(_url(link), second)
    assert response.status_code == 410
    assert _vi("This form has been answered") in response.content.decode()
    assert Response.objects.count() == 1


def test_unknown_personal_link_is_404(client, db):
    url = reverse("answer:personal", kwargs={"link_token": "nope"})
    assert client.get(url).status_code == 404


def test_personal_link_of_a_closed_survey_says_it_has_ended(client, link, survey):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CLOSED)
    response = client.get(_url(link))
    assert response.status_code == 410
    assert _vi("This survey has ended") in response.content.decode()


def test_personal_link_for_one_commune_offers_only_it(
    client, survey, commune, other_commune
):
    link = personal_link_make(survey=survey, count=1, commune=other_commune)[0]
    page = client.get(_url(link)).content.decode()
    assert other_commune.name in page
    assert commune.name not in page
    response = client.post(_url(link), _answers(link, commune))
    assert response.status_code == 200  # the other commune is not a choice
    assert Response.objects.count() == 0


def test_personal_link_bot_and_flood_are_refused(client, link, commune, settings):
    data = _answers(link, commune, **{public.HONEYPOT: "x"})
    assert client.post(_url(link), data).status_code == 400
    settings.SURVEY_PUBLIC_RATE_LIMIT = 1
    settings.SURVEY_PUBLIC_RATE_WINDOW = 10**6
    address = {"REMOTE_ADDR": "203.0.113.150"}
    client.post(_url(link), _answers(link, commune, **{"q-satisfied": ""}), **address)
    flood = client.post(_url(link), _answers(link, commune), **address)
    assert flood.status_code == 429
    assert Response.objects.count() == 0
    link.refresh_from_db()
    assert link.used_at is None
