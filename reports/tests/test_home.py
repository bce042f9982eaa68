import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.tests.factories import FollowUpFactory


@pytest.fixture
def overdue(issue, staff):
    return FollowUpFactory(
        issue=issue,
        created_by=staff,
        agency="Công an thị xã Hương Trà",
        due_date=timezone.localdate() - datetime.timedelta(days=3),
    )


def test_staff_home_shows_queue_and_overdue(client_of, staff, report, overdue):
    response = client_of(staff).get(reverse("home"))
    templates = [p.template for p in response.context["panels"]]
    assert "reports/panels/staff_queue.html" in templates
    queue = next(
        p for p in response.context["panels"] if p.template.endswith("staff_queue.html")
    )
    assert queue.context["counts"]["submitted"] == 1
    assert overdue.agency in response.content.decode()


def test_leader_home_shows_issues_and_overdue(client_of, leader, overdue, issue):
    response = client_of(leader).get(reverse("home"))
    body = response.content.decode()
    assert overdue.agency in body
    severities = next(
        p
        for p in response.context["panels"]
        if p.template.endswith("leader_issues.html")
    ).context["severities"]
    assert sum(row["count"] for row in severities) == 1


def test_other_staff_home_does_not_show_foreign_overdue(
    client_of, other_staff, overdue
):
    assert (
        overdue.agency
        not in client_of(other_staff).get(reverse("home")).content.decode()
    )


def test_collaborator_home_shows_feedback_and_outcomes(
    client_of, collaborator, report, staff
):
    services.report_rate(
        report=report,
        user=staff,
        version=report.version,
        depth=4,
        balance=4,
        timeliness=4,
        usefulness=4,
        feedback="Báo cáo tốt",
    )
    issue = services.issue_create(user=staff, title="Cát sông Bồ", report=report)
    services.issue_update(
        issue=issue,
        user=staff,
        version=issue.version,
        status="resolved",
        outcome="Đã xử lý ghe cát",
    )
    body = client_of(collaborator).get(reverse("home")).content.decode()
    assert "Báo cáo tốt" in body
    assert "Đã xử lý ghe cát" in body
    assert reverse("reports:report-create") in body
