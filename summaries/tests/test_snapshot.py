"""The snapshot's figures equal those counted by hand on a small data set, and the
number of queries does not grow with the reports."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings.models import Attendance, Meeting
from reports.models import (
    EarlyWarning,
    OpinionReport,
    OpinionStream,
    ReportingTally,
)
from reports.tests.factories import (
    FollowUpFactory,
    IssueFactory,
    OpinionReportFactory,
    OpinionStreamFactory,
    ReportingPeriodFactory,
    TopicFactory,
)
from summaries.snapshot import build_snapshot

D = datetime.date
S = OpinionReport.Status
OPPOSE, CONCERN, SUPPORT, UNCLEAR = (
    OpinionStream.Direction.OPPOSE,
    OpinionStream.Direction.CONCERN,
    OpinionStream.Direction.SUPPORT,
    OpinionStream.Direction.UNCLEAR,
)


def at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


@pytest.fixture
def periods(db):
    previous = ReportingPeriodFactory(
        start=D(2026, 7, 1), end=D(2026, 8, 31), deadline=D(2026, 8, 25)
    )
    current = ReportingPeriodFactory(
        start=D(2026, 9, 1), end=D(2026, 10, 31), deadline=D(2026, 10, 25)
    )
    return previous, current


def report(author, period, *directions, **fields):
    fields.setdefault("submitted_at", at(period.start + datetime.timedelta(days=3)))
    made = OpinionReportFactory(
        author=author,
        period=period,
        occurred_on=period.start,
        proposals=fields.pop("proposals", ""),
        **fields,
    )
    for position, direction in enumerate(directions):
        OpinionStreamFactory(report=made, direction=direction, position=position)
    return made


@pytest.fixture
def data(periods, town, commune, other_commune, collaborator, other_collaborator):
    """Counted by hand below: the town's current period, and the one before."""
    from conftest import _collaborator_user
    from dluan.models import OrgUnit
    from dluan.tests.factories import OrgUnitFactory

    previous, current = periods
    me, other = collaborator.collaborator, other_collaborator.collaborator
    elsewhere_town = OrgUnitFactory(
        name="Thị xã Hương Thủy", kind=OrgUnit.Kind.TOWN, parent=town.parent
    )
    stranger = _collaborator_user(
        "ctv_huongthuy", elsewhere_town, "Ngô Thị Lan"
    ).collaborator
    environment = TopicFactory(name="Môi trường")
    river = TopicFactory(name="Ô nhiễm sông Bồ", parent=environment)
    land = TopicFactory(name="Đất đai")

    # Current period: three reports count; a draft, an archived report and a
    # report of another town do not.
    r1 = report(
        me,
        current,
        OPPOSE,
        CONCERN,
        status=S.ACCEPTED,
        proposals="Đề nghị kiểm tra bãi rác.",
        urgency=2,
    )
    r1.topics.add(river)
    r2 = report(other, current, SUPPORT, kind=OpinionReport.Kind.URGENT)
    r2.topics.add(land)
    r3 = report(me, current, SUPPORT, UNCLEAR, status=S.RETURNED, is_rumour=True)
    r3.topics.add(environment, land)
    report(me, current, OPPOSE, status=S.DRAFT, submitted_at=None)
    report(me, current, OPPOSE, status=S.ARCHIVED)
    report(stranger, current, OPPOSE, OPPOSE, status=S.ACCEPTED)
    # Previous period: two reports, one of them one-sided.
    p1 = report(me, previous, SUPPORT, status=S.ACCEPTED)
    p1.topics.add(land)
    report(other, previous, OPPOSE, status=S.ACCEPTED, proposals="Sửa đường.")

    staff_user = collaborator  # any user will do as the issues' author
    landfill = IssueFactory(
        unit=town,
        created_by=staff_user,
        title="Mùi hôi bãi rác Thủy Phương",
        first_seen=D(2026, 9, 5),
        last_seen=D(2026, 10, 20),
        status="handling",
        severity=3,
    )
    r1.issue = landfill
    r1.save()
    r2.issue = landfill
    r2.save()
    old = IssueFactory(
        unit=town,
        created_by=staff_user,
        title="Chậm cấp giấy chứng nhận quyền sử dụng đất",
        first_seen=D(2026, 7, 10),  # open 113 days at the period's end
        status="monitoring",
    )
    IssueFactory(
        unit=town,
        created_by=staff_user,
        title="Đã giải quyết trước kỳ",
        first_seen=D(2026, 6, 1),
        status="resolved",
        resolved_at=at(D(2026, 8, 1)),
    )
    FollowUpFactory(
        issue=landfill,
        created_by=staff_user,
        due_date=D(2026, 10, 1),
        responded_on=D(2026, 9, 28),
        response="Đã phun khử mùi.",
    )
    FollowUpFactory(
        issue=old,
        created_by=staff_user,
        agency="Văn phòng đăng ký đất đai",
        due_date=D(2026, 10, 10),
    )
    meeting = Meeting.objects.create(
        kind=Meeting.Kind.PERIODIC,
        period=current,
        unit=town,
        title="Giao ban định kỳ tháng 9–10",
        starts_at=at(D(2026, 10, 28), 8),
        status=Meeting.Status.HELD,
        created_by=staff_user,
    )
    Attendance.objects.create(
        meeting=meeting,
        collaborator=me,
        status=Attendance.Status.PRESENT,
        recorded_by=staff_user,
    )
    Attendance.objects.create(
        meeting=meeting,
        collaborator=other,
        status=Attendance.Status.ABSENT,
        recorded_by=staff_user,
    )
    EarlyWarning.objects.create(
        kind=EarlyWarning.Kind.SPREAD,
        unit=town,
        title="Bãi rác được phản ánh từ 2 xã",
        key="spread:landfill",
        raised_at=at(D(2026, 9, 20)),
    )
    for period, unit, state, count in (
        (current, commune, "on_time", 1),
        (current, other_commune, "late", 1),
        (current, other_commune, "missing", 2),
        (previous, commune, "on_time", 2),
        (previous, other_commune, "missing", 2),
    ):
        ReportingTally.objects.create(
            period=period, unit=unit, state=state, count=count
        )
    return {"current": current, "previous": previous, "landfill": landfill, "old": old}


