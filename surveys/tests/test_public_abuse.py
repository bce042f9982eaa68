"""The public link under abuse: each case ends as a refusal with nothing counted.

A second answer from the same browser (the signed cookie), a flood from one
address (the rate limit, shared by every web process through the cache), a
replayed or stale form (the signed one-time token), a bot (the honeypot, the
minimum time), and the answer cap.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from surveys import public
from surveys.models import Response, Survey

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def online_survey(survey, commune):
    Survey.objects.filter(pk=survey.pk).update(mode=Survey.Mode.ONLINE)
    survey.refresh_from_db()
    return survey


def _url(survey):
    return reverse("answer:online", kwargs={"key": survey.public_key})


def _vi(message):
    with translation.override("vi"):
        return gettext(message)


def _answers(survey, commune, *, token=None, **extra):
    data = {
        "form_token": token
        or public.token_make(scope=f"s{survey.pk}", now=time.time() - 10).value,
        "commune": commune.pk,
        "sex": "male",
        "age_group": "45-59",
        "occupation": "worker",
        "q-satisfied": "yes",
    }
    data.update(extra)
    return data


def _count(survey):
    survey.refresh_from_db()
    return survey.online_count


# --- (1) One answer per browser ------------------------------------------------------


def test_a_browser_that_answered_is_told_so_and_refused(client, online_survey, commune):
    assert (
        client.post(_url(online_survey), _answers(online_survey, commune)).status_code
        == 302
    )
    assert public.cookie_name(online_survey) in client.cookies
    page = client.get(_url(online_survey))
    assert page.status_code == 200
    assert _vi("You have answered") in page.content.decode()
    assert 'name="q-satisfied"' not in page.content.decode()
    again = client.post(_url(online_survey), _answers(online_survey, commune))
    assert again.status_code == 403
    assert _count(online_survey) == 1
    assert Response.objects.count() == 1


def test_a_forged_cookie_is_not_taken_as_answered(client, online_survey):
    client.cookies[public.cookie_name(online_survey)] = online_survey.public_key
    page = client.get(_url(online_survey))
    assert 'name="q-satisfied"' in page.content.decode()


def test_the_cookie_of_one_survey_does_not_close_another(
    client, online_survey, commune, town, staff
):
    from surveys.tests.factories import SurveyFactory, questionnaire

    second = SurveyFactory(unit=town, created_by=staff, mode=Survey.Mode.ONLINE)
    questionnaire(second.current_version)
    client.post(_url(online_survey), _answers(online_survey, commune))
    page = client.get(_url(second))
    assert 'name="q-satisfied"' in page.content.decode()


# --- (2) A flood from one address ----------------------------------------------------


def test_a_flood_from_one_address_gets_429_and_counts_nothing(
    client, online_survey, commune, settings
):
    settings.SURVEY_PUBLIC_RATE_LIMIT = 3
    settings.SURVEY_PUBLIC_RATE_WINDOW = 10**6
    address = {"REMOTE_ADDR": "203.0.113.7"}
    for _ in range(3):
        client.cookies.clear()
        response = client.post(
            _url(online_survey), _answers(online_survey, commune), **address
        )
        assert response.status_code == 302
    client.cookies.clear()
    flood = client.post(
        _url(online_survey), _answers(online_survey, commune), **address
    )
    assert flood.status_code == 429
    assert flood["Retry-After"] == str(10**6)
    assert _vi("Too many answers from this connection") in flood.content.decode()
    assert _count(online_survey) == 3
    assert Response.objects.count() == 3
    # Another address is not held back by this one.
    client.cookies.clear()
    other = client.post(
        _url(online_survey),
        _answers(online_survey, commune),
        REMOTE_ADDR="198.51.100.20",
    )
    assert other.status_code == 302
    assert _count(online_survey) == 4


CHILD = """
import sys
import django
django.setup()
from django.conf import settings
settings.CACHES["default"]["KEY_PREFIX"] = sys.argv[1]
settings.SURVEY_PUBLIC_RATE_WINDOW = int(sys.argv[4])
from django.test import RequestFactory
from surveys import public
request = RequestFactory().post("/", REMOTE_ADDR=sys.argv[2])
for _ in range(int(sys.argv[3])):
    public.rate_take(request, scope=sys.argv[5])
