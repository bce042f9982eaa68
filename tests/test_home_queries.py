"""Every home page runs the same number of queries whatever the amount of data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings.tests.factories import InvitationFactory, MeetingFactory, in_days
from reports import services
from reports.models import OpinionReport
from reports.tests.factories import (
    FollowUpFactory,
    IssueFactory,
    OpinionReportFactory,
    OpinionStreamFactory,
)

pytestmark = pytest.mark.django_db


def _grow(size, *, town, staff, leader, collaborator):
    """``size`` of everything a home page shows: reports, issues, meetings."""
    author = collaborator.collaborator
    past = timezone.localdate() - datetime.timedelta(days=3)
    for index in range(size):
        report = OpinionReportFactory(
            author=author, kind=OpinionReport.Kind.URGENT, urgency=2
        )
        OpinionStreamFactory(report=report)
        rated = OpinionReportFactory(
            author=author,
            status=OpinionReport.Status.ACCEPTED,
            feedback="Báo cáo tốt.",
            reviewed_at=timezone.now(),
        )
        issue = IssueFactory(unit=town, created_by=staff, severity=1 + index % 4)
        services.report_link_issue(report=rated, issue=issue, user=staff)
        FollowUpFactory(issue=issue, created_by=staff, due_date=past)
        services.direction_create(issue=issue, user=leader, text="Chỉ đạo xử lý.")
        meeting = MeetingFactory(unit=town, created_by=staff, starts_at=in_days(2))
        InvitationFactory(meeting=meeting, collaborator=author)


def _queries(client):
    client.get(reverse("home"))  # the session and caches warmed
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("persona", ["staff", "leader", "collaborator", "admin_user"])
def test_home_query_count_does_not_grow_with_the_data(
    request, client_of, town, staff, leader, collaborator, persona
):
    user = request.getfixturevalue(persona)
    people = {"town": town, "staff": staff, "leader": leader}
    _grow(1, collaborator=collaborator, **people)
    small = _queries(client_of(user))
    _grow(6, collaborator=collaborator, **people)
    assert _queries(client_of(user)) == small
