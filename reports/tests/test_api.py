"""The API's reports, issues, periods, topics and discipline: the pages' scope,
filters, keyset pages, CSV for Excel and the audit trail's records."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from collaborators.models import Collaborator
from dluan.api.pagination import encode_cursor
from dluan.tests.factories import OrgUnitFactory
from reports import selectors
from reports.api import ReportSerializer, StreamSerializer
from reports.models import OpinionReport, ReportingTally
from reports.tests.factories import (
    FollowUpFactory,
    IssueFactory,
    OpinionReportFactory,
    OpinionStreamFactory,
    TopicFactory,
)
from tests.support.api import api_client

REPORTS = "/api/v1/reports/"


def _report(person, **fields):
    report = OpinionReportFactory(author=person, **fields)
    OpinionStreamFactory(report=report)
    return report


@pytest.fixture
def far_author(other_town):
    """A collaborator of another town (Hương Thủy)."""
    commune = OrgUnitFactory(name="Phường Thủy Dương", parent=other_town)
    return Collaborator.objects.create(
        full_name="Võ Thị Lan", gender=Collaborator.Gender.FEMALE, unit=commune
    )


@pytest.fixture
def mine(collaborator):
    return _report(collaborator.collaborator, title="Sạt lở bờ sông Bồ")


@pytest.fixture
def far(far_author):
    return _report(far_author, title="Ngập úng ở Thủy Dương")


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["staff", "leader", "admin_user"])
def test_staff_and_leaders_read_their_subtrees_reports(request, persona, mine, far):
    client = api_client(request.getfixturevalue(persona))
    ids = _ids(client.get(REPORTS))
    assert mine.pk in ids
    assert (far.pk in ids) == (persona == "admin_user")
    detail = client.get(f"{REPORTS}{mine.pk}/").json()
    assert detail["title"] == "Sạt lở bờ sông Bồ"
    assert detail["streams"][0]["direction"] == "oppose"
    assert detail["unit"]["name"] == "Phường Tứ Hạ"


@pytest.mark.django_db
def test_a_list_row_is_the_reports_detail(staff, mine):
    mine.topics.add(TopicFactory(), TopicFactory())
    OpinionStreamFactory(report=mine, direction="support", position=1)
    client = api_client(staff)
    row = client.get(REPORTS).json()["results"][0]
    assert row == client.get(f"{REPORTS}{mine.pk}/").json()
    assert len(row["streams"]) == 2 and len(row["topics"]) == 2
    # Written by PostgreSQL, as the schema (the serializers) says.
    assert list(row) == ReportSerializer.Meta.fields
    assert list(row["streams"][0]) == StreamSerializer.Meta.fields
    submitted = datetime.datetime.fromisoformat(row["submitted_at"])
    assert submitted == mine.submitted_at
    assert row["submitted_at"].endswith("+07:00")


@pytest.mark.django_db
def test_staff_of_another_town_get_404(other_staff, mine):
    client = api_client(other_staff)
    assert client.get(f"{REPORTS}{mine.pk}/").status_code == 404
    assert mine.pk not in _ids(client.get(REPORTS))


@pytest.mark.django_db
def test_a_collaborators_session_gets_404_on_every_api_url(
    client_of, collaborator, mine
):
    client = client_of(collaborator)
    for url in (
        REPORTS,
        f"{REPORTS}{mine.pk}/",
        "/api/v1/units/",
        "/api/v1/issues/",
        "/api/v1/discipline/",
        "/api/v1/schema/",
        "/api/v1/docs/",
    ):
        assert client.get(url).status_code == 404, url


@pytest.mark.django_db
def test_anonymous_gets_401(mine):
    from django.test import Client

    response = Client().get(f"{REPORTS}{mine.pk}/")
    assert response.status_code == 401


@pytest.mark.django_db
def test_a_staff_session_reads_the_api_too(client_of, staff, mine):
    assert mine.pk in _ids(client_of(staff).get(REPORTS))


@pytest.mark.django_db
def test_drafts_are_never_listed(staff, collaborator):
    draft = _report(collaborator.collaborator, status=OpinionReport.Status.DRAFT)
    client = api_client(staff)
    assert draft.pk not in _ids(client.get(REPORTS))
    assert client.get(f"{REPORTS}{draft.pk}/").status_code == 404


@pytest.mark.django_db
def test_filters(staff, collaborator, other_collaborator, commune, other_town):
    person, other = collaborator.collaborator, other_collaborator.collaborator
    topic = TopicFactory(name="Môi trường")
    sub = TopicFactory(name="Khai thác cát", parent=topic)
    a = _report(person, kind=OpinionReport.Kind.URGENT)
    a.topics.add(sub)
    b = _report(other, status=OpinionReport.Status.ACCEPTED)
    old = timezone.now() - datetime.timedelta(days=40)
    c = _report(person, submitted_at=old)
    c.streams.update(direction="support")
    client = api_client(staff)

    def ids(query):
        return set(_ids(client.get(REPORTS, query)))

    assert ids({"unit": commune.pk}) == {a.pk, c.pk}
    assert ids({"topic": topic.pk}) == {a.pk}
    assert ids({"status": "accepted"}) == {b.pk}
    assert ids({"kind": "urgent"}) == {a.pk}
    assert ids({"direction": "support"}) == {c.pk}
    assert ids({"period": c.period_id}) == {
        r.pk for r in (a, b, c) if r.period_id == c.period_id
    }
    day = timezone.localdate(old)
    assert ids({"date_to": day.isoformat()}) == {c.pk}
    assert ids({"date_from": (day + datetime.timedelta(1)).isoformat()}) == {
        a.pk,
        b.pk,
    }
    # A unit outside the user's subtree is 404, not an empty list.
    assert client.get(REPORTS, {"unit": other_town.pk}).status_code == 404
    assert client.get(REPORTS, {"status": "draft"}).status_code == 400
    assert client.get(REPORTS, {"date_from": "31/02/2026"}).status_code == 400


@pytest.mark.django_db
def test_cursor_pages_are_a_keyset_without_offset_or_count(staff, collaborator):
    made = [_report(collaborator.collaborator) for _ in range(5)]
    client = api_client(staff)
    seen, url, pages = [], f"{REPORTS}?page_size=2", 0
    while url:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        sql = " ".join(q["sql"] for q in queries.captured_queries).upper()
        assert " OFFSET " not in sql and "COUNT(" not in sql
        body = response.json()
        seen += [row["id"] for row in body["results"]]
        assert response.has_header("Link") == bool(body["next"])
        url, pages = body["next"], pages + 1
    assert pages == 3
    assert seen == sorted((r.pk for r in made), reverse=True)
    # The page after a given report, reached by building its cursor.
    after = client.get(REPORTS, {"cursor": encode_cursor(made[2].pk)})
    assert _ids(after) == [made[1].pk, made[0].pk]
    assert client.get(REPORTS, {"cursor": "nonsense"}).status_code == 404
    assert client.get(REPORTS, {"page_size": 1001}).status_code == 400


@pytest.mark.django_db
def test_a_page_of_reports_costs_the_same_queries_whatever_its_rows(
    staff, collaborator, django_assert_num_queries
):
    key_client = api_client(staff)
    key_client.get(REPORTS)  # the key's first use is noted once a minute
    for _ in range(2):
        _report(collaborator.collaborator).topics.add(TopicFactory())
    # The key with its owner, the subtree's unit ids, the page's keys, the page
    # written by PostgreSQL, and the export's record in the audit trail.
    with django_assert_num_queries(5):
        assert len(_ids(key_client.get(REPORTS))) == 2
    for _ in range(6):
        _report(collaborator.collaborator).topics.add(TopicFactory())
    with django_assert_num_queries(5):
        assert len(_ids(key_client.get(REPORTS))) == 8


@pytest.mark.django_db
def test_csv_for_excel(staff, collaborator):
    _report(collaborator.collaborator, title='=HYPERLINK("http://x")')
    _report(collaborator.collaborator, title="Đường Hương Trà sạt lở")
    client = api_client(staff)
    response = client.get(REPORTS, {"format": "csv", "page_size": 1})
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    assert "Đường Hương Trà sạt lở" in body
    assert 'rel="next"' in response["Link"]
    header = body.splitlines()[0]
    assert "unit.name" in header and "streams" in header
    second = client.get(response["Link"].split(">")[0][1:])
    assert "'=HYPERLINK" in second.content.decode("utf-8")
    negotiated = client.get(REPORTS, HTTP_ACCEPT="text/csv")
    assert negotiated["Content-Type"].startswith("text/csv")


@pytest.mark.django_db
def test_reads_are_recorded_as_the_pages_are(staff, mine):
    client = api_client(staff)
    accesses = LogEntry.objects.filter(action=LogEntry.Action.ACCESS)
    client.get(f"{REPORTS}{mine.pk}/")
    view = accesses.get()
    assert view.actor == staff
    assert view.object_pk == str(mine.pk)
    assert view.additional_data["kind"] == "view"
    assert view.additional_data["unit"] == mine.unit_id
    client.get(REPORTS, {"status": "submitted"})
    export = accesses.latest("pk")
    assert export.additional_data["kind"] == "export"
    assert export.additional_data["query"] == "status=submitted"
    # Refused reads record nothing.
    api_client(staff).get(f"{REPORTS}999999/")
    assert accesses.count() == 2


@pytest.mark.django_db
def test_issues_with_their_follow_ups(staff, other_staff, town, other_town):
    issue = IssueFactory(unit=town, created_by=staff, title="Sạt lở sông Bồ")
    FollowUpFactory(issue=issue, created_by=staff)
    far = IssueFactory(unit=other_town, created_by=other_staff)
    client = api_client(staff)
    ids = _ids(client.get("/api/v1/issues/"))
    assert issue.pk in ids and far.pk not in ids
    detail = client.get(f"/api/v1/issues/{issue.pk}/").json()
    assert detail["follow_ups"][0]["agency"] == "Công an thị xã"
    assert client.get(f"/api/v1/issues/{far.pk}/").status_code == 404
    assert client.get("/api/v1/issues/", {"unit": other_town.pk}).status_code == 404


@pytest.mark.django_db
def test_discipline_has_the_pages_figures(staff, town, commune, other_town):
    from reports.tests.factories import ReportingPeriodFactory

    period = ReportingPeriodFactory(
        start=timezone.localdate() - datetime.timedelta(days=90),
        end=timezone.localdate() - datetime.timedelta(days=30),
        deadline=timezone.localdate() - datetime.timedelta(days=35),
    )
    for unit, state, count in (
        (commune, "on_time", 3),
        (commune, "missing", 1),
        (other_town, "late", 2),
    ):
        ReportingTally.objects.create(
            period=period, unit=unit, state=state, count=count
        )
    client = api_client(staff)
    body = client.get("/api/v1/discipline/", {"period": period.pk}).json()
    table = selectors.discipline_table(staff, town, period)
    total = body["results"][-1]
    assert body["unit"]["id"] == town.pk
    assert total["row"] == "total" and total["expected"] == table["total"].expected
    assert total["on_time"] == 3 and total["missing"] == 1 and total["late"] == 0
    assert total["reporting_rate"] == 75.0
    child = next(row for row in body["results"] if row["unit"]["id"] == commune.pk)
    assert child["on_time"] == 3
    assert client.get("/api/v1/discipline/", {"unit": other_town.pk}).status_code == 404
    csv = client.get("/api/v1/discipline/", {"period": period.pk, "format": "csv"})
    assert csv.content.decode().startswith("\ufeffrow,unit.id,unit.name")


@pytest.mark.django_db
def test_units_periods_and_topics(staff, town, commune, other_town):
    TopicFactory(name="Giao thông")
    client = api_client(staff)
    units = {row["name"] for row in client.get("/api/v1/units/").json()["results"]}
    assert "Phường Tứ Hạ" in units and "Thị xã Hương Thủy" not in units
    topics = client.get("/api/v1/topics/").json()["results"]
    assert "Giao thông" in [t["name"] for t in topics]
    assert client.get("/api/v1/periods/").status_code == 200
