"""The public page's commune list: every commune of the survey's population, under
its town's name when the survey spans towns, and the respondent's choice kept."""

import re
import time

import pytest
from django.urls import reverse

from dluan.tests.factories import OrgUnitFactory
from surveys import public
from surveys.models import Survey
from surveys.tests.factories import SurveyFactory, questionnaire


def _url(survey):
    return reverse("answer:online", kwargs={"key": survey.public_key})


def _select(page: str) -> str:
    return re.search(r'<select[^>]*name="commune".*?</select>', page, re.S).group(0)


@pytest.fixture
def province_survey(province, admin_user):
    survey = SurveyFactory(unit=province, created_by=admin_user, mode="online")
    questionnaire(survey.current_version)
    return survey


def test_province_survey_lists_communes_under_their_towns(
    client, province_survey, commune, other_commune, other_town
):
    far = OrgUnitFactory(name="Phường <Thủy> Dương", parent=other_town)
    OrgUnitFactory(name="Xã đã giải thể", parent=other_town, is_active=False)
    select = _select(client.get(_url(province_survey)).content.decode())
    groups = re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S)
    assert [label for label, _options in groups] == [
        "Thị xã Hương Thủy",
        "Thị xã Hương Trà",
    ]
    values = {
        label: re.findall(r'<option value="(\d+)">([^<]*)</option>', options)
        for label, options in groups
    }
    assert values["Thị xã Hương Thủy"] == [(str(far.pk), "Phường &lt;Thủy&gt; Dương")]
    assert values["Thị xã Hương Trà"] == [
        (str(commune.pk), commune.name),
        (str(other_commune.pk), other_commune.name),
    ]
    assert ' id="id_commune"' in select
    assert "required" in select.split(">")[0]
    assert '<option value="" selected>' in select


def test_town_survey_lists_its_communes_without_groups(
    client, survey, commune, other_commune
):
    Survey.objects.filter(pk=survey.pk).update(mode=Survey.Mode.ONLINE)
    select = _select(client.get(_url(survey)).content.decode())
    assert "<optgroup" not in select
    assert re.findall(r'<option value="(\d+)"', select) == [
        str(commune.pk),
        str(other_commune.pk),
    ]


def test_chosen_commune_is_kept_when_answers_need_correcting(
    client, province_survey, commune, other_town
):
    OrgUnitFactory(name="Phường Thủy Dương", parent=other_town)
    token = public.token_make(
        scope=f"s{province_survey.pk}", now=time.time() - 10
    ).value
    page = client.post(
        _url(province_survey),
        {"form_token": token, "commune": commune.pk, "sex": "female"},
    ).content.decode()
    select = _select(page)
    assert f'<option value="{commune.pk}" selected>' in select
    assert select.count(" selected") == 1
