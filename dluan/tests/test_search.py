"""Search ignores case and Vietnamese diacritics, the same on SQLite and PostgreSQL."""

import unicodedata

import pytest

from dluan.models import OrgUnit
from dluan.search import fold, search
from dluan.tests.factories import OrgUnitFactory


def test_fold_removes_case_diacritics_and_d_stroke():
    assert fold("NGUYỄN VĂN AN") == "nguyen van an"
    assert fold("Đặng  Thị\tHoa") == "dang thi hoa"
    assert fold(unicodedata.normalize("NFD", "Nguyễn Văn An")) == "nguyen van an"


@pytest.fixture
def units(db):
    return {
        name: OrgUnitFactory(name=name)
        for name in ["Nguyễn Văn An", "Đặng Xá", "Hương Toàn", "Nguyên Lý"]
    }


@pytest.mark.parametrize(
    "query",
    [
        "nguyen van an",
        "NGUYỄN VĂN AN",
        unicodedata.normalize("NFD", "Nguyễn Văn An"),
        "  nguyễn   an ",
    ],
)
def test_every_spelling_finds_the_name(units, query):
    found = set(search(OrgUnit.objects.all(), query).values_list("name", flat=True))
    assert found == {"Nguyễn Văn An"}


def test_dang_finds_dang_with_d_stroke(units):
    found = set(search(OrgUnit.objects.all(), "dang").values_list("name", flat=True))
    assert found == {"Đặng Xá"}


def test_empty_query_returns_everything(units):
    assert search(OrgUnit.objects.all(), "   ").count() == len(units)


def test_text_is_stored_composed(db):
    unit = OrgUnitFactory(name=unicodedata.normalize("NFD", "Phường Tứ Hạ"))
    unit.refresh_from_db()
    assert unit.name == unicodedata.normalize("NFC", "Phường Tứ Hạ")
    assert OrgUnit.objects.filter(name="Phường Tứ Hạ").exists()


def test_like_wildcards_in_a_query_are_literal(units):
    assert not search(OrgUnit.objects.all(), "%").exists()
    assert not search(OrgUnit.objects.all(), "_").exists()


@pytest.mark.skipif(
    "postgresql"
    not in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason="the trigram index exists on PostgreSQL only",
)
def test_postgresql_serves_search_from_the_trigram_index(units):
    from django.db import connection

    # Unordered: a tiny table may be read in the path index's order instead.
    queryset = search(OrgUnit.objects.order_by(), "huong")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "dluan_orgunit_search_trgm" in plan
