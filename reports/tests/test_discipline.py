"""Reporting discipline: each rule of reports/services/discipline.py, the page, the
export and the collaborator's panel."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from collaborators.models import Collaborator, RosterEvent
from collaborators.tests.factories import CollaboratorFactory
from dluan.models import OrgUnit
from dluan.tests.factories import OrgUnitFactory, UserFactory
from reports import selectors, services
from reports.models import (
    OpinionReport,
    ReportingRecord,
    ReportingTally,
)
from reports.tests.factories import (
    OpinionReportFactory,
    OpinionStreamFactory,
    ReportingPeriodFactory,
)

State = ReportingRecord.State
Kind = RosterEvent.Kind
S = Collaborator.Status
DEADLINE = datetime.date(2025, 2, 23)
AFTER = datetime.date(2025, 3, 10)
BEFORE = datetime.date(2025, 2, 10)
LONG_AGO = datetime.date(2024, 1, 1)


def at(day, hour=8, minute=0):
    return timezone.make_aware(
        datetime.datetime(day.year, day.month, day.day, hour, minute)
    )


@pytest.fixture
def period(db):
    return ReportingPeriodFactory(
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 2, 28),
        deadline=DEADLINE,
    )


@pytest.fixture
def previous(db):
    return ReportingPeriodFactory(
        start=datetime.date(2024, 11, 1),
        end=datetime.date(2024, 12, 31),
        deadline=datetime.date(2024, 12, 26),
    )


@pytest.fixture
def decider(db):
    return UserFactory()


@pytest.fixture
def make(commune, decider):
    """``make(events=[(kind, date, status)], unit=commune)``: a collaborator."""

    def _make(events=((Kind.APPOINT, LONG_AGO, S.ACTIVE),), unit=None, **fields):
        person = CollaboratorFactory(unit=unit or commune, **fields)
        for kind, day, status in events:
            RosterEvent.objects.create(
                collaborator=person,
                kind=kind,
                date=day,
                status_after=status,
                created_by=decider,
            )
        return person

    return _make


def file(person, period, when, **fields):
    fields.setdefault("occurred_on", period.start)
    return OpinionReportFactory(
        author=person, period=period, submitted_at=when, **fields
    )


def state_of(person, period, today=AFTER):
    services.discipline_compute(period=period, today=today)
    return ReportingRecord.objects.get(collaborator=person, period=period).state


# --- Rules 1 and 2: who is expected -------------------------------------------------


def test_active_since_long_ago_without_report_is_missing(make, period):
    assert state_of(make(), period) == State.MISSING


def test_appointed_mid_period_before_deadline_outside_grace_is_expected(make, period):
    person = make(events=[(Kind.APPOINT, datetime.date(2025, 2, 9), S.ACTIVE)])
    assert state_of(person, period) == State.MISSING


def test_appointed_within_grace_days_is_not_expected(make, period, settings):
    settings.DISCIPLINE_GRACE_DAYS = 14
    person = make(events=[(Kind.APPOINT, datetime.date(2025, 2, 10), S.ACTIVE)])
    assert state_of(person, period) == State.NOT_EXPECTED


def test_appointed_after_deadline_is_not_expected(make, period):
    person = make(events=[(Kind.APPOINT, datetime.date(2025, 2, 25), S.ACTIVE)])
    assert state_of(person, period) == State.NOT_EXPECTED


def test_suspended_before_deadline_is_not_expected(make, period):
    person = make(
        events=[
            (Kind.APPOINT, LONG_AGO, S.ACTIVE),
            (Kind.SUSPEND, datetime.date(2025, 2, 1), S.SUSPENDED),
        ]
    )
    assert state_of(person, period) == State.NOT_EXPECTED


def test_suspended_after_deadline_is_still_expected(make, period):
    person = make(
        events=[
            (Kind.APPOINT, LONG_AGO, S.ACTIVE),
            (Kind.SUSPEND, datetime.date(2025, 2, 25), S.SUSPENDED),
        ]
    )
    assert state_of(person, period) == State.MISSING


def test_dismissed_before_deadline_is_not_expected(make, period):
    person = make(
        events=[
            (Kind.APPOINT, LONG_AGO, S.ACTIVE),
            (Kind.DISMISS, datetime.date(2025, 1, 15), S.DISMISSED),
        ]
    )
    assert state_of(person, period) == State.NOT_EXPECTED


def test_reinstated_before_deadline_is_expected_after_it_is_not(make, period):
    before = make(
        events=[
            (Kind.APPOINT, LONG_AGO, S.ACTIVE),
            (Kind.SUSPEND, datetime.date(2024, 12, 1), S.SUSPENDED),
            (Kind.REINSTATE, datetime.date(2025, 2, 1), S.ACTIVE),
        ]
    )
    after = make(
        events=[
            (Kind.APPOINT, LONG_AGO, S.ACTIVE),
            (Kind.SUSPEND, datetime.date(2024, 12, 1), S.SUSPENDED),
            (Kind.REINSTATE, datetime.date(2025, 2, 24), S.ACTIVE),
        ]
    )
    assert state_of(before, period) == State.MISSING
    assert state_of(after, period) == State.NOT_EXPECTED


def test_collaborator_without_roster_history_is_not_expected(make, period):
    assert state_of(make(events=[]), period) == State.NOT_EXPECTED


# --- Rules 3 to 5: which report counts, on time or late -----------------------------


def test_report_on_the_deadline_local_date_is_on_time(make, period):
    person = make()
    # 23:30 in Hà Nội is 16:30 UTC the same day.
    file(person, period, at(DEADLINE, 23, 30))
    assert state_of(person, period) == State.ON_TIME


def test_report_after_midnight_local_is_late(make, period):
    person = make()
    file(person, period, at(DEADLINE + datetime.timedelta(days=1), 0, 30))
    assert state_of(person, period) == State.LATE


def test_returned_and_resubmitted_after_deadline_is_on_time_if_first_sent_on_time(
    make, period
):
    person = make()
    # submitted_at keeps the first submission; the resubmission is later.
    report = file(person, period, at(datetime.date(2025, 2, 20)))
    report.status = OpinionReport.Status.RETURNED
    report.save()
    assert state_of(person, period) == State.ON_TIME
    report.status = OpinionReport.Status.SUBMITTED
    report.save()
    assert state_of(person, period) == State.ON_TIME


def test_urgent_report_only_is_not_the_periodic_one(make, period):
    person = make()
    file(person, period, at(datetime.date(2025, 2, 1)), kind=OpinionReport.Kind.URGENT)
    assert state_of(person, period) == State.MISSING


def test_draft_only_is_not_filed(make, period):
    person = make()
    file(person, period, None, status=OpinionReport.Status.DRAFT)
    assert state_of(person, period) == State.MISSING


def test_archived_only_was_withdrawn(make, period):
    person = make()
    file(person, period, at(BEFORE), status=OpinionReport.Status.ARCHIVED)
    assert state_of(person, period) == State.MISSING


def test_two_periodic_reports_count_once_the_earliest(make, period):
    person = make()
    late = file(person, period, at(datetime.date(2025, 2, 26)))
    early = file(person, period, at(datetime.date(2025, 2, 5)))
    services.discipline_compute(period=period, today=AFTER)
    record = ReportingRecord.objects.get(collaborator=person, period=period)
    assert (record.state, record.report_id) == (State.ON_TIME, early.pk)
    assert late.pk != early.pk
    assert ReportingRecord.objects.filter(period=period).count() == 1


def test_before_the_deadline_a_missing_report_is_not_yet_due(make, period):
    person = make()
    assert state_of(person, period, today=BEFORE) == State.PENDING
    assert state_of(person, period, today=DEADLINE) == State.PENDING
    assert state_of(person, period, today=AFTER) == State.MISSING


def test_not_expected_but_filed_stays_not_expected(make, period):
    person = make(events=[(Kind.APPOINT, datetime.date(2025, 2, 20), S.ACTIVE)])
    report = file(person, period, at(datetime.date(2025, 2, 21)))
    assert state_of(person, period) == State.NOT_EXPECTED
    assert ReportingRecord.objects.get(collaborator=person).report_id == report.pk


# --- Rules 7 to 9: rates and roll-up ------------------------------------------------


@pytest.fixture
def tree(province, town, commune, other_commune, make, period):
    """Province → town → two communes: commune 2 on time + 1 missing, the other
    1 late; one at the town itself, on time; a second town with nobody."""
    for when in (at(BEFORE), at(BEFORE), None):
        person = make(unit=commune)
        if when:
            file(person, period, when)
    file(make(unit=other_commune), period, at(AFTER))
    file(make(unit=town), period, at(BEFORE))
    OrgUnitFactory(name="Xã Trống", kind=OrgUnit.Kind.COMMUNE, parent=town)
    services.discipline_compute(period=period, today=AFTER)


def test_roll_up_sums_counts_over_the_subtree(tree, admin_user, province, town, period):
    table = selectors.discipline_table(admin_user, province, period)
    (row,) = [r for r in table["children"] if r.unit == town]
    assert (row.expected, row.on_time, row.late, row.missing) == (5, 3, 1, 1)
    assert row.reporting_rate == pytest.approx(80.0)
    assert row.on_time_rate == pytest.approx(60.0)
    town_table = selectors.discipline_table(admin_user, town, period)
    assert town_table["own"].expected == 1
    rates = {r.unit.name: r.reporting_rate for r in town_table["children"]}
    # Summed, not averaged: (1 + 2 + 1) / (1 + 3 + 1) = 80 %, not a mean of rates.
    assert town_table["total"].reporting_rate == pytest.approx(80.0)
    assert rates["Xã Trống"] is None
    assert not town_table["is_leaf"]


def test_period_with_nobody_expected_has_no_rate(make, period, admin_user, province):
    make(events=[(Kind.APPOINT, datetime.date(2025, 2, 25), S.ACTIVE)])
    services.discipline_compute(period=period, today=AFTER)
    total = selectors.discipline_table(admin_user, province, period)["total"]
    assert total.expected == 0
    assert total.reporting_rate is None and total.on_time_rate is None


def test_collaborator_counts_in_current_unit(make, period, commune, other_commune):
    person = make(unit=commune)
    services.discipline_compute(period=period, today=AFTER)
    person.unit = other_commune
    person.save()
    services.discipline_compute(period=period, today=AFTER)
    assert ReportingRecord.objects.get(collaborator=person).unit == other_commune


def _tallies(period):
    return {
        (t.unit_id, t.state): t.count
        for t in ReportingTally.objects.filter(period=period)
    }


def _counted(period):
    counts = {}
    for record in ReportingRecord.objects.filter(period=period):
        key = (record.unit_id, record.state)
        counts[key] = counts.get(key, 0) + 1
    return counts


def test_tallies_always_equal_the_records(make, period, commune, other_commune):
    stays, moves = make(unit=commune), make(unit=commune)
    make(unit=other_commune)
    services.discipline_compute(period=period, today=AFTER)
    assert _tallies(period) == _counted(period)
    assert _tallies(period)[(commune.pk, State.MISSING)] == 2
    # One collaborator moves and files late: only their units are recounted.
    moves.unit = other_commune
    moves.save()
    file(moves, period, at(AFTER))
    services.discipline_compute(period=period, collaborator_ids=[moves.pk], today=AFTER)
    assert _tallies(period) == _counted(period)
    assert _tallies(period)[(commune.pk, State.MISSING)] == 1
    assert _tallies(period)[(other_commune.pk, State.LATE)] == 1
    assert stays.reporting_records.get().state == State.MISSING


def test_compute_twice_gives_the_same_rows(tree, period):
    fields = ("collaborator_id", "unit_id", "state", "submitted_at", "report_id")
    first = list(ReportingRecord.objects.order_by("pk").values_list(*fields))
    services.discipline_compute(period=period, today=AFTER)
    assert list(ReportingRecord.objects.order_by("pk").values_list(*fields)) == first


def test_submit_updates_the_record(collaborator, commune, decider):
    person = collaborator.collaborator
    RosterEvent.objects.create(
        collaborator=person,
        kind=Kind.APPOINT,
        date=LONG_AGO,
        status_after=S.ACTIVE,
        created_by=decider,
    )
    report = OpinionReportFactory(
        author=person,
        status=OpinionReport.Status.DRAFT,
        submitted_at=None,
        occurred_on=timezone.localdate(),
    )
    OpinionStreamFactory(report=report)
    services.report_submit(report=report, user=collaborator)
    record = ReportingRecord.objects.get(collaborator=person)
    assert record.report_id == report.pk
    assert record.state in {State.ON_TIME, State.LATE}


def test_refresh_computes_current_and_previous_period(make, period, previous):
    make()
    assert services.discipline_refresh(today=datetime.date(2025, 2, 1)) == 2
    assert ReportingRecord.objects.count() == 2


# --- The page -----------------------------------------------------------------------


def url(period, unit=None, name="reports:discipline"):
    query = f"?period={period.pk}" + (f"&unit={unit.pk}" if unit else "")
    return reverse(name) + query


@pytest.mark.parametrize("persona", ["staff", "leader", "admin_user"])
def test_managers_see_the_page(request, persona, tree, client_of, town, period):
    response = client_of(request.getfixturevalue(persona)).get(url(period, town))
    assert response.status_code == 200
    assert "Phường Tứ Hạ" in response.content.decode()


def test_collaborator_gets_404(collaborator, client_of, period):
    assert client_of(collaborator).get(url(period)).status_code == 404


def test_other_units_staff_cannot_see_our_unit(other_staff, client_of, town, period):
    client = client_of(other_staff)
    assert client.get(url(period, town)).status_code == 404
    export = url(period, town, "reports:discipline-export")
    assert client.get(export).status_code == 404


def test_anonymous_is_sent_to_login(client, period):
    response = client.get(url(period))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_drill_down_to_a_commune_lists_its_collaborators(
    tree, staff, client_of, town, commune, period
):
    client = client_of(staff)
    town_page = client.get(url(period, town)).content.decode()
    assert f"unit={commune.pk}" in town_page
    assert 'data-testid="discipline-people"' not in town_page
    response = client.get(url(period, commune))
    page = response.content.decode()
    records = response.context["table"]["records"]
    assert len(records) == 3
    for record in records:
        link = reverse(
            "collaborators:collaborator-detail", args=[record.collaborator_id]
        )
        assert link in page
    assert "66,7 %" in page or "66.7 %" in page


def test_default_is_the_users_unit(tree, staff, client_of, town):
    response = client_of(staff).get(reverse("reports:discipline"))
    assert response.status_code == 200
    assert response.context["unit"] == town


def test_export_rows_equal_the_rows_on_screen(
    tree, staff, client_of, town, commune, period
):
    client = client_of(staff)
    for unit in (town, commune):
        table = client.get(url(period, unit)).context["table"]
        response = client.get(url(period, unit, "reports:discipline-export"))
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        sheet = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
        shown = [table["own"], *table["children"], table["total"]]
        assert [row[1:6] for row in sheet] == [
            (r.expected, r.on_time, r.late, r.missing, r.pending) for r in shown
        ]
        assert [row[0] for row in sheet[1:-1]] == [
            r.unit.name for r in table["children"]
        ]
        if table["records"] is not None:
            people = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
            assert [p[0] for p in people] == [
                r.collaborator.full_name for r in table["records"]
            ]


@pytest.mark.parametrize("size", [3, 30])
def test_page_query_count_does_not_grow(
    size, make, staff, client_of, commune, period, django_assert_num_queries
):
    for index in range(size):
        person = make(unit=commune)
        if index % 2:
            file(person, period, at(BEFORE))
    services.discipline_compute(period=period, today=AFTER)
    client = client_of(staff)
    for unit in (staff.org_unit, commune):
        with django_assert_num_queries(QUERIES[unit == commune]):
            response = client.get(url(period, unit))
        assert response.status_code == 200


# Session, user, notifications, the unit and period asked for, the form's choices,
# the subtree, the grouped counts, the trend's periods and counts, whatever the
# number of collaborators (plus the collaborator list on a commune).
QUERIES = {False: 15, True: 16}


# --- The collaborator's panel -------------------------------------------------------


def test_collaborator_panel_shows_due_date_and_history(
    collaborator, client_of, decider
):
    person = collaborator.collaborator
    today = timezone.localdate()
    current = services.period_for(day=today)
    past = services.period_for(day=current.start - datetime.timedelta(days=1))
    RosterEvent.objects.create(
        collaborator=person,
        kind=Kind.APPOINT,
        date=past.start - datetime.timedelta(days=400),
        status_after=S.ACTIVE,
        created_by=decider,
    )
    services.discipline_compute(period=past)
    page = client_of(collaborator).get("/").content.decode()
    assert current.deadline.strftime("%d/%m/%Y") in page
    assert str(past) in page
    assert (
        "Missing" in page
        or "Thiếu" in page
        or 'data-testid="discipline-history"' in page
    )


@pytest.mark.skipif(
    __import__("django.db").db.connection.vendor != "postgresql",
    reason="SQLite writes one transaction at a time; the race is PostgreSQL's",
)
@pytest.mark.django_db(transaction=True)
def test_two_submissions_in_one_unit_at_once_keep_the_tally_right(commune, decider):
    import threading

    from django.db import connection, transaction

    people = []
    for _index in range(2):
        person = CollaboratorFactory(unit=commune)
        RosterEvent.objects.create(
            collaborator=person,
            kind=Kind.APPOINT,
            date=LONG_AGO,
            status_after=S.ACTIVE,
            created_by=decider,
        )
        people.append(person)
    period = ReportingPeriodFactory(
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 2, 28),
        deadline=DEADLINE,
    )
    services.discipline_compute(period=period, today=AFTER)
    first_in, errors = threading.Event(), []

    def submit(person, hold):
        try:
            with transaction.atomic():
                file(person, period, at(DEADLINE))
                services.discipline_compute(
                    period=period, collaborator_ids=[person.pk], today=AFTER
                )
                if hold:
                    first_in.set()
                    # Still open while the other one counts the same unit.
                    threading.Event().wait(0.5)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=submit, args=(people[0], True))
    first.start()
    first_in.wait(5)
    second = threading.Thread(target=submit, args=(people[1], False))
    second.start()
    first.join(10)
    second.join(10)
    assert errors == []
    assert _tallies(period) == _counted(period)
    assert _tallies(period)[(commune.pk, State.ON_TIME)] == 2
