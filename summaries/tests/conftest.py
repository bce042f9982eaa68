"""Fixtures of the summary page tests: the last period, its accepted reports, and
Hương Trà's summary of it as a draft and approved."""

import datetime

import pytest
from django.utils import timezone

from reports.models import OpinionReport
from reports.services import period_for
from reports.tests.factories import OpinionReportFactory, OpinionStreamFactory
from summaries import services
from summaries.tests.helpers import compiled


@pytest.fixture
def period(db):
    """The period before today's: its deadline has passed."""
    return period_for(day=timezone.localdate() - datetime.timedelta(days=60))


@pytest.fixture
def reports(period, collaborator, other_collaborator):
    """An accepted report with one opinion stream from each commune of the town."""
    made = []
    for person, text in (
        (collaborator, "Người dân Tứ Hạ lo ngại sạt lở bờ sông Bồ."),
        (other_collaborator, "Bà con Hương Toàn đồng tình với việc nạo vét kênh."),
    ):
        report = OpinionReportFactory(
            author=person.collaborator,
            period=period,
            occurred_on=period.start,
            status=OpinionReport.Status.ACCEPTED,
            reviewed_at=timezone.now(),
        )
        OpinionStreamFactory(report=report, summary=text)
        made.append(report)
    return made


@pytest.fixture
def draft(town, period, reports, staff):
    return compiled(town, period, staff)


@pytest.fixture
def approved(town, period, reports, staff):
    summary = compiled(town, period, staff)
    return services.summary_approve(summary=summary, user=staff)
