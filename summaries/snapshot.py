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
    quote_candidates: [{stream_id, report_id, title, text, direction, breadth,
                        intensity, area, social_groups: [codes], author}]

``Summary.quotes`` holds the quotes staff picked: each a quote candidate, or a
proposal (``{kind: "proposal", report_id, title, text, area, author}``), with
``kind`` ``"stream"`` or ``"proposal"``.
"""

import datetime
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from dluan.models import OrgUnit
from dluan.scoping import subtree_ids
from meetings.models import Attendance, Meeting
from reports.models import (
    EarlyWarning,
    FollowUp,
    Issue,
    OpinionReport,
    OpinionStream,
    ReportingPeriod,
    ReportingRecord,
    ReportingTally,
    Topic,
)

SCHEMA_VERSION = 1

# The reports a summary counts: filed and not withdrawn (drafts and archived
# reports are not).
REPORTED_STATUSES = ("submitted", "returned", "accepted")
NEGATIVE_DIRECTIONS = ("oppose", "concern")

QUOTE_CANDIDATES = 30
PROPOSALS = 10
LIST_ITEMS = 10
# Below this many streams an issue's share of opposed or worried opinion says
# little (one stream of one makes 100 %): it does not enter that top list.
MIN_STREAMS_FOR_SHARE = 3
DIRECTIONS = ("support", "oppose", "concern", "unclear")

Progress = Callable[[str, int], None]


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _period_dict(period) -> dict | None:
    if period is None:
        return None
    return {
        "id": period.pk,
        "start": _iso(period.start),
        "end": _iso(period.end),
        "deadline": _iso(period.deadline),
    }


def _share(part, whole) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _fig(current: dict, previous: dict | None, key: str) -> dict:
    return {
        "value": current.get(key, 0) or 0,
        "previous": None if previous is None else (previous.get(key, 0) or 0),
    }


def _day_bounds(period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as aware date-times [start, end + 1 day) in local time."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


class SnapshotBuilder:
    """Compiles a unit's period in a fixed number of aggregate queries.

    Each query groups by period, so the previous period's figures come from the
    same statement; lists are limited in the database. Nothing loads reports
    into Python beyond the few rows a list shows.
    """

    def __init__(self, unit: OrgUnit, period: ReportingPeriod, progress=None):
        self.unit = unit
        self.period = period
        self.previous = (
            ReportingPeriod.objects.filter(start__lt=period.start)
            .order_by("-start")
            .first()
        )
        self.periods = [p for p in (period, self.previous) if p is not None]
        self.period_ids = [p.pk for p in self.periods]
        self.ids = subtree_ids(unit)
        self.progress = progress or (lambda step, percent: None)

    # -- helpers --

    def _reports(self):
        return OpinionReport.objects.filter(
            period_id__in=self.period_ids,
            unit_id__in=self.ids,
            status__in=REPORTED_STATUSES,
        ).order_by()

    def _streams(self, period_ids=None):
        return OpinionStream.objects.filter(
            report__period_id__in=period_ids or self.period_ids,
            report__unit_id__in=self.ids,
            report__status__in=REPORTED_STATUSES,
        ).order_by()

    def _split(self, rows: dict) -> tuple[dict, dict | None]:
        current = rows.get(self.period.pk, {})
        previous = rows.get(self.previous.pk, {}) if self.previous else None
        return current, previous

    # -- sections --

    def build(self) -> dict:
        steps = [
            ("reports", self.reports),
            ("directions", self.directions),
            ("discipline", self.discipline),
            ("topics", self.topics),
            ("issues", self.issues),
            ("follow_ups", self.follow_ups),
            ("proposals", self.proposals),
            ("meetings", self.meetings),
            ("warnings", self.warnings),
            ("sub_summaries", self.sub_summaries),
            ("quote_candidates", self.quote_candidates),
        ]
        snapshot = {
            "schema": SCHEMA_VERSION,
            "unit": {"id": self.unit.pk, "name": str(self.unit)},
            "period": _period_dict(self.period),
            "previous_period": _period_dict(self.previous),
            "compiled_at": _iso(timezone.now()),
            "lingering_days": settings.SUMMARY_LINGERING_DAYS,
        }
        for index, (name, step) in enumerate(steps):
            self.progress(name, int(100 * index / len(steps)))
            snapshot[name] = step()
        return snapshot

    def reports(self) -> dict:
        supportive = OpinionStream.objects.filter(
            report=OuterRef("pk"), direction=OpinionStream.Direction.SUPPORT
        )
        other = OpinionStream.objects.filter(report=OuterRef("pk")).exclude(
            direction=OpinionStream.Direction.SUPPORT
        )
        rows = {
            row.pop("period_id"): row
            for row in self._reports()
            .values("period_id")
            .annotate(
                total=Count("id"),
                periodic=Count("id", filter=Q(kind=OpinionReport.Kind.PERIODIC)),
                urgent=Count("id", filter=Q(kind=OpinionReport.Kind.URGENT)),
                accepted=Count("id", filter=Q(status=OpinionReport.Status.ACCEPTED)),
                rumour=Count("id", filter=Q(is_rumour=True)),
                with_proposals=Count("id", filter=~Q(proposals="")),
                one_sided=Count(
                    "id",
                    filter=Q(proposals="") & Q(Exists(supportive)) & ~Q(Exists(other)),
                ),
            )
        }
        current, previous = self._split(rows)
        result = {
            key: _fig(current, previous, key)
            for key in (
                "total",
                "periodic",
                "urgent",
                "accepted",
                "rumour",
                "with_proposals",
                "one_sided",
            )
        }
        result["one_sided_share"] = {
            "value": _share(current.get("one_sided", 0), current.get("total", 0)),
            "previous": None
            if previous is None
            else _share(previous.get("one_sided", 0), previous.get("total", 0)),
        }
        return result

    def directions(self) -> dict:
        rows = defaultdict(dict)
        for row in (
            self._streams()
            .values("report__period_id", "direction")
            .annotate(count=Count("id"))
        ):
            rows[row["report__period_id"]][row["direction"] or "unclear"] = (
                rows[row["report__period_id"]].get(row["direction"] or "unclear", 0)
                + row["count"]
            )
        for counts in rows.values():
            counts["total"] = sum(counts.get(d, 0) for d in DIRECTIONS)
            counts["negative"] = sum(counts.get(d, 0) for d in NEGATIVE_DIRECTIONS)
        current, previous = self._split(rows)
        result = {key: _fig(current, previous, key) for key in (*DIRECTIONS, "total")}
        result["negative_share"] = {
            "value": _share(current.get("negative", 0), current.get("total", 0)),
            "previous": None
            if previous is None
            else _share(previous.get("negative", 0), previous.get("total", 0)),
        }
        return result

    def discipline(self) -> dict:
        units = list(
            OrgUnit.objects.filter(pk__in=self.ids)
            .order_by("path")
            .only("pk", "name", "path", "parent_id", "depth")
        )
        sums = {
            state: Sum("count", filter=Q(state=state))
            for state in ReportingRecord.State.values
        }
        counts = defaultdict(dict)
        for row in (
            ReportingTally.objects.filter(
                period_id__in=self.period_ids, unit_id__in=self.ids
            )
            .order_by()
            .values("period_id", "unit_id")
            .annotate(**sums)
        ):
            counts[row.pop("period_id")][row.pop("unit_id")] = {
                key: value or 0 for key, value in row.items()
            }
        children = [u for u in units if u.parent_id == self.unit.pk]
        child_by_path = {child.path: child for child in children}
        depth = self.unit.depth + 1

        def child_of(member):
            if member.depth < depth:
                return None
            path = "/" + "/".join(member.path.strip("/").split("/")[: depth + 1]) + "/"
            return child_by_path.get(path)

        def rolled(period_id) -> tuple[dict, dict, dict]:
            own, total = defaultdict(int), defaultdict(int)
            per_child = defaultdict(lambda: defaultdict(int))
            for member in units:
                row = counts.get(period_id, {}).get(member.pk)
                if not row:
                    continue
                for state, value in row.items():
                    total[state] += value
                    if member.pk == self.unit.pk:
                        own[state] += value
                    else:
                        child = child_of(member)
                        if child is not None:
                            per_child[child.pk][state] += value
            return own, total, per_child

        now_own, now_total, now_children = rolled(self.period.pk)
        if self.previous:
            before_own, before_total, before_children = rolled(self.previous.pk)
        else:
            before_own = before_total = before_children = None

        def rates(row, before=None) -> dict:
            expected = sum(row.get(s, 0) for s in ("on_time", "late", "missing"))
            expected += row.get("pending", 0)
            done = row.get("on_time", 0) + row.get("late", 0)
            result = {
                "expected": expected,
                "on_time": row.get("on_time", 0),
                "late": row.get("late", 0),
                "missing": row.get("missing", 0),
                "pending": row.get("pending", 0),
                "reporting_rate": _share(done, expected),
                "on_time_rate": _share(row.get("on_time", 0), expected),
                "previous_reporting_rate": None,
                "previous_on_time_rate": None,
            }
            if before is not None:
                previous = rates(before)
                result["previous_reporting_rate"] = previous["reporting_rate"]
                result["previous_on_time_rate"] = previous["on_time_rate"]
            return result

        return {
            "own": rates(now_own, before_own),
            "total": rates(now_total, before_total),
            "children": [
                {
                    "unit_id": child.pk,
                    "name": child.name,
                    **rates(
                        now_children.get(child.pk, {}),
                        None
                        if before_children is None
                        else before_children.get(child.pk, {}),
                    ),
                }
                for child in children
            ],
        }

    def topics(self) -> list[dict]:
        parents = dict(Topic.objects.values_list("pk", "parent_id"))
        names = dict(Topic.objects.values_list("pk", "name"))

        def root(pk):
            seen = 0
            while parents.get(pk) is not None and seen < 20:
                pk, seen = parents[pk], seen + 1
            return pk

        table: dict[int, dict] = {}
        for row in (
            self._streams()
            .filter(report__topics__isnull=False)
            .values("report__period_id", "report__topics", "direction")
            .annotate(count=Count("id"))
        ):
            top = root(row["report__topics"])
            entry = table.setdefault(
                top,
                {
                    "id": top,
                    "name": names.get(top, ""),
                    **dict.fromkeys(DIRECTIONS, 0),
                    "total": 0,
                    "previous_total": 0,
                },
            )
            if row["report__period_id"] == self.period.pk:
                entry[row["direction"] or "unclear"] += row["count"]
                entry["total"] += row["count"]
            else:
                entry["previous_total"] += row["count"]
        return sorted(
            (entry for entry in table.values() if entry["total"]),
            key=lambda entry: (-entry["total"], entry["name"]),
        )

    def issues(self) -> dict:
        period = self.period
        limit = settings.SUMMARY_TOP_ISSUES
        volume = {
            row["issue_id"]: row
            for row in self._reports()
            .filter(period_id=period.pk, issue__isnull=False)
            .values("issue_id")
            .annotate(
                reports=Count("id"),
                communes=Count(Coalesce("area_id", "unit_id"), distinct=True),
            )
        }
        streams = {
            row["report__issue_id"]: row
            for row in self._streams([period.pk])
            .filter(report__issue__isnull=False)
            .values("report__issue_id")
            .annotate(
                streams=Count("id"),
                negative=Count("id", filter=Q(direction__in=NEGATIVE_DIRECTIONS)),
            )
        }
        # Issues of the subtree, counted at each period's end.
        issues = Issue.objects.filter(unit_id__in=self.ids).order_by()
        counts = {}
        for item in self.periods:
            _start, end = _day_bounds(item)
            lingering_before = item.end - datetime.timedelta(
                days=settings.SUMMARY_LINGERING_DAYS
            )
            open_at_end = Q(first_seen__lte=item.end) & (
                Q(resolved_at__isnull=True) | Q(resolved_at__gte=end)
            )
            counts[item.pk] = {
                f"open_{item.pk}": Count("id", filter=open_at_end),
                f"new_{item.pk}": Count(
                    "id", filter=Q(first_seen__gte=item.start, first_seen__lte=item.end)
                ),
                f"lingering_{item.pk}": Count(
                    "id", filter=open_at_end & Q(first_seen__lte=lingering_before)
                ),
            }
        aggregate = issues.aggregate(
            **{key: value for group in counts.values() for key, value in group.items()}
        )

        def fig(name):
            return {
                "value": aggregate[f"{name}_{period.pk}"],
                "previous": aggregate[f"{name}_{self.previous.pk}"]
                if self.previous
                else None,
            }

        _start, end = _day_bounds(period)
        lingering_before = period.end - datetime.timedelta(
            days=settings.SUMMARY_LINGERING_DAYS
        )
        new_ids = list(
            issues.filter(first_seen__gte=period.start, first_seen__lte=period.end)
            .order_by("-severity", "first_seen", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        lingering_ids = list(
            issues.filter(
                Q(first_seen__lte=lingering_before)
                & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=end))
            )
            .order_by("first_seen", "pk")
            .values_list("pk", flat=True)[:limit]
        )

        def negative_share(pk):
            row = streams.get(pk)
            return _share(row["negative"], row["streams"]) if row else None

        by_volume = sorted(volume, key=lambda pk: (-volume[pk]["reports"], pk))[:limit]
        by_share = sorted(
            (
                pk
                for pk in streams
                if streams[pk]["streams"] >= MIN_STREAMS_FOR_SHARE
                and streams[pk]["negative"]
            ),
            key=lambda pk: (-negative_share(pk), -streams[pk]["streams"], pk),
        )[:limit]
        by_communes = sorted(
            (pk for pk in volume if volume[pk]["communes"] > 1),
            key=lambda pk: (-volume[pk]["communes"], -volume[pk]["reports"], pk),
        )[:limit]
        wanted = {*by_volume, *by_share, *by_communes, *new_ids, *lingering_ids}
        details = {
            issue.pk: issue
            for issue in Issue.objects.filter(pk__in=wanted)
            .select_related("unit")
            .only(
                "pk",
                "title",
                "status",
                "severity",
                "first_seen",
                "last_seen",
                "unit__name",
            )
        }

        def row(pk):
            issue = details[pk]
            seen = volume.get(pk, {})
            said = streams.get(pk, {})
            first = issue.first_seen
            return {
                "id": pk,
                "title": issue.title,
                "unit": issue.unit.name,
                "status": issue.status,
                "severity": issue.severity,
                "reports": seen.get("reports", 0),
                "streams": said.get("streams", 0),
                "negative_streams": said.get("negative", 0),
                "negative_share": negative_share(pk),
                "communes": seen.get("communes", 0),
                "first_seen": _iso(first),
                "last_seen": _iso(issue.last_seen),
                "days_open": (period.end - first).days if first else None,
            }

        return {
            "open": fig("open"),
            "new": fig("new"),
            "lingering": fig("lingering"),
            "by_volume": [row(pk) for pk in by_volume if pk in details],
            "by_negative_share": [row(pk) for pk in by_share if pk in details],
            "by_communes": [row(pk) for pk in by_communes if pk in details],
            "new_items": [row(pk) for pk in new_ids if pk in details],
            "lingering_items": [row(pk) for pk in lingering_ids if pk in details],
        }

    def follow_ups(self) -> dict:
        followups = FollowUp.objects.filter(issue__unit_id__in=self.ids).order_by()
        aggregates = {}
        for item in self.periods:
            aggregates[f"resolved_{item.pk}"] = Count(
                "id", filter=Q(responded_on__gte=item.start, responded_on__lte=item.end)
            )
            aggregates[f"overdue_{item.pk}"] = Count(
                "id",
                filter=Q(due_date__lt=item.end)
                & (Q(responded_on__isnull=True) | Q(responded_on__gt=item.end)),
            )
        counts = followups.aggregate(**aggregates)
        period = self.period

        def fig(name):
            return {
                "value": counts[f"{name}_{period.pk}"],
                "previous": counts[f"{name}_{self.previous.pk}"]
                if self.previous
                else None,
            }

        def items(queryset):
            return [
                {
                    "id": f.pk,
                    "issue_id": f.issue_id,
                    "issue_title": f.issue.title,
                    "agency": f.agency,
                    "request": f.request,
                    "due_date": _iso(f.due_date),
                    "responded_on": _iso(f.responded_on),
                    "response": f.response,
                    "days_overdue": max(
                        ((f.responded_on or period.end) - f.due_date).days, 0
                    ),
                }
                for f in queryset.select_related("issue")[:LIST_ITEMS]
            ]

        return {
            "resolved": fig("resolved"),
            "overdue": fig("overdue"),
            "resolved_items": items(
                followups.filter(
                    responded_on__gte=period.start, responded_on__lte=period.end
                ).order_by("-responded_on", "pk")
            ),
            "overdue_items": items(
                followups.filter(
                    Q(due_date__lt=period.end)
                    & (Q(responded_on__isnull=True) | Q(responded_on__gt=period.end))
                ).order_by("due_date", "pk")
            ),
        }

    def proposals(self) -> list[dict]:
        rows = (
            self._reports()
            .filter(period_id=self.period.pk)
            .exclude(proposals="")
            .select_related("author", "area", "unit")
            .only(
                "pk",
                "title",
                "proposals",
                "urgency",
                "submitted_at",
                "author__full_name",
                "area__name",
                "unit__name",
            )
            .order_by("-urgency", "-quality_usefulness", "-submitted_at", "-pk")[
                :PROPOSALS
            ]
        )
        return [
            {
                "report_id": report.pk,
                "title": report.title,
                "text": report.proposals,
                "area": (report.area or report.unit).name,
                "author": report.author.full_name,
                "urgency": report.urgency,
                "submitted_at": _iso(report.submitted_at),
            }
            for report in rows
        ]

    def meetings(self) -> dict:
        meetings = Meeting.objects.filter(
            unit_id__in=self.ids, status=Meeting.Status.HELD
        ).order_by()
        held = {}
        for item in self.periods:
            start, end = _day_bounds(item)
            held[f"held_{item.pk}"] = Count(
                "id", filter=Q(starts_at__gte=start, starts_at__lt=end)
            )
        held = meetings.aggregate(**held)
        attendance = defaultdict(lambda: defaultdict(int))
        for item in self.periods:
            start, end = _day_bounds(item)
            for row in (
                Attendance.objects.filter(
                    meeting__in=meetings.filter(starts_at__gte=start, starts_at__lt=end)
                )
                .order_by()
                .values("status")
                .annotate(count=Count("id"))
            ):
                attendance[item.pk][row["status"]] += row["count"]
        period = self.period
        start, end = _day_bounds(period)
        present, excused, absent = (
            Attendance.Status.PRESENT,
            Attendance.Status.EXCUSED,
            Attendance.Status.ABSENT,
        )
        items = (
            meetings.filter(starts_at__gte=start, starts_at__lt=end)
            .select_related("unit")
            .annotate(
                present=Count("attendances", filter=Q(attendances__status=present)),
                excused=Count("attendances", filter=Q(attendances__status=excused)),
                absent=Count("attendances", filter=Q(attendances__status=absent)),
            )
            .order_by("-starts_at", "pk")[:LIST_ITEMS]
        )

        def rate(counts):
            recorded = sum(counts.values())
            return _share(counts.get(present, 0), recorded)

        now = attendance.get(period.pk, {})
        return {
            "held": {
                "value": held[f"held_{period.pk}"],
                "previous": held[f"held_{self.previous.pk}"] if self.previous else None,
            },
            "invited": sum(now.values()),
            "present": now.get(present, 0),
            "excused": now.get(excused, 0),
            "absent": now.get(absent, 0),
            "attendance_rate": {
                "value": rate(now),
                "previous": rate(attendance.get(self.previous.pk, {}))
                if self.previous
                else None,
            },
            "items": [
                {
                    "id": meeting.pk,
                    "title": meeting.title,
                    "unit": meeting.unit.name,
                    "starts_at": _iso(meeting.starts_at),
                    "present": meeting.present,
                    "excused": meeting.excused,
                    "absent": meeting.absent,
                }
                for meeting in items
            ],
        }

    def warnings(self) -> dict:
        warnings = EarlyWarning.objects.filter(unit_id__in=self.ids).order_by()
        period = self.period
        start, end = _day_bounds(period)
        now = warnings.filter(raised_at__gte=start, raised_at__lt=end)
        by_kind = {
            row["kind"]: row["count"]
            for row in now.values("kind").annotate(count=Count("id"))
        }
        previous = None
        if self.previous:
            before_start, before_end = _day_bounds(self.previous)
            previous = warnings.filter(
                raised_at__gte=before_start, raised_at__lt=before_end
            ).count()
        return {
            "total": {"value": sum(by_kind.values()), "previous": previous},
            "by_kind": by_kind,
            "items": [
                {
                    "id": warning.pk,
                    "kind": warning.kind,
                    "title": warning.title,
                    "unit": warning.unit.name,
                    "raised_at": _iso(warning.raised_at),
                }
                for warning in now.select_related("unit").order_by("-raised_at", "-pk")[
                    :LIST_ITEMS
                ]
            ],
        }

    def sub_summaries(self) -> list[dict]:
        from summaries.models import Summary

        latest = {}
        for summary in (
            Summary.objects.approved()
            .filter(period=self.period, unit__parent=self.unit)
            .select_related("unit")
            .order_by("unit__name", "unit_id", "-version")
        ):
            latest.setdefault(summary.unit_id, summary)
        rows = []
        for summary in latest.values():
            figures = summary.snapshot or {}
            rows.append(
                {
                    "summary_id": summary.pk,
                    "unit_id": summary.unit_id,
                    "unit": summary.unit.name,
                    "version": summary.version,
                    "approved_at": _iso(summary.approved_at),
                    "reports": figures.get("reports", {}).get("total", {}).get("value"),
                    "negative_share": figures.get("directions", {})
                    .get("negative_share", {})
                    .get("value"),
                    "reporting_rate": figures.get("discipline", {})
                    .get("total", {})
                    .get("reporting_rate"),
                }
            )
        return rows

    def quote_candidates(self) -> list[dict]:
        streams = (
            self._streams([self.period.pk])
            .filter(report__status=OpinionReport.Status.ACCEPTED, is_rumour=False)
            .select_related("report__author", "report__area", "report__unit")
            .only(
                "pk",
                "summary",
                "direction",
                "breadth",
                "intensity",
                "social_groups",
                "report__id",
                "report__title",
                "report__author__full_name",
                "report__area__name",
                "report__unit__name",
            )
            .order_by("-intensity", "-breadth", "-report__urgency", "-pk")[
                :QUOTE_CANDIDATES
            ]
        )
        return [
            {
                "stream_id": stream.pk,
                "report_id": stream.report.pk,
                "title": stream.report.title,
                "text": stream.summary,
                "direction": stream.direction,
                "breadth": stream.breadth,
                "intensity": stream.intensity,
                "area": (stream.report.area or stream.report.unit).name,
                "social_groups": list(stream.social_groups or []),
                "author": stream.report.author.full_name,
            }
            for stream in streams
        ]


def build_snapshot(unit, period, progress: Progress | None = None) -> dict:
    """The figures of ``unit``'s subtree for ``period``; see the module docstring."""
    return SnapshotBuilder(unit, period, progress).build()
