"""Reporting discipline: who was expected to file a period's report, and who did.

The rules, each tested on its own in ``reports/tests/test_discipline.py``:

1. Expected. A collaborator is expected to file period P's periodic report when
   their roster status on P's deadline was active and they were appointed at
   least ``settings.DISCIPLINE_GRACE_DAYS`` days before the deadline. The status
   on the deadline is the ``status_after`` of the latest roster event dated on
   or before it; with no event on or before the deadline (appointed after it)
   the collaborator is not expected. The appointment date is the first
   "appoint" event (or, lacking one, the first event of any kind).
2. Mid-period changes. Suspended or dismissed on the deadline: not expected,
   even if active earlier in the period. Appointed, suspended or reinstated
   after the deadline: judged by the status on the deadline, later events
   change nothing.
3. The report that counts. Kind periodic, period P, by that collaborator, with
   status submitted, returned or accepted: a draft is not filed, an archived
   report was withdrawn. Several count once: the earliest first submission.
   An urgent report is a report, never the periodic one.
4. On time or late. On time when its first submission (``submitted_at``, which
   keeps the first submission when a returned report is resubmitted) falls on
   or before the deadline, in local dates (Asia/Ho_Chi_Minh); otherwise late.
   A report returned and resubmitted after the deadline is on time if it was
   first sent on time.
5. Missing or not yet due. Expected with no report counted: missing once the
   deadline has passed; on the deadline or before it, "not yet due" (pending).
6. Not expected but filed. A collaborator who was not expected keeps the state
   "not expected" (the report is still recorded), so no rate passes 100 %.
7. Rates. Reporting rate = (on time + late) / expected; on-time rate = on time
   / expected, where expected = on time + late + missing + pending. With
   nothing expected (a unit with no collaborators, a period with nobody
   expected) there is no rate: it is shown as "—", never 0 % or 100 %.
8. Roll-up. A unit's figures are the sums over its subtree (expected and
   actual summed, then divided), as DHIS2 counts completeness, never an
   average of its sub-units' rates.
9. Units. A collaborator counts in their current unit (``Collaborator.unit``)
   when the record is computed.

Records are computed set-based (a few queries for any number of collaborators)
and written with an upsert, so computing twice gives the same rows.
"""

import datetime
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from collaborators.models import Collaborator, RosterEvent
from reports.models import (
    OpinionReport,
    ReportingPeriod,
    ReportingRecord,
    ReportingTally,
)

State = ReportingRecord.State
COUNTED_STATUSES = (
    OpinionReport.Status.SUBMITTED,
    OpinionReport.Status.RETURNED,
    OpinionReport.Status.ACCEPTED,
)
EXPECTED_STATES = (State.ON_TIME, State.LATE, State.MISSING, State.PENDING)
RECORD_COLUMNS = [
    "collaborator_id",
    "period_id",
    "unit_id",
    "state",
    "submitted_at",
    "report_id",
    "computed_at",
]
# Of a record's columns: what a recomputation may change (all but when it ran),
# and what the tallies count.
COMPARED = slice(2, 6)  # unit_id, state, submitted_at, report_id
COUNTED = slice(2, 4)  # unit_id, state


class Roster:
    """Collaborators' units and dated statuses, read once for many periods."""

    def __init__(self, collaborator_ids: Iterable[int] | None = None, *, until=None):
        collaborators = Collaborator.objects.order_by()
        events = RosterEvent.objects.order_by("collaborator_id", "date", "pk")
        if collaborator_ids is not None:
            ids = list(collaborator_ids)
            collaborators = collaborators.filter(pk__in=ids)
            events = events.filter(collaborator_id__in=ids)
        if until is not None:
            events = events.filter(date__lte=until)
        self.units = dict(collaborators.values_list("pk", "unit_id"))
        # collaborator id -> [(date, status after)], oldest first.
        self.history: dict[int, list[tuple[datetime.date, str]]] = {}
        self.appointed: dict[int, datetime.date] = {}
        for pk, day, kind, status in events.values_list(
            "collaborator_id", "date", "kind", "status_after"
        ):
            self.history.setdefault(pk, []).append((day, status))
            if kind == RosterEvent.Kind.APPOINT:
                self.appointed.setdefault(pk, day)

    def is_expected(self, pk: int, deadline: datetime.date) -> bool:
        """Rules 1 and 2."""
        history = self.history.get(pk)
        if not history or history[0][0] > deadline:
            return False
        status = None
        for day, status_after in history:
            if day > deadline:
                break
            status = status_after
        appointed = self.appointed.get(pk, history[0][0])
        grace = datetime.timedelta(days=settings.DISCIPLINE_GRACE_DAYS)
        return status == Collaborator.Status.ACTIVE and appointed <= deadline - grace


def _first_reports(period: ReportingPeriod, collaborator_ids) -> dict[int, tuple]:
    """Rule 3: each author's earliest counted periodic report: (submitted, id)."""
    reports = OpinionReport.objects.filter(
        period=period,
        kind=OpinionReport.Kind.PERIODIC,
        status__in=COUNTED_STATUSES,
        submitted_at__isnull=False,
    ).order_by("author_id", "submitted_at", "pk")
    if collaborator_ids is not None:
        reports = reports.filter(author_id__in=list(collaborator_ids))
    first: dict[int, tuple] = {}
    for author, submitted, pk in reports.values_list("author_id", "submitted_at", "pk"):
        first.setdefault(author, (submitted, pk))
    return first


