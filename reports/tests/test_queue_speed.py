"""A town's search reads the index on (town, words): each report knows its town,
and keeps knowing it when its unit moves."""

import re

import pytest
from django.urls import reverse

from dluan.tests.factories import OrgUnitFactory
from reports import services
from reports.models import OpinionReport, Topic
from reports.tests.factories import OpinionReportFactory


def _found(client, query="khai thac cat", **params):
    response = client.get(reverse("reports:report-queue"), {"q": query, **params})
    return set(response.context["page"])


def test_a_report_knows_its_town(collaborator, town, province, admin_user):
    report = OpinionReportFactory(author=collaborator.collaborator)
    assert report.town_id == town.pk
    at_the_root = OpinionReportFactory(author=collaborator.collaborator, unit=province)
    assert at_the_root.town_id is None


def test_a_town_search_finds_its_own_reports_only(
    client_of, staff, other_staff, admin_user, collaborator, other_town, town
):
    ours = OpinionReportFactory(author=collaborator.collaborator)
    theirs = OpinionReportFactory(
        author=collaborator.collaborator,
        unit=OrgUnitFactory(name="Phường Thủy Dương", parent=other_town),
    )
    assert _found(client_of(staff)) == {ours}
    assert _found(client_of(other_staff)) == {theirs}
    assert _found(client_of(admin_user)) == {ours, theirs}
    assert _found(client_of(admin_user), unit=other_town.pk) == {theirs}


def test_a_moved_unit_takes_its_reports_to_the_new_town(
    client_of, staff, other_staff, collaborator, commune, other_town
):
    street = OrgUnitFactory(name="Tổ dân phố 3", kind="other", parent=commune)
    report = OpinionReportFactory(author=collaborator.collaborator, unit=street)
    assert _found(client_of(staff)) == {report}
    commune.parent = other_town
    commune.save()
    report.refresh_from_db()
    assert report.town_id == other_town.pk
    assert _found(client_of(other_staff)) == {report}
    assert _found(client_of(staff)) == set()


def test_the_daily_sync_puts_a_report_back_in_its_town(collaborator, town):
    report = OpinionReportFactory(author=collaborator.collaborator)
    OpinionReport.objects.filter(pk=report.pk).update(town=None)
    assert services.report_towns_sync() == 1
    report.refresh_from_db()
    assert report.town_id == town.pk
    assert services.report_towns_sync() == 0


def test_past_its_exact_count_the_queue_says_about_and_pages_to_every_row(
    client_of, staff, collaborator, monkeypatch
):
    from reports.views import review

    monkeypatch.setattr(review.QueuePaginator, "exact_limit", 3)
    monkeypatch.setattr(review, "QUEUE_PAGE_SIZE", 2)
    made = {OpinionReportFactory(author=collaborator.collaborator) for _ in range(5)}
    client = client_of(staff)
    seen, number = set(), 1
    while True:
        response = client.get(reverse("reports:report-queue"), {"page": number})
        page = response.context["page"]
        assert page.paginator.count_kind == "estimate"
        seen |= set(page)
        if not page.has_next():
            break
        number += 1
    assert seen == made and number == 3
    assert "Khoảng" in response.content.decode()


def test_the_queue_row_shows_its_labels_and_link(client_of, staff, collaborator):
    report = OpinionReportFactory(
        author=collaborator.collaborator, urgency=OpinionReport.Urgency.VERY_URGENT
    )
    text = client_of(staff).get(reverse("reports:report-queue")).content.decode()
    assert f'href="{report.get_absolute_url()}"' in text
    assert "Hỏa tốc" in text and "Đã gửi" in text


def test_the_report_page_draws_the_topic_boxes_checked(client_of, staff, report, topic):
    report.topics.set([topic])
    text = client_of(staff).get(report.get_absolute_url()).content.decode()
    boxes = re.findall(r'<input type="checkbox"[^>]*name="topics"[^>]*>', text)
    assert len(boxes) == Topic.objects.active().count()
    assert [box for box in boxes if " checked" in box] == [
        next(box for box in boxes if f'value="{topic.pk}"' in box)
    ]


def test_the_planner_knows_that_the_unit_decides_the_town(db):
    """Without it, the scope's units and the town said beside them were two
    filters to PostgreSQL, and a town's 20,000 reports were taken for 400."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("extended statistics are PostgreSQL's; SQLite has its own planner")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT stxkind FROM pg_statistic_ext WHERE stxname = 'report_unit_town'"
        )
        assert cursor.fetchone() == (["f"],)
