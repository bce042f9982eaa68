"""Reads for summaries: scoped lists, a page's summary, the dashboard's figures."""

import json

from django.db.models import Count, Q, Sum
from django.db.models.fields.json import KT
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dluan.figures import kept
from dluan.models import OrgUnit, User
from dluan.scoping import in_subtree
from reports.models import (
    OpinionReport,
    OpinionStream,
    ReportingPeriod,
    ReportingRecord,
    ReportingTally,
)
from summaries.models import Summary, SummaryRead
from summaries.snapshot import REPORTED_STATUSES

TREND_PERIODS = 6
TREND_TOPICS = 5


def summaries_for(user):
    """What a user may open: staff every version in their subtree, leaders the
    approved ones."""
    queryset = Summary.objects.visible_to(user)
    if not user.is_board_staff:
        queryset = queryset.approved()
    return queryset


def summary_for_page(user, pk) -> Summary:
    summary = summaries_for(user).with_related().filter(pk=pk).first()
    if summary is None:
        raise Http404
    return summary


# What a list of summaries leaves out: the figures and the text, read on the page.
LIST_DEFERRED = (
    "snapshot",
    "quotes",
    "general_situation",
    "prominent_opinion",
    "forecast",
    "recommendations",
    "recipients",
    "error",
)


def summary_list(user, *, period=None, unit=None):
    queryset = summaries_for(user).with_related().defer(*LIST_DEFERRED)
    if period is not None:
        queryset = queryset.filter(period=period)
    if unit is not None:
        queryset = queryset.filter(unit=unit)
    return queryset.order_by("-period__start", "unit__path", "-version")


def versions_of(user, summary: Summary) -> list[Summary]:
    return list(
        summaries_for(user)
        .filter(unit_id=summary.unit_id, period_id=summary.period_id)
        .select_related("approved_by")
        .defer(*LIST_DEFERRED)
        .order_by("-version")
    )


def readers(summary: Summary) -> list[dict]:
    """The unit's leaders, each with when they confirmed reading (or None), and
    anyone else who confirmed."""
    reads = {
        read.user_id: read
        for read in SummaryRead.objects.filter(summary=summary).select_related("user")
    }
    leaders = list(
        User.objects.filter(
            role=User.Role.LEADER, is_active=True, org_unit_id=summary.unit_id
        ).order_by("full_name", "username")
    )
    rows = [{"user": leader, "read": reads.pop(leader.pk, None)} for leader in leaders]
    rows.extend({"user": read.user, "read": read} for read in reads.values())
    return rows


def compile_units(user) -> list[OrgUnit]:
    """Units a staff member may compile for: their own and the units just below."""
    if user.is_superuser and user.org_unit_id is None:
        return list(OrgUnit.objects.filter(parent__isnull=True).order_by("name"))
    if user.org_unit_id is None:
        return []
    unit = user.org_unit
    return [unit, *OrgUnit.objects.filter(parent=unit).order_by("name")]


def compile_periods(today=None):
    today = today or timezone.localdate()
    return ReportingPeriod.objects.filter(start__lte=today).order_by("-start")


# --- The dashboard on the staff's and leaders' home pages --------------------------


def _latest_per_period(queryset) -> dict:
    """The newest compiled version of each period: approved before draft."""
    chosen = {}
    for row in queryset.order_by("period_id", "-version"):
        best = chosen.get(row["period_id"])
        if best is None or (
            row["status"] == Summary.Status.APPROVED
            and best["status"] != Summary.Status.APPROVED
        ):
            chosen[row["period_id"]] = row
    return chosen


def dashboard(user) -> dict | None:
    """The unit's latest summary, the current period's figures and the trend.

    A handful of queries whatever the size of the unit: the current figures are
    counted from the reports' period index and the discipline tallies; the trend
    reads figures out of the last six snapshots, not the reports behind them.
    """
    unit = user.org_unit
    if unit is None:
        return None
    today = timezone.localdate()
    mine = summaries_for(user).filter(unit=unit)
    # The trend changes when a summary is compiled or approved: it is kept like
    # the other home figures, for the unit and for what its role may open (staff
    # every version, leaders the approved), in the page's language (its labels).
    periods, trend = kept(
        "trend",
        (unit.pk, user.is_board_staff, today, get_language()),
        lambda: _periods_and_trend(mine, today),
    )
    # Periods do not overlap: the current one, if any, is the latest begun.
    current = periods[-1] if periods and periods[-1].end >= today else None
    # The panel shows the version, its status and its PDF: only those are read.
    latest = (
        mine.select_related("period")
        .only(
            "period__start",
            "period__end",
            "version",
            "status",
            "requested_at",
            "started_at",
            "pdf",
            "revision",
            "rendered_revision",
        )
        .order_by("-period__start", "-version")
        .first()
    )
    figures = (
        kept("period", (unit.pk, current.pk), lambda: _current_figures(unit, current))
        if current
        else None
    )
    return {
        "unit": unit,
        "latest": latest,
        "current": current,
        "figures": figures,
        "trend": trend,
    }


