"""The summary's frozen snapshot: every figure of a unit's period, compiled once.

The snapshot is plain JSON stored on the :class:`~summaries.models.Summary`, so an
approved brief never changes when reports are edited later. Codes (directions,
statuses, kinds, social groups) are stored as codes and labelled when rendered;
names (units, topics, issues) are frozen as they were.

A *figure* is ``{"value": number | None, "previous": number | None}``: the
period's value and the previous period's, for the change. Rates and shares are
per cent with one decimal, ``None`` when there is nothing to divide by. Dates are
ISO strings (``"2026-09-01"``), date-times ISO with offset.

Schema (``SCHEMA_VERSION = 1``)::

    schema: 1
    unit: {id, name}
    period: {id, start, end, deadline}
    previous_period: {id, start, end, deadline} | None
    compiled_at: ISO date-time
    lingering_days: int                         # SUMMARY_LINGERING_DAYS
    reports:                                    # the period's live reports
      total, periodic, urgent, accepted, rumour, with_proposals, one_sided: figure
      one_sided_share: figure                   # % of reports
    directions:                                 # the period's opinion streams
      support, oppose, concern, unclear, total: figure
      negative_share: figure                    # % opposed or worried
    discipline:
      own, total: rates                         # the unit alone; the whole subtree
      children: [rates + {unit_id, name}]       # each direct sub-unit's subtree
        rates = {expected, on_time, late, missing, pending,
                 reporting_rate, on_time_rate,
                 previous_reporting_rate, previous_on_time_rate}
    topics: [{id, name, support, oppose, concern, unclear, total,
              previous_total}]                  # streams by top-level topic,
                                                # most streams first
    issues:
      open, new, lingering: figure              # counts
      by_volume, by_negative_share, by_communes, new_items, lingering_items:
        [{id, title, unit, status, severity, reports, streams,
          negative_streams, negative_share, communes, first_seen, last_seen,
          days_open}]                           # at most SUMMARY_TOP_ISSUES each
    follow_ups:
      resolved, overdue: figure
      resolved_items, overdue_items:
        [{id, issue_id, issue_title, agency, request, due_date, responded_on,
          response, days_overdue}]
    proposals: [{report_id, title, text, area, author, urgency, submitted_at}]
    meetings:
      held: figure
      invited, present, excused, absent: int
      attendance_rate: figure                   # % present of those recorded
      items: [{id, title, unit, starts_at, present, excused, absent}]
    warnings:
      total: figure
      by_kind: {kind code: int}
      items: [{id, kind, title, unit, raised_at}]
    sub_summaries: [{summary_id, unit_id, unit, version, approved_at, reports,
                     negative_share, reporting_rate}]
    surveys: [{id, title, unit, mode, starts_on, ends_on, approved,
               headline: [{label, answer, percent, low, high}]}]
                                                # closed in the period
    quote_candidates: [{stream_id, report_id, title, text, direction, breadth,
                        intensity, area, social_groups: [codes], author}]

``Summary.quotes`` holds the quotes staff picked: each a quote candidate, or a
proposal (``{kind: "proposal", report_id, title, text, area, author}``), with
``kind`` ``"stream"`` or ``"proposal"``.

The parts are compiled by ``opinion`` (reports, directions, topics, proposals,
quote candidates), ``discipline``, ``issues`` (issues, follow-ups) and
``briefings`` (meetings, warnings, sub-summaries) and ``surveys`` (the opinion
surveys closed in the period), each from one ``scope.Scope``.
"""

from collections.abc import Callable

from django.conf import settings
from django.utils import timezone

from dluan.models import OrgUnit
from dluan.replica import reads_from_replica
from reports.models import ReportingPeriod
from summaries.snapshot import briefings, discipline, issues, opinion, surveys
from summaries.snapshot.scope import REPORTED_STATUSES, Scope, iso, period_dict

__all__ = ["REPORTED_STATUSES", "SCHEMA_VERSION", "build_snapshot"]

SCHEMA_VERSION = 1

Progress = Callable[[str, int], None]

# Each part in the order it is compiled (and its progress reported).
STEPS = (
    ("reports", opinion.reports),
    ("directions", opinion.directions),
    ("discipline", discipline.discipline),
    ("topics", opinion.topics),
    ("issues", issues.issues),
    ("follow_ups", issues.follow_ups),
    ("proposals", opinion.proposals),
    ("meetings", briefings.meetings),
    ("warnings", briefings.warnings),
    ("sub_summaries", briefings.sub_summaries),
    ("surveys", surveys.surveys),
    ("quote_candidates", opinion.quote_candidates),
)


# Its reads never look at what the compile wrote (it claimed the summary first).
@reads_from_replica(after_writes=True)
def build_snapshot(
    unit: OrgUnit, period: ReportingPeriod, progress: Progress | None = None
) -> dict:
    """The figures of ``unit``'s subtree for ``period``; see the module docstring.

    Compiled in a fixed number of aggregate queries: each groups by period, and
    lists are limited in the database, so nothing loads reports into Python
    beyond the few rows a list shows.
    """
    progress = progress or (lambda step, percent: None)
    scope = Scope(unit, period)
    snapshot = {
        "schema": SCHEMA_VERSION,
        "unit": {"id": unit.pk, "name": str(unit)},
        "period": period_dict(period),
        "previous_period": period_dict(scope.previous),
        "compiled_at": iso(timezone.now()),
        "lingering_days": settings.SUMMARY_LINGERING_DAYS,
    }
    for index, (name, step) in enumerate(STEPS):
        progress(name, int(100 * index / len(STEPS)))
        snapshot[name] = step(scope)
    return snapshot
