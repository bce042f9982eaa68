"""LargePaginator: exact counts while rows are few, an estimate or none past that."""

import pytest
from django.db import connection

from dluan.models import OrgUnit
from dluan.paging import ESTIMATE, EXACT, UNCOUNTED, LargePaginator
from dluan.tests.factories import OrgUnitFactory


@pytest.fixture
def units(province):
    for index in range(12):
        OrgUnitFactory(name=f"Xã Thứ {index:02d}", kind="commune", parent=province)
    return OrgUnit.objects.filter(parent=province).order_by("name")


def test_few_rows_are_counted_exactly_and_pages_follow(units):
    paginator = LargePaginator(units, 5)
    page = paginator.get_page(2)
    assert paginator.count_kind == EXACT
    assert paginator.count == 12
    assert paginator.num_pages == 3
    assert [unit.name for unit in page] == [f"Xã Thứ {i:02d}" for i in range(5, 10)]
    assert page.has_previous() and page.has_next()
    last = paginator.get_page(3)
    assert len(last) == 2 and not last.has_next()


def test_out_of_range_page_with_exact_count_shows_the_last(units):
    assert LargePaginator(units, 5).get_page(99).number == 3
    assert LargePaginator(units, 5).get_page("x").number == 1


def test_many_rows_take_the_planner_estimate_on_postgresql(units):
    paginator = LargePaginator(units, 5)
    paginator.exact_limit = 4
    if connection.vendor == "postgresql":
        assert paginator.count_kind == ESTIMATE
        assert paginator.count >= 5  # never below what was seen to exist
    else:
        # SQLite has no estimate to offer: a small board's rows are counted.
        assert (paginator.count_kind, paginator.count) == (EXACT, 12)


def test_uncounted_pages_run_no_count_and_know_when_they_end(
    units, django_assert_num_queries
):
    paginator = LargePaginator(units, 5, counted=False)
    with django_assert_num_queries(2):  # the page's keys, then its rows
        page = paginator.get_page(3)
        rows = list(page)
    assert paginator.count_kind == UNCOUNTED and paginator.count is None
    assert [unit.name for unit in rows] == ["Xã Thứ 10", "Xã Thứ 11"]
    assert not page.has_next() and page.has_previous()
    assert paginator.get_page(2).has_next()
    # Past the end: an empty page, not an error.
    assert list(paginator.get_page(9)) == []


def test_a_page_keeps_the_order_of_the_list(units):
    newest_first = units.order_by("-name")
    page = LargePaginator(newest_first, 4).get_page(1)
    assert [unit.name for unit in page] == [f"Xã Thứ {i:02d}" for i in (11, 10, 9, 8)]