def discipline_rows(
    *,
    period: ReportingPeriod,
    roster: Roster,
    collaborator_ids=None,
    today: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Iterator[tuple]:
    """A period's records as tuples in ``RECORD_COLUMNS`` order (rules 1 to 6, 9)."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    deadline = period.deadline
    first = _first_reports(period, collaborator_ids)
    for pk, unit_id in roster.units.items():
        submitted, report_id = first.get(pk, (None, None))
        if not roster.is_expected(pk, deadline):
            state = State.NOT_EXPECTED
        elif submitted is not None:
            on_time = timezone.localdate(submitted) <= deadline
            state = State.ON_TIME if on_time else State.LATE
        else:
            state = State.MISSING if today > deadline else State.PENDING
        yield (pk, period.pk, unit_id, state, submitted, report_id, now)


# Within a caller's transaction (a submission) no savepoint: an error ends it all.
@transaction.atomic(savepoint=False)
def discipline_compute(
    *,
    period: ReportingPeriod,
    collaborator_ids: Iterable[int] | None = None,
    today: datetime.date | None = None,
) -> int:
    """Compute and store ``period``'s records (of all collaborators, or those given).

    Safe to run twice: rows are upserted on (collaborator, period). For the
    collaborators given (a submission's author), only records that change are
    written, and only the units whose counts change are recounted.
    """
    touched = None
    if collaborator_ids is not None:
        collaborator_ids = list(collaborator_ids)
        # A collaborator who moved leaves a count behind in their former unit.
        touched = set(
            ReportingRecord.objects.filter(
                period=period, collaborator_id__in=collaborator_ids
            ).values_list("unit_id", flat=True)
        )
    roster = Roster(collaborator_ids, until=period.deadline)
    if touched is not None:
        # Two collaborators of one unit submitting at once would each recount
        # the unit's tally from what they see: one waits for the other instead.
        touched |= set(roster.units.values())
        lock_units(period=period, unit_ids=touched)
    rows = list(
        discipline_rows(
            period=period,
            roster=roster,
            collaborator_ids=collaborator_ids,
            today=today,
        )
    )
    computed = len(rows)
    if touched is None:
        _write_records(rows)
        tally_refresh(period=period)
        return computed
    rows, recount = _changed(period, collaborator_ids, rows)
    _write_records(rows)
    if recount:
        tally_refresh(period=period, unit_ids=recount)
    return computed


def _changed(period, collaborator_ids, rows) -> tuple[list[tuple], set[int]]:
    """The rows that differ from the stored records, and the units whose counts
    they change. Read under the units' lock: what the records hold now."""
    stored = {
        values[0]: values
        for values in ReportingRecord.objects.filter(
            period=period, collaborator_id__in=collaborator_ids
        ).values_list(*RECORD_COLUMNS)
    }
    changed, units = [], set()
    for row in rows:
        before = stored.get(row[0])
        if before is not None and before[COMPARED] == row[COMPARED]:
            continue
        changed.append(row)
        if before is None or before[COUNTED] != row[COUNTED]:
            units.add(row[COUNTED][0])
            if before is not None:
                units.add(before[COUNTED][0])
    return changed, units


def _write_records(rows) -> None:
    if not rows:
        return
    records = [
        ReportingRecord(**dict(zip(RECORD_COLUMNS, row, strict=True))) for row in rows
    ]
    ReportingRecord.objects.bulk_create(
        records,
        update_conflicts=True,
        unique_fields=["collaborator", "period"],
        update_fields=["unit", "state", "submitted_at", "report", "computed_at"],
        batch_size=2000,
    )


def lock_units(*, period: ReportingPeriod, unit_ids) -> None:
    """Hold ``period``'s tally of each unit until this transaction ends (PostgreSQL).

    Locks are taken in one statement in id order, so two transactions never wait
    for each other in a circle. SQLite writes one transaction at a time anyway.
    """
    if connection.vendor != "postgresql" or not unit_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, unit) "
            "FROM unnest(%s::integer[]) AS unit ORDER BY unit",
            [period.pk, sorted(unit_ids)],
        )


@transaction.atomic(savepoint=False)
def tally_refresh(*, period: ReportingPeriod, unit_ids=None) -> int:
    """Recount ``period``'s records by unit and state (of the given units, or all).

    The counts the discipline page sums; rewritten whole for the units concerned,
    so they always equal the records.
    """
    tallies = ReportingTally.objects.filter(period=period)
    records = ReportingRecord.objects.filter(period=period)
    if unit_ids is None:
        # A whole period is recounted while single submissions may recount a
        # unit of it: every unit concerned is held first.
        lock_units(
            period=period,
            unit_ids=set(
                records.order_by().values_list("unit_id", flat=True).distinct()
            )
            | set(tallies.order_by().values_list("unit_id", flat=True).distinct()),
        )
    else:
        unit_ids = list(unit_ids)
        tallies = tallies.filter(unit_id__in=unit_ids)
        records = records.filter(unit_id__in=unit_ids)
    tallies.delete()
    rows = [
        ReportingTally(period=period, unit_id=unit, state=state, count=count)
        for unit, state, count in records.order_by()
        .values_list("unit_id", "state")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "state", "n")
    ]
    ReportingTally.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def discipline_refresh(*, today: datetime.date | None = None) -> int:
    """Recompute the current and the previous period (the daily task)."""
    today = today or timezone.localdate()
    periods = list(
        ReportingPeriod.objects.filter(start__lte=today).order_by("-start")[:2]
    )
    return sum(discipline_compute(period=period, today=today) for period in periods)
