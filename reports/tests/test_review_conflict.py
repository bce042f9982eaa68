"""Two board staff decide on the same report at once: one wins, the other is told."""

import threading

import pytest
from django import db
from django.db import connection
from django.test import Client
from django.urls import reverse

from dluan.models import Notification, User
from dluan.tests.factories import UserFactory
from reports.models import OpinionReport, ReportEvent
from reports.services import base, review

DECISIONS = {ReportEvent.Action.ACCEPTED, ReportEvent.Action.RETURNED}


@pytest.fixture
def colleague(town):
    """A second board staff member of the same unit."""
    return UserFactory(
        username="canbo_huongtra_2",
        full_name="Lê Thị Mai",
        role=User.Role.STAFF,
        org_unit=town,
    )


def _decisions(report):
    return list(
        report.events.filter(action__in=DECISIONS).values_list("action", "actor")
    )


def _accept(client, report, version):
    return client.post(
        reverse("reports:report-accept", args=[report.pk]), {"version": version}
    )


def _return(client, report, version):
    return client.post(
        reverse("reports:report-return", args=[report.pk]),
        {"version": version, "question": "Có bao nhiêu hộ dân bị ảnh hưởng?"},
    )


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_decision_on_a_stale_page_is_a_conflict_naming_who_decided(
    staff, colleague, report, collaborator
):
    shown = report.version  # both opened the report page at this version
    assert _accept(_client(staff), report, shown).status_code == 302
    response = _return(_client(colleague), report, shown)
    assert response.status_code == 409
    page = response.content.decode()
    assert staff.full_name in page  # who decided first, in the message
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    report.refresh_from_db()
    assert report.status == OpinionReport.Status.ACCEPTED
    assert report.reviewed_by == staff
    assert _decisions(report) == [(ReportEvent.Action.ACCEPTED, staff.pk)]
    # The collaborator is not asked a question the board never put.
    assert not Notification.objects.filter(recipient=collaborator).exists()


@pytest.mark.django_db(transaction=True)
def test_two_staff_deciding_at_the_same_moment_make_one_decision(
    staff, colleague, report, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("row locks are PostgreSQL's; SQLite runs one writer at a time")
    # Each request pauses once it holds the report (or would, without the lock),
    # until the other request is either waiting for the row or holds it too.
    holding = {"accept": threading.Event(), "return": threading.Event()}
    go = threading.Event()
    real_lock = base.lock_report

    def lock_then_pause(report, version):
        locked = real_lock(report, version)
        holding[threading.current_thread().name].set()
        go.wait(timeout=10)
        return locked

    monkeypatch.setattr(review, "lock_report", lock_then_pause)
    answers = {}

    def post(name, user, action):
        try:
            answers[name] = action(_client(user), report, report.version).status_code
        finally:
            db.connection.close()

    first = threading.Thread(
        target=post, name="accept", args=("accept", staff, _accept)
    )
    second = threading.Thread(
        target=post, name="return", args=("return", colleague, _return)
    )
    first.start()
    assert holding["accept"].wait(timeout=10)
    second.start()
    _wait_until_blocked_or(holding["return"])
    go.set()
    first.join(timeout=20)
    second.join(timeout=20)
    assert answers == {"accept": 302, "return": 409}
    report.refresh_from_db()
    assert report.status == OpinionReport.Status.ACCEPTED
    assert _decisions(report) == [(ReportEvent.Action.ACCEPTED, staff.pk)]


def _wait_until_blocked_or(event):
    """Until another connection waits for a row lock, or ``event`` is set."""
    with db.connections["default"].cursor() as cursor:
        for _attempt in range(200):
            if event.wait(timeout=0.05):
                return
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
    pytest.fail("the second request neither waited for the row nor went past it")