print("done")
"""


def test_the_rate_limit_holds_across_processes(
    client, online_survey, commune, settings
):
    """Another web process (a child Python) takes the address's places through the
    cache the settings give; this process then refuses the next post.

    On Redis (REDIS_URL, as in CI) the places are shared, as across the web
    workers of a deployment. On the in-memory cache (no Redis) each process
    counts alone, which is why a deployment with several processes sets Redis.
    """
    settings.SURVEY_PUBLIC_RATE_LIMIT = 2
    settings.SURVEY_PUBLIC_RATE_WINDOW = 10**6
    address = "192.0.2.44"
    backend = settings.CACHES["default"]["BACKEND"]
    child = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [
            sys.executable,
            "-c",
            CHILD,
            settings.CACHES["default"].get("KEY_PREFIX", ""),
            address,
            "2",
            str(10**6),
            f"s{online_survey.pk}",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "dluan.settings_test"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    assert "done" in child.stdout
    response = client.post(
        _url(online_survey), _answers(online_survey, commune), REMOTE_ADDR=address
    )
    if backend.endswith("RedisCache"):
        assert response.status_code == 429
        assert _count(online_survey) == 0
        assert Response.objects.count() == 0
    else:
        assert backend.endswith("LocMemCache")
        assert response.status_code == 302
        assert _count(online_survey) == 1


def test_the_address_is_kept_only_as_a_hash(online_survey, settings, rf):
    settings.SURVEY_PUBLIC_RATE_WINDOW = 10**6
    request = rf.post("/", REMOTE_ADDR="203.0.113.99")
    public.rate_take(request, scope="privacy")
    key = public._address_key(request, "privacy", int(time.time()) // 10**6)
    assert cache.get(key) == 1
    assert "203.0.113.99" not in key


# --- (3) A replayed or stale form ----------------------------------------------------


def test_a_replayed_form_counts_once(client, online_survey, commune):
    data = _answers(online_survey, commune)
    first = client.post(_url(online_survey), data)
    assert first.status_code == 302
    client.cookies.clear()  # a replay from a program keeps no cookie
    replay = client.post(_url(online_survey), data)
    assert replay.status_code == 302
    assert replay["Location"] == first["Location"]
    assert _count(online_survey) == 1
    assert Response.objects.count() == 1


def test_a_stale_form_is_refused(client, online_survey, commune, settings):
    settings.SURVEY_PUBLIC_TOKEN_HOURS = 12
    stale = public.token_make(
        scope=f"s{online_survey.pk}", now=time.time() - 13 * 3600
    ).value
    response = client.post(
        _url(online_survey), _answers(online_survey, commune, token=stale)
    )
    assert response.status_code == 400
    assert _count(online_survey) == 0
    assert Response.objects.count() == 0


@pytest.mark.parametrize("token", ["", "garbage", "eyJjIjoiMSJ9:1a:forged"])
def test_a_missing_or_forged_token_is_refused(client, online_survey, commune, token):
    data = _answers(online_survey, commune)
    data["form_token"] = token
    response = client.post(_url(online_survey), data)
    assert response.status_code == 400
    assert _count(online_survey) == 0


def test_the_token_of_another_survey_is_refused(
    client, online_survey, commune, town, staff
):
    from surveys.tests.factories import SurveyFactory

    second = SurveyFactory(unit=town, created_by=staff, mode=Survey.Mode.ONLINE)
    foreign = public.token_make(scope=f"s{second.pk}", now=time.time() - 10).value
    response = client.post(
        _url(online_survey), _answers(online_survey, commune, token=foreign)
    )
    assert response.status_code == 400
    assert _count(online_survey) == 0


# --- (4) A bot -----------------------------------------------------------------------


def test_the_honeypot_is_hidden_by_a_class_and_refuses_a_bot(
    client, online_survey, commune
):
    page = client.get(_url(online_survey)).content.decode()
    assert f'name="{public.HONEYPOT}"' in page
    assert 'class="survey-extra"' in page
    css = (ROOT / "static" / "css" / "surveys-public.css").read_text()
    assert ".survey-extra {" in css
    data = _answers(online_survey, commune, **{public.HONEYPOT: "http://spam.example"})
    response = client.post(_url(online_survey), data)
    assert response.status_code == 400
    assert _count(online_survey) == 0
    assert Response.objects.count() == 0


def test_a_form_sent_too_quickly_is_refused(client, online_survey, commune, settings):
    settings.SURVEY_PUBLIC_MIN_SECONDS = 3
    page = client.get(_url(online_survey)).content.decode()
    token = page.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        _url(online_survey), _answers(online_survey, commune, token=token)
    )
    assert response.status_code == 400
    assert (
        _vi(
            "The form was sent too quickly. Please check your answers and send it again."
        )
        in response.content.decode()
    )
    # The answers stay on the page, with the same form, to send again.
    assert f'value="{token}"' in response.content.decode()
    assert _count(online_survey) == 0
    assert Response.objects.count() == 0


# --- (5) The answer cap --------------------------------------------------------------


def test_the_answer_after_the_cap_is_refused(client, online_survey, commune):
    Survey.objects.filter(pk=online_survey.pk).update(answer_cap=1)
    assert (
        client.post(_url(online_survey), _answers(online_survey, commune)).status_code
        == 302
    )
    client.cookies.clear()
    over = client.post(_url(online_survey), _answers(online_survey, commune))
    assert over.status_code == 410
    assert _count(online_survey) == 1
    assert Response.objects.count() == 1
    page = client.get(_url(online_survey))
    assert page.status_code == 410
    assert _vi("This survey has ended") in page.content.decode()


def test_the_cap_reached_while_the_form_was_open_is_refused(
    client, online_survey, commune, monkeypatch
):
    """Two respondents post at once for the last place: the one conditional UPDATE
    in response_save refuses the second, whatever the page checked before."""
    from surveys.views import public as views

    Survey.objects.filter(pk=online_survey.pk).update(answer_cap=1, online_count=1)
    # The page's own check ran while there was a place left.
    monkeypatch.setattr(views, "_not_open", lambda request, survey, *, online: None)
    response = client.post(_url(online_survey), _answers(online_survey, commune))
    assert response.status_code == 410
    assert _count(online_survey) == 1
    assert Response.objects.count() == 0
