"""The commune filter of the results page and of the review queue: a province's
communes under their towns' names, every one of them reachable."""

import re

import pytest
from django.urls import reverse

from dluan.tests.factories import OrgUnitFactory
from surveys.tests.factories import SurveyFactory, questionnaire
from surveys.tests.results_data import respond


def _select(page) -> str:
    body = page.content.decode()
    return re.search(r'<select name="commune".*?</select>', body, re.S).group(0)


def _groups(select: str) -> dict[str, list[tuple[str, str]]]:
    return {
        label: re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', options)
        for label, options in re.findall(
            r'<optgroup label="([^"]*)">(.*?)</optgroup>', select, re.S
        )
    }


@pytest.fixture
def far(other_town):
    return OrgUnitFactory(name="Phường <Thủy> Dương", parent=other_town)


@pytest.fixture
def province_survey(province, admin_user, commune, other_commune, far):
    survey = SurveyFactory(unit=province, created_by=admin_user)
    questionnaire(survey.current_version)
    OrgUnitFactory(name="Xã đã giải thể", parent=far.parent, is_active=False)
    return survey


@pytest.mark.parametrize("page", ["surveys:results", "surveys:response-list"])
def test_a_province_survey_lists_every_commune_under_its_town(
    client_of, admin_user, province_survey, commune, other_commune, far, page
):
    select = _select(
        client_of(admin_user).get(reverse(page, args=[province_survey.pk]))
    )
    assert 'id="id_commune"' in select
    assert 'class="form-select"' in select
    assert _groups(select) == {
        "Thị xã Hương Thủy": [(str(far.pk), "Phường &lt;Thủy&gt; Dương")],
        "Thị xã Hương Trà": [
            (str(commune.pk), commune.name),
            (str(other_commune.pk), other_commune.name),
        ],
    }
    # The blank choice stays first, outside the groups.
    assert re.match(r'<select[^>]*><option value="">', select)


@pytest.mark.parametrize("page", ["surveys:results", "surveys:response-list"])
def test_a_town_survey_lists_its_communes_without_groups(
    client_of, staff, survey, commune, other_commune, page
):
    select = _select(client_of(staff).get(reverse(page, args=[survey.pk])))
    assert "<optgroup" not in select
    assert re.findall(r'<option value="(\d+)"', select) == [
        str(commune.pk),
        str(other_commune.pk),
    ]


def test_results_of_a_commune_of_any_town(
    client_of, admin_user, province_survey, commune, far
):
    for _i in range(3):
        respond(province_survey, {"q-satisfied": "yes"}, commune=commune)
    for _i in range(2):
        respond(province_survey, {"q-satisfied": "no"}, commune=far)
    client = client_of(admin_user)
    url = reverse("surveys:results", args=[province_survey.pk])
    page = client.get(url, {"commune": far.pk})
    assert page.context["results"]["n"] == 2
    assert f'<option value="{far.pk}" selected>' in _select(page)
    assert client.get(url, {"commune": commune.pk}).context["results"]["n"] == 3
    # A commune outside the survey is no filter: every answer counts.
    outside = OrgUnitFactory(name="Xã ngoài", parent=OrgUnitFactory())
    page = client.get(url, {"commune": outside.pk})
    assert page.context["form"].errors["commune"]
    assert page.context["results"]["n"] == 5


def test_review_queue_of_a_commune_of_any_town(
    client_of, admin_user, province_survey, commune, far
):
    near = respond(province_survey, {"q-satisfied": "yes"}, commune=commune)
    away = respond(province_survey, {"q-satisfied": "no"}, commune=far)
    url = reverse("surveys:response-list", args=[province_survey.pk])
    page = client_of(admin_user).get(url, {"commune": far.pk})
    shown = [row["response"].pk for row in page.context["rows"]]
    assert shown == [away.pk]
    assert near.pk not in shown
    assert f'<option value="{far.pk}" selected>' in _select(page)
