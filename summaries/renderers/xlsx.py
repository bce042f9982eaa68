"""The summary as a workbook: its figures, and every report it counts, one a row.

Sheets, in Vietnamese whatever the request's language (the workbook is the
board's): overview, topics by direction, issues, follow-ups and reporting
discipline come from the frozen snapshot (:mod:`summaries.renderers.sheets`); the
last sheet lists every report of the period in the unit's subtree whose status a summary counts
(``REPORTED_STATUSES``), by id, read live from the database.

The report sheet streams: reports come from one server-side cursor a batch at a
time; each batch's streams and topics take one query each; rows go straight to
the writer (:func:`dluan.xlsx.write_workbook`, which writes them as they come).
Memory stays flat and the query count grows only per batch.
Outside a transaction on PostgreSQL (a worker compiling), a thread reads the next
batch while this one is written (``read_ahead``).

The collaborator column is there only in the internal version
(``Summary.include_names``): without it the column is left out, not left blank,
so the public workbook holds no trace of who reported.
"""

import threading
from collections.abc import Callable, Iterator
from itertools import groupby, islice
from operator import itemgetter
from queue import Full, Queue
from typing import IO
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import DateField, ExpressionWrapper
from django.db.models.functions import TruncDate
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dluan.models import OrgUnit
from dluan.scoping import in_subtree
from dluan.xlsx import SafeRows, safe_cell, write_workbook
from reports.models import (
    OpinionReport,
    OpinionStream,
    Topic,
)
from summaries.renderers import values
from summaries.renderers.sheets import snapshot_sheets
from summaries.snapshot import REPORTED_STATUSES

# Reports read and written per batch: a batch's streams and topics are one query
# each, so this bounds both the memory held and the queries made.
BATCH_SIZE = 5000

Progress = Callable[[int, int], None]


def write_summary_workbook(summary, fileobj: IO[bytes], *, progress=None) -> int:
    """Write ``summary``'s workbook to ``fileobj``; return how many reports it lists.

    ``progress(done, total)`` is called after each batch of reports.
    """
    with translation.override("vi"):
        snapshot = summary.snapshot or {}
        rows = ReportRows(
            unit=summary.unit,
            period_id=summary.period_id,
            include_names=summary.include_names,
            progress=progress,
        )
        write_workbook(
            [
                *snapshot_sheets(snapshot),
                (_("Opinion reports"), rows.header(), SafeRows(rows)),
            ],
            fileobj,
        )
    return rows.done


# --- The report sheet ----------------------------------------------------------------