def value(figure):
    return (figure["value"], figure["previous"])


def test_snapshot_figures_equal_the_hand_count(data, town, commune, other_commune):
    snapshot = build_snapshot(town, data["current"])

    assert snapshot["period"]["start"] == "2026-09-01"
    assert snapshot["previous_period"]["start"] == "2026-07-01"
    reports = snapshot["reports"]
    assert value(reports["total"]) == (3, 2)
    assert value(reports["periodic"]) == (2, 2)
    assert value(reports["urgent"]) == (1, 0)
    assert value(reports["accepted"]) == (1, 2)
    assert value(reports["rumour"]) == (1, 0)
    assert value(reports["with_proposals"]) == (1, 1)
    # One-sided: only supportive streams and nothing proposed (r2; p1 before).
    assert value(reports["one_sided"]) == (1, 1)
    assert value(reports["one_sided_share"]) == (33.3, 50.0)

    directions = snapshot["directions"]
    assert value(directions["total"]) == (5, 2)
    assert value(directions["oppose"]) == (1, 1)
    assert value(directions["concern"]) == (1, 0)
    assert value(directions["support"]) == (2, 1)
    assert value(directions["unclear"]) == (1, 0)
    assert value(directions["negative_share"]) == (40.0, 50.0)

    # Streams by top-level topic: r1 (river → environment), r3 (environment and
    # land), r2 (land).
    topics = {row["name"]: row for row in snapshot["topics"]}
    assert topics["Môi trường"]["total"] == 4
    assert topics["Môi trường"]["oppose"] == 1
    assert topics["Môi trường"]["concern"] == 1
    assert topics["Môi trường"]["support"] == 1
    assert topics["Đất đai"]["total"] == 3
    assert topics["Đất đai"]["previous_total"] == 1
    assert "Ô nhiễm sông Bồ" not in topics

    discipline = snapshot["discipline"]
    assert discipline["total"]["expected"] == 4
    assert discipline["total"]["reporting_rate"] == 50.0
    assert discipline["total"]["on_time_rate"] == 25.0
    assert discipline["total"]["previous_reporting_rate"] == 50.0
    children = {row["name"]: row for row in discipline["children"]}
    assert children[commune.name]["reporting_rate"] == 100.0
    assert children[other_commune.name]["reporting_rate"] == pytest.approx(33.3)
    assert children[other_commune.name]["previous_reporting_rate"] == 0.0

    issues = snapshot["issues"]
    assert value(issues["open"]) == (2, 1)
    assert value(issues["new"]) == (1, 1)
    assert value(issues["lingering"]) == (1, 0)
    top = issues["by_volume"][0]
    assert top["title"] == "Mùi hôi bãi rác Thủy Phương"
    assert (top["reports"], top["streams"], top["negative_streams"]) == (2, 3, 2)
    assert top["negative_share"] == 66.7
    assert top["communes"] == 2
    assert [row["id"] for row in issues["by_negative_share"]] == [data["landfill"].pk]
    assert [row["id"] for row in issues["by_communes"]] == [data["landfill"].pk]
    assert [row["id"] for row in issues["new_items"]] == [data["landfill"].pk]
    assert [row["id"] for row in issues["lingering_items"]] == [data["old"].pk]
    assert issues["lingering_items"][0]["days_open"] == 113

    follow_ups = snapshot["follow_ups"]
    assert value(follow_ups["resolved"]) == (1, 0)
    assert value(follow_ups["overdue"]) == (1, 0)
    assert follow_ups["overdue_items"][0]["agency"] == "Văn phòng đăng ký đất đai"
    assert follow_ups["overdue_items"][0]["days_overdue"] == 21

    assert [p["text"] for p in snapshot["proposals"]] == ["Đề nghị kiểm tra bãi rác."]
    meetings = snapshot["meetings"]
    assert value(meetings["held"]) == (1, 0)
    assert (meetings["present"], meetings["absent"]) == (1, 1)
    assert meetings["attendance_rate"]["value"] == 50.0
    assert value(snapshot["warnings"]["total"]) == (1, 0)
    assert snapshot["warnings"]["by_kind"] == {"spread": 1}
    # Quotes come from accepted reports only, and never from another town.
    quoted = {row["report_id"] for row in snapshot["quote_candidates"]}
    assert quoted == {data["landfill"].reports.get(status=S.ACCEPTED).pk}


def _queries(unit, period) -> int:
    unit = type(unit).objects.get(pk=unit.pk)  # subtree ids are cached per object
    with CaptureQueriesContext(connection) as captured:
        build_snapshot(unit, period)
    return len(captured)


def test_compile_query_count_does_not_grow_with_the_reports(
    periods, town, collaborator, other_collaborator
):
    previous, current = periods
    authors = [collaborator.collaborator, other_collaborator.collaborator]
    topic = TopicFactory(name="Giá điện")
    for index in range(3):
        report(authors[index % 2], current, OPPOSE, status=S.ACCEPTED).topics.add(topic)
    small = _queries(town, current)
    for index in range(40):
        made = report(
            authors[index % 2],
            current if index % 3 else previous,
            SUPPORT,
            CONCERN,
            status=S.ACCEPTED,
            proposals="Đề nghị giảm giá điện." if index % 2 else "",
        )
        made.topics.add(topic)
    assert _queries(town, current) == small
