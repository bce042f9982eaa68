"""A province's survey read town by town: the cross-tab by commune and the quota
fill have a row per town, and every commune's row is one click away."""

import pytest
from django.urls import reverse

from dluan.models import OrgUnit, User
from dluan.tests.factories import OrgUnitFactory, UserFactory
from surveys.models import AgeGroup, Sex, SurveyCell
from surveys.tests.factories import SurveyFactory, questionnaire
from surveys.tests.results_data import respond


@pytest.fixture
def province_staff(province):
    return UserFactory(
        username="canbo_tinh",
        full_name="Lê Thị Tỉnh",
        role=User.Role.STAFF,
        org_unit=province,
    )


@pytest.fixture
def far_commune(other_town):
    return OrgUnitFactory(
        name="Phường Thủy Dương", kind=OrgUnit.Kind.COMMUNE, parent=other_town
    )


@pytest.fixture
def province_survey(province, province_staff):
    survey = SurveyFactory(unit=province, created_by=province_staff)
    questionnaire(survey.current_version)
    return survey


@pytest.fixture
def answered(province_survey, commune, other_commune, far_commune):
    for unit, count in ((commune, 10), (other_commune, 11), (far_commune, 12)):
        for _i in range(count):
            respond(province_survey, {"q-satisfied": "yes"}, commune=unit)
    return province_survey


def crosstab(client, survey, **extra):
    return client.get(
        reverse("surveys:crosstab", args=[survey.pk]),
        {"q": "satisfied", "by": "commune", **extra},
    )


def test_crosstab_by_commune_of_a_province_has_a_row_per_town(
    client_of, province_staff, answered, town, other_town
):
    page = crosstab(client_of(province_staff), answered)
    rows = page.context["table"]["rows"]
    # Each town's communes added up; the towns by name.
    assert [(row["label"], row["n"], row["town"]) for row in rows] == [
        (other_town.name, 12, other_town.pk),
        (town.name, 21, town.pk),
    ]
    html = page.content.decode()
    assert 'data-testid="crosstab-towns"' in html
    assert f"town={town.pk}" in html


def test_every_commune_row_is_reached_through_its_town(
    client_of, province_staff, answered, town, other_town, commune, other_commune
):
    client = client_of(province_staff)
    page = crosstab(client, answered, town=town.pk)
    rows = page.context["table"]["rows"]
    assert [(row["label"], row["n"]) for row in rows] == [
        (commune.name, 10),
        (other_commune.name, 11),
    ]
    assert 'data-testid="crosstab-town"' in page.content.decode()
    far = crosstab(client, answered, town=other_town.pk).context["table"]["rows"]
    assert [(row["label"], row["n"]) for row in far] == [("Phường Thủy Dương", 12)]


def test_crosstab_town_outside_the_survey_is_404(
    client_of, province_staff, staff, answered, survey, commune, town
):
    client = client_of(province_staff)
    assert crosstab(client, answered, town=commune.pk).status_code == 404
    assert crosstab(client, answered, town="x").status_code == 404
    # A town's survey is read commune by commune: no town to open.
    assert crosstab(client_of(staff), survey, town=town.pk).status_code == 404


def test_crosstab_of_a_town_survey_keeps_a_row_per_commune(
    client_of, staff, survey, commune, other_commune
):
    for unit in (commune, other_commune):
        for _i in range(10):
            respond(survey, {"q-satisfied": "no"}, commune=unit)
    rows = crosstab(client_of(staff), survey).context["table"]["rows"]
    assert [row["label"] for row in rows] == [commune.name, other_commune.name]
    assert all(row["town"] is None for row in rows)


@pytest.fixture
def with_quotas(province_survey, commune, other_commune, far_commune):
    for unit in (commune, other_commune, far_commune):
        for sex in Sex.values:
            for age in AgeGroup.values:
                SurveyCell.objects.create(
                    survey=province_survey,
                    commune=unit,
                    sex=sex,
                    age_group=age,
                    population=100,
                    quota=2,
                )
    respond(province_survey, {"q-satisfied": "yes"}, commune=far_commune)
    return province_survey


def test_quota_fill_of_a_province_has_a_row_per_town_opening_on_its_communes(
    client_of, province_staff, with_quotas, town, other_town, commune, other_commune
):
    client = client_of(province_staff)
    url = reverse("surveys:quota-fill", args=[with_quotas.pk])
    table = client.get(url).context["table"]
    assert table.by_town
    assert [
        (row.commune.name, row.total.quota, row.total.submitted) for row in table.rows
    ] == [
        (other_town.name, 16, 1),
        (town.name, 32, 0),
    ]
    assert (table.total.quota, table.total.submitted) == (48, 1)
    cells = {(c.sex, c.age_group): c for c in table.rows[0].cells}
    assert cells[("female", "30-44")].submitted == 1
    assert cells[("female", "30-44")].quota == 2
    drilled = client.get(url, {"town": town.pk})
    rows = drilled.context["table"].rows
    assert [row.commune.name for row in rows] == [commune.name, other_commune.name]
    html = drilled.content.decode()
    # The live refresh keeps to the town.
    assert f'data-hx-get="{url}?town={town.pk}"' in html
    assert client.get(url, {"town": commune.pk}).status_code == 404