class ReportRows:
    """The rows of the report sheet, read in batches; iterate once.

    ``done`` counts the rows yielded so far; call under the workbook's language,
    since labels are translated once, when iteration starts.
    """

    def __init__(
        self,
        *,
        unit: OrgUnit,
        period_id: int,
        include_names: bool,
        progress: Progress | None = None,
        batch_size: int | None = None,
        read_ahead: bool | None = None,
    ):
        self.unit = unit
        self.period_id = period_id
        self.include_names = include_names
        self.progress = progress
        self.batch_size = batch_size or BATCH_SIZE
        # Outside a transaction on PostgreSQL, by default: see read_ahead().
        self.read_ahead = read_ahead
        self.done = 0

    def header(self) -> list:
        names = [_("Collaborator")] if self.include_names else []
        return [
            _("Report ID"),
            _("Submitted on"),
            _("Kind"),
            _("Status"),
            _("Unit"),
            _("Area"),
            *names,
            _("Title"),
            _("Topics"),
            _("Urgency"),
            _("Rumour"),
            _("Number of opinion streams"),
            pgettext_lazy("opinion stream", "Direction"),
            _("What people say"),
            _("Proposals"),
            _("Issue"),
        ]

    def reports(self):
        return OpinionReport.objects.filter(
            in_subtree("unit_id", self.unit),
            period_id=self.period_id,
            status__in=REPORTED_STATUSES,
        ).order_by()

    def __iter__(self) -> Iterator[list]:
        # Everything here is done once per distinct value where it can be
        # (labels, names, dates, direction tallies, topic lists), and only text
        # users typed goes through safe_cell per row.
        kinds = values.labels(OpinionReport.Kind)
        statuses = values.labels(OpinionReport.Status)
        urgencies = values.labels(OpinionReport.Urgency)
        directions = values.labels(OpinionStream.Direction)
        yes, no = str(_("yes")), str(_("no"))
        topic_names = dict(Topic.objects.order_by().values_list("pk", "name"))
        total = self.reports().count() if self.progress else 0
        fields = [
            "pk",
            "submitted_on",
            "kind",
            "status",
            "unit__name",
            "area__name",
            "title",
            "urgency",
            "is_rumour",
            "proposals",
            "issue__title",
        ]
        if self.include_names:
            fields.append("author__full_name")
        days = _Cache(lambda day: day.strftime(values.DATE_FORMAT))
        names = _Cache(safe_cell)
        tallies = _Cache(
            lambda codes: (
                "; ".join(
                    f"{label}: {count}"
                    for code, label in directions.items()
                    if (count := codes.count(code))
                )
                or None
            )
        )
        include_names = self.include_names
        topic_lists = _Cache(
            lambda topic_ids: "; ".join(
                sorted(topic_names.get(topic_id, "") for topic_id in topic_ids)
            )
        )
        batches = self._batches(fields)
        if self.read_ahead is None:
            use_thread = (
                connection.vendor == "postgresql" and not connection.in_atomic_block
            )
        else:
            use_thread = self.read_ahead
        if use_thread:
            batches = read_ahead(batches)
        for batch, streams, topics in batches:
            for row in batch:
                pk, day, kind, status, unit, area, title, urgency = row[:8]
                is_rumour, proposals, issue = row[8:11]
                # (summaries, directions) of the report's streams; its topics' ids.
                texts, codes = streams.get(pk, ((), ()))
                report_topics = topics.get(pk)
                cells = [
                    pk,
                    day and days[day],
                    kinds.get(kind, kind),
                    statuses.get(status, status),
                    names[unit],
                    names[area],
                    safe_cell(title),
                    names[topic_lists[report_topics[0]]] if report_topics else None,
                    urgencies.get(urgency, urgency),
                    yes if is_rumour else no,
                    len(codes),
                    tallies[codes],
                    safe_cell("\n".join(texts)) if texts else None,
                    safe_cell(proposals) if proposals else None,
                    names[issue],
                ]
                if include_names:
                    cells.insert(6, names[row[11]])
                yield cells
            self.done += len(batch)
            if self.progress:
                self.progress(self.done, total)

    def _batches(self, fields: list[str]) -> Iterator[tuple[list, list, list]]:
        """Each batch of report rows, with its streams and topics, read in full."""
        cursor = (
            self.reports()
            .annotate(
                # Wrapped, the date is taken as the database gives it: no
                # converter called on every row.
                submitted_on=ExpressionWrapper(
                    TruncDate("submitted_at", tzinfo=ZoneInfo(settings.TIME_ZONE)),
                    output_field=DateField(),
                )
            )
            .order_by("pk")
            .values_list(*fields)
            .iterator(chunk_size=self.batch_size)
        )
        while batch := list(islice(cursor, self.batch_size)):
            # The batch's streams and topics: those of counted reports in its id
            # range, which are its reports (a range, not a list of ids, to keep
            # the query small; the index on report_id reads them in order).
            first, last = batch[0][0], batch[-1][0]
            counted = self.reports().filter(pk__gte=first, pk__lte=last).values("pk")
            streams = list(
                OpinionStream.objects.filter(
                    report__gte=first,
                    report__lte=last,
                    report__in=counted,
                )
                .order_by("report_id", "position", "pk")
                .values_list("report_id", "summary", "direction")
            )
            topics = list(
                OpinionReport.topics.through.objects.filter(
                    opinionreport__gte=first,
                    opinionreport__lte=last,
                    opinionreport__in=counted,
                )
                .order_by("opinionreport_id")
                .values_list("opinionreport_id", "topic_id")
            )
            yield batch, _by_report(streams), _by_report(topics)


_DONE = object()


class _Failed:
    def __init__(self, error: BaseException):
        self.error = error


def read_ahead(items: Iterator, depth: int = 2) -> Iterator:
    """``items`` produced in a thread of its own, up to ``depth`` ahead.

    The database reads the next batch of reports while this one is written
    (about half of a province's export would otherwise wait on the database). The thread
    reads on a connection of its own, closed when it ends, so this is only for
    reads outside a transaction: inside one, the other connection would not see
    its rows. An error in the thread is raised here; a caller that stops early
    stops the thread.
    """
    handoff = Queue(maxsize=depth)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.2)
                return True
            except Full:
                continue
        return False

    def produce():
        try:
            for item in items:
                if not put(item):
                    return
            put(_DONE)
        except BaseException as error:  # raised in the caller
            put(_Failed(error))
        finally:
            connection.close()  # this thread's own

    thread = threading.Thread(target=produce, name="xlsx-read-ahead", daemon=True)
    thread.start()
    try:
        while (item := handoff.get()) is not _DONE:
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        thread.join()


def _by_report(rows) -> dict:
    """Rows ordered by report id, as {report id: a tuple for each other column}."""
    return {
        report_id: tuple(zip(*(row[1:] for row in group), strict=True))
        for report_id, group in groupby(rows, key=itemgetter(0))
    }


class _Cache(dict):
    """``cache[key]`` computes ``make(key)`` once: for the few distinct values
    (names, days, tallies) repeated over many rows."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        value = self[key] = self.make(key) if key is not None else None
        return value