def _periods_and_trend(summaries, today) -> tuple[list, dict]:
    """The last periods begun by ``today``, oldest first, and their trend."""
    periods = list(
        ReportingPeriod.objects.filter(start__lte=today).order_by("-start")[
            :TREND_PERIODS
        ]
    )[::-1]
    return periods, _trend(summaries, periods)


def _current_figures(unit, period) -> dict:
    scope = in_subtree("unit_id", unit)
    # One pass over the period's index entries (it holds unit, status and kind).
    rows = (
        OpinionReport.objects.filter(scope, period=period)
        .order_by()
        .values_list("status")
        .annotate(
            count=Count("id"),
            urgent=Count("id", filter=Q(kind=OpinionReport.Kind.URGENT)),
        )
    )
    by_status, urgent = {}, 0
    for status, count, urgent_count in rows:
        by_status[status] = count
        if status in REPORTED_STATUSES:
            urgent += urgent_count
    tallies = ReportingTally.objects.filter(scope, period=period).aggregate(
        **{
            state: Sum("count", filter=Q(state=state))
            for state in ReportingRecord.State.values
        }
    )
    expected = sum(
        tallies.get(s) or 0 for s in ("on_time", "late", "missing", "pending")
    )
    done = (tallies.get("on_time") or 0) + (tallies.get("late") or 0)
    return {
        "reported": sum(by_status.get(s, 0) for s in REPORTED_STATUSES),
        "waiting": by_status.get(OpinionReport.Status.SUBMITTED, 0),
        "returned": by_status.get(OpinionReport.Status.RETURNED, 0),
        "accepted": by_status.get(OpinionReport.Status.ACCEPTED, 0),
        "urgent": urgent,
        "reporting_rate": round(100 * done / expected, 1) if expected else None,
        "expected": expected,
        "done": done,
    }


def _trend(summaries, periods) -> dict:
    """Directions, topics and the reporting rate of the last periods' snapshots."""
    rows = _latest_per_period(
        summaries.compiled()
        .filter(period__in=periods)
        .values("period_id", "version", "status")
        .annotate(
            directions=KT("snapshot__directions"),
            topics=KT("snapshot__topics"),
            discipline=KT("snapshot__discipline__total"),
        )
    )
    labels, by_direction, rates, topic_totals, topic_ids = [], {}, [], {}, {}
    table = []
    directions = [code for code, _label in OpinionStream.Direction.choices]
    for direction in directions:
        by_direction[direction] = []
    topic_rows = []
    for period in periods:
        label = f"{period.start:%m/%Y}"
        labels.append(label)
        row = rows.get(period.pk)
        parsed = {}
        if row is not None:
            for key in ("directions", "topics", "discipline"):
                value = row[key]
                parsed[key] = json.loads(value) if isinstance(value, str) else value
        counts = {}
        for direction in directions:
            figure = (parsed.get("directions") or {}).get(direction) or {}
            value = figure.get("value") if row is not None else None
            by_direction[direction].append(value)
            counts[direction] = value
        rate = (parsed.get("discipline") or {}).get("reporting_rate")
        rates.append(rate)
        topics = {t["name"]: t["total"] for t in (parsed.get("topics") or [])}
        topic_ids.update({t["name"]: t["id"] for t in (parsed.get("topics") or [])})
        topic_rows.append(topics)
        for name, total in topics.items():
            topic_totals[name] = topic_totals.get(name, 0) + total
        table.append(
            {
                "period": period,
                "label": label,
                "compiled": row is not None,
                "directions": counts,
                "reporting_rate": rate,
            }
        )
    top_topics = sorted(topic_totals, key=lambda name: -topic_totals[name])[
        :TREND_TOPICS
    ]
    labels_of = dict(OpinionStream.Direction.choices)
    return {
        "has_data": bool(rows),
        "table": table,
        "topics": top_topics,
        "topic_table": [
            {
                "label": row["label"],
                "period": row["period"],
                "cells": [
                    (
                        topic_ids.get(name),
                        topics.get(name, 0) if row["compiled"] else None,
                    )
                    for name in top_topics
                ],
            }
            for row, topics in zip(table, topic_rows, strict=True)
        ],
        "chart": {
            "labels": labels,
            "directions": [
                {"key": code, "label": str(labels_of[code]), "data": by_direction[code]}
                for code in directions
            ],
            "topics": [
                {
                    "label": name,
                    "data": [
                        topics.get(name, 0) if table[index]["compiled"] else None
                        for index, topics in enumerate(topic_rows)
                    ],
                }
                for name in top_topics
            ],
            "rates": {"label": _("Reporting rate (%)"), "data": rates},
        },
    }
