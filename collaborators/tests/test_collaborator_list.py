import datetime
import unicodedata

import pytest
from django.urls import reverse
from django.utils import timezone

from collaborators.models import Collaborator
from collaborators.tests.factories import CollaboratorFactory

LIST = reverse("collaborators:collaborator-list")


def _names(response):
    return {c.full_name for c in response.context["page"]}


@pytest.fixture
def roster(commune, other_commune):
    CollaboratorFactory(full_name="Nguyễn Văn An", unit=commune)
    CollaboratorFactory(full_name="Đặng Thị Lan", unit=other_commune)
    CollaboratorFactory(full_name="Trần Văn Bình", unit=commune)


@pytest.mark.parametrize(
    "query",
    [
        "nguyen van an",
        "NGUYỄN VĂN AN",
        unicodedata.normalize("NFD", "Nguyễn Văn An"),
        "  an   nguyen ",
    ],
)
def test_search_ignores_case_diacritics_and_form(client_of, staff, roster, query):
    response = client_of(staff).get(LIST, {"q": query})
    assert _names(response) == {"Nguyễn Văn An"}


def test_search_dang_finds_dang_with_stroke(client_of, staff, roster):
    response = client_of(staff).get(LIST, {"q": "dang"})
    assert _names(response) == {"Đặng Thị Lan"}


def test_filter_by_unit_status_party_and_term(client_of, staff, commune, town):
    today = timezone.localdate()
    CollaboratorFactory(
        full_name="A",
        unit=commune,
        is_party_member=True,
        term_end=today + datetime.timedelta(days=10),
    )
    CollaboratorFactory(full_name="B", unit=town, status=Collaborator.Status.SUSPENDED)
    CollaboratorFactory(
        full_name="C", unit=commune, term_end=today + datetime.timedelta(days=200)
    )
    client = client_of(staff)
    assert _names(client.get(LIST, {"unit": commune.pk})) == {"A", "C"}
    assert _names(client.get(LIST, {"status": "suspended"})) == {"B"}
    assert _names(client.get(LIST, {"party_member": "yes"})) == {"A"}
    assert _names(client.get(LIST, {"party_member": "no"})) == {"B", "C"}
    assert _names(client.get(LIST, {"term_days": 60})) == {"A"}


def test_unit_filter_offers_only_the_subtree(client_of, staff, other_town, town):
    response = client_of(staff).get(LIST)
    units = set(response.context["form"].fields["unit"].queryset)
    assert town in units
    assert other_town not in units
    response = client_of(staff).get(LIST, {"unit": other_town.pk})
    assert response.context["form"].errors


def test_list_is_paginated(client_of, staff, commune):
    CollaboratorFactory.create_batch(30, unit=commune)
    response = client_of(staff).get(LIST, {"page": 2})
    assert len(response.context["page"].object_list) == 5


def _list_queries(client, django_assert_num_queries, count):
    with django_assert_num_queries(count):
        response = client.get(LIST)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("size", [10, 200])
def test_list_query_count_does_not_grow(
    client_of, staff, commune, other_commune, django_assert_num_queries, size
):
    for index in range(size):
        collaborator = CollaboratorFactory(unit=commune if index % 2 else other_commune)
        collaborator.coverage_areas.add(commune, other_commune)
    response = _list_queries(client_of(staff), django_assert_num_queries, 8)
    assert response.context["page"].paginator.count == size
