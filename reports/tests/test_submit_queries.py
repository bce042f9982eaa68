"""What one submission costs the database, pinned so that it cannot grow back.

Fifty phones coming back online at once each send their waiting reports (issue
22): every query of a submission is paid fifty times over on the server's few
workers. The counts are those of the report form's post as the outbox sends it,
inside the test's transaction (so the submission's own transaction is a
savepoint here: two queries more than in production).
"""

import datetime
import uuid

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from collaborators.models import Collaborator, RosterEvent
from reports import services
from reports.models import (
    Attachment,
    OpinionReport,
    OpinionStream,
    ReportingRecord,
    ReportingTally,
)
from reports.tests.conftest import jpeg_with_gps, report_post

OUTBOX = {"HTTP_X_DLUAN_OUTBOX": "1"}
NEW = "/reports/new/"
State = ReportingRecord.State

# The request (session, user, collaborator: 3), the item's report if any (1),
# the area among the collaborator's (2), the item's lock and its row (2 and the
# savepoint's 2), the period (1), the report's unit for its town (1), the report,
# its stream and their audit entries (4: an entry takes its unit from the object
# being saved), the events (1), the author's record read and left as it is (6).
SUBMISSION = 23
# The file and its audit entry.
PHOTO = 2
# The first report of the period changes the author's record: it is written and
# the unit's counts are made again (here, none before: no audit of old ones).
FIRST_OF_PERIOD = 4


@pytest.fixture
def phone(client_of, collaborator, staff):
    """The collaborator, expected to report this period, signed in on the phone."""
    RosterEvent.objects.create(
        collaborator=collaborator.collaborator,
        kind=RosterEvent.Kind.APPOINT,
        date=datetime.date(2020, 1, 1),
        status_after=Collaborator.Status.ACTIVE,
        created_by=staff,
    )
    services.period_for(day=timezone.localdate())
    # Content types are read once per process: not this test's cost.
    ContentType.objects.get_for_models(
        OpinionReport, OpinionStream, Attachment, ReportingRecord, ReportingTally
    )
    return client_of(collaborator)


def send(client, area, *, photo=False):
    data = report_post(area, action="submit", client_id=str(uuid.uuid4()))
    if photo:
        data["attachments"] = jpeg_with_gps()
    response = client.post(NEW, data, **OUTBOX)
    assert response.status_code == 201, response.content
    return response


def tallies_match_records() -> bool:
    counted = {}
    for unit, state in ReportingRecord.objects.values_list("unit_id", "state"):
        counted[(unit, state)] = counted.get((unit, state), 0) + 1
    tallies = {(t.unit_id, t.state): t.count for t in ReportingTally.objects.all()}
    return tallies == counted


def test_a_submission_costs_a_fixed_number_of_queries(
    phone, collaborator, commune, django_assert_num_queries
):
    send(phone, commune)
    with django_assert_num_queries(SUBMISSION):
        send(phone, commune)
    reports = OpinionReport.objects.filter(author__user=collaborator)
    assert reports.filter(status=OpinionReport.Status.SUBMITTED).count() == 2
    first = reports.order_by("pk").first()
    record = ReportingRecord.objects.get(collaborator=collaborator.collaborator)
    # The record keeps the period's first report; the counts still match it.
    assert (record.state, record.report_id) == (State.ON_TIME, first.pk)
    assert tallies_match_records()


def test_a_photo_adds_its_file_and_nothing_else(
    phone, collaborator, commune, django_assert_num_queries
):
    send(phone, commune)
    with django_assert_num_queries(SUBMISSION + PHOTO):
        send(phone, commune, photo=True)
    assert Attachment.objects.filter(report__author__user=collaborator).count() == 1


def test_the_first_report_of_the_period_updates_the_record_and_the_counts(
    phone, collaborator, commune
):
    with CaptureQueriesContext(connection) as queries:
        send(phone, commune)
    assert len(queries) == SUBMISSION + FIRST_OF_PERIOD
    record = ReportingRecord.objects.get(collaborator=collaborator.collaborator)
    assert record.state == State.ON_TIME
    assert ReportingTally.objects.get(unit=commune).state == State.ON_TIME
    assert tallies_match_records()
