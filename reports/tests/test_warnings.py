"""Early warnings: each rule of reports/services/warnings.py, the page, the
acknowledgement and the home panels."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from collaborators.tests.factories import CollaboratorFactory
from dluan.models import Notification, OrgUnit
from dluan.tests.factories import OrgUnitFactory
from reports import services
from reports.models import EarlyWarning, OpinionReport, OpinionStream
from reports.tests.factories import (
    IssueFactory,
    OpinionReportFactory,
    ReportingPeriodFactory,
)

Kind = EarlyWarning.Kind
TODAY = datetime.date(2025, 6, 15)
NOW = timezone.make_aware(datetime.datetime(2025, 6, 15, 10, 0))
# (start, end) of the current period and the five before it, newest first.
BOUNDS = [
    ((2025, 5, 1), (2025, 6, 30)),
    ((2025, 3, 1), (2025, 4, 30)),
    ((2025, 1, 1), (2025, 2, 28)),
    ((2024, 11, 1), (2024, 12, 31)),
    ((2024, 9, 1), (2024, 10, 31)),
    ((2024, 7, 1), (2024, 8, 31)),
]


@pytest.fixture
def periods(db):
    made = []
    for start, end in BOUNDS:
        end = datetime.date(*end)
        made.append(
            ReportingPeriodFactory(
                start=datetime.date(*start),
                end=end,
                deadline=end - datetime.timedelta(days=5),
            )
        )
    return made


@pytest.fixture
def third_commune(town):
    return OrgUnitFactory(name="Xã Hương Vân", kind=OrgUnit.Kind.COMMUNE, parent=town)


@pytest.fixture
def people(commune, other_commune, third_commune, staff):
    """A collaborator in each of three communes; the town has staff."""
    return [
        CollaboratorFactory(unit=unit)
        for unit in (commune, other_commune, third_commune)
    ]


def file(person, period, *, topic=None, direction="oppose", hours_ago=48, **fields):
    """A counted report of ``period`` by ``person``, first sent ``hours_ago``."""
    fields.setdefault("occurred_on", period.start)
    fields.setdefault("submitted_at", NOW - datetime.timedelta(hours=hours_ago))
    report = OpinionReportFactory(author=person, period=period, **fields)
    if topic is not None:
        report.topics.add(topic)
    OpinionStream.objects.create(report=report, summary="…", direction=direction)
    return report


def run():
    return services.warnings_raise(today=TODAY, now=NOW)


def raised(kind, **fields):
    return list(EarlyWarning.objects.filter(kind=kind, **fields))


# --- Rule 1: volume and negative jumps ---------------------------------------------


def test_zero_baseline_below_the_minimum_raises_nothing(people, periods, topic):
    for _ in range(4):
        file(people[0], periods[0], topic=topic, hours_ago=24 * 20)
    run()
    assert raised(Kind.VOLUME_JUMP, topic=topic) == []
    assert raised(Kind.NEGATIVE_JUMP, topic=topic) == []


def test_zero_baseline_at_the_minimum_raises(people, periods, topic, town):
    reports = [
        file(people[0], periods[0], topic=topic, hours_ago=24 * 20) for _ in range(5)
    ]
    run()
    [warning] = raised(Kind.VOLUME_JUMP, topic=topic)
    assert warning.figures == {
        "reports": 5,
        "baseline": 0.0,
        "baseline_periods": 3,
        "ratio": None,
    }
    assert warning.period == periods[0]
    # The commune has no staff: the town's staff own it.
    assert warning.unit == town
    assert sorted(warning.report_ids) == sorted(r.pk for r in reports)


def test_volume_needs_the_ratio_over_the_baseline(people, periods, topic):
    for period in periods[1:4]:
        for _ in range(3):
            file(people[0], period, topic=topic, hours_ago=24 * 200)
    for _ in range(5):
        file(people[0], periods[0], topic=topic, hours_ago=24 * 20)
    run()
    assert raised(Kind.VOLUME_JUMP, topic=topic) == []
    file(people[0], periods[0], topic=topic, hours_ago=24 * 20)
    run()
    [warning] = raised(Kind.VOLUME_JUMP, topic=topic)
    assert warning.figures["reports"] == 6
    assert warning.figures["baseline"] == 3.0
    assert warning.figures["ratio"] == 2.0


def test_area_volume_jump(people, periods, commune):
    for _ in range(5):
        file(people[0], periods[0], hours_ago=24 * 20)
    run()
    [warning] = raised(Kind.VOLUME_JUMP, area=commune)
    assert warning.figures["reports"] == 5


def test_negative_share_jump(people, periods, topic):
    for period in periods[1:4]:
        file(people[0], period, topic=topic, direction="support", hours_ago=24 * 200)
    for index in range(5):
        direction = "concern" if index < 4 else "support"
        file(people[0], periods[0], topic=topic, direction=direction, hours_ago=480)
    run()
    [warning] = raised(Kind.NEGATIVE_JUMP, topic=topic)
    assert warning.figures["share"] == 80.0
    assert warning.figures["baseline_share"] == 0.0
    assert warning.figures["points"] == 80.0
    assert warning.figures["negative_streams"] == 4


def test_running_twice_raises_nothing_new(people, periods, topic, staff, leader):
    for _ in range(5):
        file(people[0], periods[0], topic=topic, hours_ago=24 * 20)
    first = run()
    assert first > 0
    notified = Notification.objects.filter(key__startswith="warning:").count()
    # One notification per new warning to each of the town's staff and leaders.
    assert notified == first * 2
    assert run() == 0
    assert Notification.objects.filter(key__startswith="warning:").count() == notified


def test_a_changed_condition_raises_again(people, periods, topic):
    for _ in range(5):
        file(people[0], periods[0], topic=topic, hours_ago=24 * 20)
    run()
    for _ in range(5):
        file(people[0], periods[0], topic=topic, hours_ago=24 * 20)
    run()
    counts = sorted(w.figures["reports"] for w in raised(Kind.VOLUME_JUMP, topic=topic))
    assert counts == [5, 10]


# --- Rule 2: spread -------------------------------------------------------------------


def test_issue_reported_from_three_communes_in_seven_days(people, periods, town, staff):
    issue = IssueFactory(unit=town, created_by=staff)
    for person in people[:2]:
        file(person, periods[0], issue=issue, hours_ago=24)
    # Eight days ago: outside the window.
    file(people[2], periods[0], issue=issue, hours_ago=24 * 8)
    run()
    assert raised(Kind.SPREAD, issue=issue) == []
    file(people[2], periods[0], issue=issue, hours_ago=24 * 6)
    run()
    [warning] = raised(Kind.SPREAD, issue=issue)
    assert warning.figures == {"communes": 3, "reports": 3, "days": 7}
    assert warning.unit == town
    assert len(warning.report_ids) == 3


def test_topic_reported_from_three_communes(people, periods, topic):
    for person in people:
        file(person, periods[0], topic=topic, hours_ago=30)
    run()
    [warning] = raised(Kind.SPREAD, topic=topic)
    assert warning.figures["communes"] == 3


# --- Rule 3: similar reports ----------------------------------------------------------


def similar(person, period, **fields):
    fields.setdefault("title", "Sạt lở bờ sông Bồ đoạn qua thôn Hạ")
    fields.setdefault(
        "description", "Bờ sông sạt lở nghiêm trọng sau mùa mưa lũ, dân lo lắng."
    )
    return file(person, period, hours_ago=30, **fields)


def test_similar_unlinked_reports_in_two_communes(people, periods):
    # Trigram similarity on PostgreSQL, the first three title words on SQLite.
    a = similar(people[0], periods[0])
    b = similar(people[1], periods[0])
    similar(
        people[2],
        periods[0],
        title="Giá phân bón tăng cao",
        description="Nông dân phàn nàn về giá vật tư nông nghiệp.",
    )
    run()
    [warning] = raised(Kind.SIMILAR)
    assert warning.report_ids == sorted([a.pk, b.pk])
    assert warning.figures["communes"] == 2


def test_similar_reports_of_one_commune_or_in_an_issue_raise_nothing(
    people, periods, town, staff
):
    similar(people[0], periods[0])
    similar(people[0], periods[0])
    issue = IssueFactory(unit=town, created_by=staff)
    similar(people[1], periods[0], issue=issue)
    run()
    assert raised(Kind.SIMILAR) == []


# --- Rule 4: silent area --------------------------------------------------------------


def test_area_silent_for_two_periods(people, periods, commune, other_commune, town):
    old = file(people[0], periods[3], hours_ago=24 * 200)
    file(people[1], periods[3], hours_ago=24 * 200)
    file(people[1], periods[1], hours_ago=24 * 80)
    run()
    [warning] = raised(Kind.SILENT_AREA)
    assert warning.area == commune
    assert warning.unit == town
    assert warning.figures["periods"] == 2
    assert warning.report_ids == [old.pk]
    assert run() == 0


def test_area_that_reports_this_period_is_not_silent(people, periods):
    file(people[0], periods[3], hours_ago=24 * 200)
    file(people[0], periods[0], hours_ago=24 * 20)
    run()
    assert raised(Kind.SILENT_AREA) == []


# --- Rule 5: urgent waiting -----------------------------------------------------------


@pytest.mark.parametrize(("hours", "raises"), [(25, True), (23, False)])
def test_urgent_report_waiting_more_than_24_hours(people, periods, hours, raises):
    report = file(
        people[0],
        periods[0],
        hours_ago=hours,
        urgency=OpinionReport.Urgency.URGENT,
    )
    file(people[1], periods[0], hours_ago=hours + 5)  # not urgent
    run()
    found = raised(Kind.URGENT_WAITING)
    assert [w.report_ids for w in found] == ([[report.pk]] if raises else [])
    if raises:
        assert found[0].figures["hours"] == hours


def test_reviewed_urgent_report_raises_nothing(people, periods):
    file(
        people[0],
        periods[0],
        hours_ago=30,
        kind=OpinionReport.Kind.URGENT,
        status=OpinionReport.Status.ACCEPTED,
    )
    run()
    assert raised(Kind.URGENT_WAITING) == []


# --- The page ------------------------------------------------------------------------


def warn(unit, number=1, **fields):
    fields.setdefault("kind", Kind.URGENT_WAITING)
    fields.setdefault("title", f"Báo cáo khẩn chờ duyệt {number}")
    fields.setdefault("figures", {"hours": 30})
    return EarlyWarning.objects.create(unit=unit, key=f"test:{number}", **fields)


URL = reverse("reports:warnings")


@pytest.mark.parametrize("persona", ["staff", "leader", "admin_user"])
def test_managers_see_the_page(request, persona, town, client_of):
    warn(town)
    response = client_of(request.getfixturevalue(persona)).get(URL)
    assert response.status_code == 200
    assert "Báo cáo khẩn chờ duyệt 1" in response.content.decode()


def test_collaborator_gets_404(collaborator, client_of, town):
    warn(town)
    assert client_of(collaborator).get(URL).status_code == 404


def test_anonymous_is_sent_to_login(client, db):
    assert client.get(URL).status_code == 302


def test_other_units_staff_neither_see_nor_acknowledge(other_staff, client_of, town):
    warning = warn(town)
    client = client_of(other_staff)
    assert "Báo cáo khẩn chờ duyệt" not in client.get(URL).content.decode()
    url = reverse("reports:warning-acknowledge", args=[warning.pk])
    assert client.post(url, {"note": "x"}).status_code == 404


def test_leader_reads_but_cannot_acknowledge(leader, client_of, town):
    warning = warn(town)
    client = client_of(leader)
    page = client.get(URL).content.decode()
    url = reverse("reports:warning-acknowledge", args=[warning.pk])
    assert "Báo cáo khẩn chờ duyệt" in page and url not in page
    assert client.post(url, {"note": "x"}).status_code == 404
    warning.refresh_from_db()
    assert warning.is_open


def test_staff_acknowledges_with_a_note(staff, client_of, town):
    warning = warn(town)
    client = client_of(staff)
    url = reverse("reports:warning-acknowledge", args=[warning.pk])
    assert client.post(url, {"note": "Đã chuyển công an xã"}).status_code == 302
    warning.refresh_from_db()
    assert warning.acknowledged_by == staff
    assert warning.note == "Đã chuyển công an xã"
    assert "Báo cáo khẩn chờ duyệt" not in client.get(URL).content.decode()
    assert "Đã chuyển công an xã" in client.get(URL + "?show=all").content.decode()


def test_links_only_to_reports_the_viewer_may_see(
    staff, client_of, town, other_town, report, other_staff
):
    hidden = OrgUnitFactory(parent=other_town, kind=OrgUnit.Kind.COMMUNE)
    other = OpinionReportFactory(author=CollaboratorFactory(unit=hidden))
    warn(town, report_ids=[report.pk, other.pk])
    page = client_of(staff).get(URL).content.decode()
    assert reverse("reports:report-detail", args=[report.pk]) in page
    assert reverse("reports:report-detail", args=[other.pk]) not in page


def test_filter_by_kind(staff, client_of, town):
    warn(town, 1)
    warn(town, 2, kind=Kind.SILENT_AREA, title="Xã im lặng")
    page = client_of(staff).get(URL + "?kind=silent_area").content.decode()
    assert "Xã im lặng" in page
    assert "Báo cáo khẩn chờ duyệt" not in page


@pytest.mark.parametrize("size", [2, 20])
def test_page_query_count_does_not_grow(
    size, staff, client_of, town, report, django_assert_num_queries
):
    for number in range(size):
        warn(town, number, report_ids=[report.pk])
    client = client_of(staff)
    with django_assert_num_queries(QUERIES):
        response = client.get(URL)
    assert response.status_code == 200


# Session, user, notifications, the user's unit, the subtree, the count, the
# page's keys, its rows, the reports they link to.
QUERIES = 9


# --- Home panels ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["staff", "leader"])
def test_home_panel_lists_open_warnings(request, persona, town, client_of):
    warn(town)
    acknowledged = warn(town, 2, title="Đã xem rồi")
    acknowledged.acknowledged_at = NOW
    acknowledged.acknowledged_by = request.getfixturevalue("staff")
    acknowledged.save()
    page = client_of(request.getfixturevalue(persona)).get("/").content.decode()
    assert "Báo cáo khẩn chờ duyệt 1" in page
    assert "Đã xem rồi" not in page
    assert URL in page
