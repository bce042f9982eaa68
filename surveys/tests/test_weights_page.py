"""The weights page: its margins, and its cells' table paged and filtered."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from dluan.models import OrgUnit
from dluan.tests.factories import OrgUnitFactory
from surveys.models import AgeGroup, Response, Sex, Survey, SurveyCell
from surveys.services.weighting import survey_weigh
from tests.support.pages import html_problems


def _url(survey):
    return reverse("surveys:weights", args=[survey.pk])


def _approved(survey, count, **fields):
    now = timezone.now()
    Response.objects.bulk_create(
        Response(
            survey=survey,
            version=survey.current_version,
            client_id=uuid.uuid4(),
            mode=Response.Mode.FACE_TO_FACE,
            state=Response.State.SUBMITTED,
            review=Response.Review.APPROVED,
            submitted_at=now,
            **fields,
        )
        for _ in range(count)
    )


def _section(page: str, testid: str) -> str:
    return page.split(f'data-testid="{testid}"')[1].split("</table>")[0]


@pytest.fixture
def weighed(survey, commune, other_commune):
    """Two communes' men and women of 30-44, post-stratified (see the review tests)."""
    for unit, sex, people, count in [
        (commune, "male", 300, 5),
        (commune, "female", 200, 10),
        (other_commune, "male", 100, 5),
        (other_commune, "female", 400, 20),
    ]:
        SurveyCell.objects.create(
            survey=survey, commune=unit, sex=sex, age_group="30-44", population=people
        )
        _approved(survey, count, commune=unit, sex=sex, age_group="30-44")
    survey_weigh(survey=survey)
    return survey


@pytest.fixture
def many_cells(survey, town):
    """Seven communes × every sex × every age group: 56 cells, more than a page."""
    communes = [
        OrgUnitFactory(name=f"Xã {n:02d}", kind=OrgUnit.Kind.COMMUNE, parent=town)
        for n in range(7)
    ]
    weight = 0.5
    for unit in communes:
        for sex in Sex.values:
            for age in AgeGroup.values:
                weight += 0.01
                cell = SurveyCell.objects.create(
                    survey=survey,
                    commune=unit,
                    sex=sex,
                    age_group=age,
                    population=100,
                    weight=weight,
                )
                _approved(survey, 2, commune=unit, sex=sex, age_group=age, cell=cell)
    Survey.objects.filter(pk=survey.pk).update(
        weighting="raking", weighted_at=timezone.now()
    )
    return communes


def test_margins_show_target_sample_and_weighted_shares(client_of, staff, weighed):
    response = client_of(staff).get(_url(weighed))
    page = response.content.decode()
    # Men: 400 of 1,000 people (40 %), 10 of 40 approved (25 %), weighed to 40 %.
    sexes = _section(page, "weight-margin-sex")
    assert sexes.count("40,0 %") + sexes.count("40.0 %") == 2
    assert "25,0 %" in sexes or "25.0 %" in sexes
    # Each commune: half the people, weighed to half; Tứ Hạ has 15 of 40 approved.
    communes = _section(page, "weight-communes")
    assert "Phường Tứ Hạ" in communes
    assert "37,5 %" in communes or "37.5 %" in communes
    assert communes.count("50,0 %") + communes.count("50.0 %") == 4
    problems, _document = html_problems(_url(weighed), page)
    assert problems == []


def test_every_cell_is_reached_through_the_pages(client_of, leader, many_cells):
    survey = SurveyCell.objects.first().survey
    client = client_of(leader)
    seen = []
    first = client.get(_url(survey))
    page = first.content.decode()
    assert f"{_url(survey)}?page=2#cells" in page.replace("&amp;", "&") or (
        "?page=2#cells" in page
    )
    assert 'data-testid="weight-cells"' in page
    number = 1
    while True:
        response = client.get(_url(survey), {"page": number})
        cells_page = response.context["cells_page"]
        assert cells_page.number == number
        seen += [
            (row["commune_id"], row["sex_code"], row["age_code"])
            for row in response.context["cell_rows"]
        ]
        if not cells_page.has_next():
            break
        number += 1
    assert number == 2
    assert len(seen) == len(set(seen)) == 56


def test_cells_are_filtered_by_commune_and_ordered_by_weight(
    client_of, staff, many_cells
):
    survey = SurveyCell.objects.first().survey
    client = client_of(staff)
    chosen = many_cells[3]
    response = client.get(_url(survey), {"commune": chosen.pk})
    rows = list(response.context["cell_rows"])
    assert len(rows) == 8
    assert {row["commune"] for row in rows} == {chosen.name}
    # The commune's margin links to its cells.
    page = client.get(_url(survey)).content.decode()
    assert f"?commune={chosen.pk}#cells" in page
    response = client.get(_url(survey), {"order": "weight-desc", "sex": "female"})
    rows = list(response.context["cell_rows"])
    assert {row["sex_code"] for row in rows} == {"female"}
    weights = [row["weight"] for row in rows]
    assert weights == sorted(weights, reverse=True)
    # A commune out of the survey is no filter, not an error.
    response = client.get(_url(survey), {"commune": "999999999"})
    assert response.status_code == 200
    assert response.context["cells_page"].paginator.count == 56


def test_the_summary_follows_the_reviews(client_of, staff, weighed):
    client = client_of(staff)
    assert client.get(_url(weighed)).context["summary"]["n"] == 40
    _approved(weighed, 3, commune=None, sex="", age_group="")
    weighed.touch_results()
    summary = client.get(_url(weighed)).context["summary"]
    assert summary["n"] == 43
    assert summary["outside"] == 3


def test_weights_page_queries_do_not_grow_with_cells(
    client_of, staff, many_cells, django_assert_num_queries
):
    survey = SurveyCell.objects.first().survey
    client = client_of(staff)
    client.get(_url(survey))  # the summary goes into the cache
    # Session, user, unit and subtree, survey, its weighting, the notifications
    # badge: the cells come from the cache.
    with django_assert_num_queries(7):
        client.get(_url(survey), {"page": 2})
