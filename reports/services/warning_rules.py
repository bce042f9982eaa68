"""The rules of early warnings, each finding the conditions that hold now.

What each rule looks for, and when it raises again, is told in
:mod:`reports.services.warnings`, which stores and sends what they find.
"""

import datetime
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from dluan.search import fold
from reports.models import (
    EarlyWarning,
    OpinionReport,
    OpinionStream,
    ReportingPeriod,
)

Kind = EarlyWarning.Kind
Status = OpinionReport.Status
COUNTED = (Status.SUBMITTED, Status.RETURNED, Status.ACCEPTED)
NEGATIVE = (OpinionStream.Direction.OPPOSE, OpinionStream.Direction.CONCERN)
# Every urgency, named so that PostgreSQL reads a date range from the queue
# indexes (status, -urgency, submitted_at) in one descent per value.
URGENCIES = OpinionReport.Urgency.values
REPORT_IDS_CAP = 50
TEXT_CHARS = 300
Through = OpinionReport.topics.through


@dataclass
class Candidate:
    """A condition found by a rule, before it is stored."""

    kind: str
    key: str
    title: str
    units: set[int]
    figures: dict
    report_ids: list[int] = field(default_factory=list)
    topic_id: int | None = None
    area_id: int | None = None
    issue_id: int | None = None
    period_id: int | None = None


def _doublings(value: float, threshold: float) -> int:
    """0 from the threshold, 1 from twice it, 2 from four times it…"""
    if threshold <= 0 or value < threshold:
        return 0
    return math.floor(math.log2(value / threshold) + 1e-9)


def _counted(periods) -> "OpinionReport.objects":
    return OpinionReport.objects.filter(period__in=periods, status__in=COUNTED)


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


# --- Rule 1 ----------------------------------------------------------------------


def _jumps(current, baseline) -> list[Candidate]:
    """Rule 1 for topics and areas, from grouped counts of four periods."""
    periods = [current, *baseline]
    reports = _counted(periods)
    # Reports per (topic, period, unit) and (area, period, unit): the queue's
    # period index, the through table and nothing else.
    by_topic = (
        Through.objects.filter(opinionreport__in=reports.values("pk"))
        .values_list("topic_id", "opinionreport__period_id", "opinionreport__unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_area = (
        reports.exclude(area=None)
        .values_list("area_id", "period_id", "unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # Streams per (topic, period) and (area, period): all and negative.
    streams = OpinionStream.objects.filter(
        report__period__in=periods, report__status__in=COUNTED
    ).exclude(direction="")
    negative = Count("pk", filter=Q(direction__in=NEGATIVE))
    topic_streams = (
        streams.values_list("report__topics", "report__period_id")
        .annotate(total=Count("pk"), negative=negative)
        .order_by()
    )
    area_streams = (
        streams.exclude(report__area=None)
        .values_list("report__area_id", "report__period_id")
        .annotate(total=Count("pk"), negative=negative)
        .order_by()
    )
    found = []
    for subject, counts, stream_counts in (
        ("topic", by_topic, topic_streams),
        ("area", by_area, area_streams),
    ):
        found += _judge(subject, current, baseline, counts, stream_counts)
    return found


def _judge(subject, current, baseline, counts, stream_counts) -> list[Candidate]:
    now_count: dict[int, int] = defaultdict(int)
    past_count: dict[int, int] = defaultdict(int)
    units: dict[int, set[int]] = defaultdict(set)
    for pk, period_id, unit_id, n in counts:
        if pk is None:
            continue
        if period_id == current.pk:
            now_count[pk] += n
            units[pk].add(unit_id)
        else:
            past_count[pk] += n
    streams_now: dict[int, tuple[int, int]] = {}
    streams_past: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for pk, period_id, total, negative in stream_counts:
        if pk is None:
            continue
        if period_id == current.pk:
            streams_now[pk] = (total, negative)
        else:
            streams_past[pk][0] += total
            streams_past[pk][1] += negative
    minimum = settings.WARNING_MIN_REPORTS
    ratio = settings.WARNING_VOLUME_RATIO
    step = settings.WARNING_NEGATIVE_SHARE_POINTS
    periods = len(baseline)
    found = []
    for pk, count in now_count.items():
        if count < minimum:
            continue
        average = past_count[pk] / periods if periods else 0.0
        threshold = max(minimum, ratio * average)
        where = f"{subject}:{pk}:period:{current.pk}"
        common = {
            "topic_id" if subject == "topic" else "area_id": pk,
            "period_id": current.pk,
            "units": units[pk],
        }
        if count >= threshold:
            found.append(
                Candidate(
                    kind=Kind.VOLUME_JUMP,
                    key=f"volume_jump:{where}:x{_doublings(count, threshold)}",
                    title="",
                    figures={
                        "reports": count,
                        "baseline": round(average, 1),
                        "baseline_periods": periods,
                        "ratio": round(count / average, 1) if average else None,
                    },
                    **common,
                )
            )
        total, negative = streams_now.get(pk, (0, 0))
        past_total, past_negative = streams_past[pk]
        share, past_share = (
            _percent(negative, total),
            _percent(past_negative, past_total),
        )
        jump = share - past_share
        if total and jump >= step:
            found.append(
                Candidate(
                    kind=Kind.NEGATIVE_JUMP,
                    key=f"negative_jump:{where}:x{int((jump - step) // step)}",
                    title="",
                    figures={
                        "reports": count,
                        "streams": total,
                        "negative_streams": negative,
                        "share": share,
                        "baseline_share": past_share,
                        "baseline_streams": past_total,
                        "points": round(jump, 1),
                    },
                    **common,
                )
            )
    return found


def _jump_report_ids(candidate: Candidate) -> list[int]:
    reports = OpinionReport.objects.filter(
        period_id=candidate.period_id, status__in=COUNTED
    )
    if candidate.topic_id:
        reports = reports.filter(topics=candidate.topic_id)
    else:
        reports = reports.filter(area_id=candidate.area_id)
    return list(reports.order_by("-pk").values_list("pk", flat=True)[:REPORT_IDS_CAP])


# --- Rule 2 ----------------------------------------------------------------------


def _recent(now: datetime.datetime, days: int):
    return OpinionReport.objects.filter(
        status__in=COUNTED,
        urgency__in=URGENCIES,
        submitted_at__gte=now - datetime.timedelta(days=days),
        submitted_at__lte=now,
    )


def _spread(now, current) -> list[Candidate]:
    days = settings.WARNING_SPREAD_DAYS
    recent = _recent(now, days)
    rows = list(
        recent.annotate(commune=Coalesce("area_id", "unit_id"))
        .values_list("pk", "issue_id", "commune", "unit_id")
        .order_by("-pk")
    )
    topics = defaultdict(set)
    for report_id, topic_id in Through.objects.filter(
        opinionreport__in=recent.values("pk")
    ).values_list("opinionreport_id", "topic_id"):
        topics[report_id].add(topic_id)
    groups: dict[tuple[str, int], list[tuple]] = defaultdict(list)
    for row in rows:
        if row[1]:
            groups[("issue", row[1])].append(row)
        for topic_id in topics[row[0]]:
            groups[("topic", topic_id)].append(row)
    minimum = settings.WARNING_SPREAD_COMMUNES
    found = []
    for (subject, pk), members in groups.items():
        communes = {row[2] for row in members}
        if len(communes) < minimum:
            continue
        level = _doublings(len(communes), minimum)
        if subject == "issue":
            key = f"spread:issue:{pk}:x{level}"
        else:
            key = f"spread:topic:{pk}:period:{current.pk if current else 0}:x{level}"
        found.append(
            Candidate(
                kind=Kind.SPREAD,
                key=key,
                title="",
                units={row[3] for row in members},
                figures={
                    "communes": len(communes),
                    "reports": len(members),
                    "days": days,
                },
                report_ids=[row[0] for row in members[:REPORT_IDS_CAP]],
                issue_id=pk if subject == "issue" else None,
                topic_id=pk if subject == "topic" else None,
                period_id=current.pk if current and subject == "topic" else None,
            )
        )
    return found


# --- Rule 3 ----------------------------------------------------------------------

SIMILAR_PAIRS_SQL = """
WITH candidate AS (
    SELECT id, COALESCE(area_id, unit_id) AS commune,
           left(search_text, %(chars)s) AS text
    FROM reports_opinionreport
    WHERE issue_id IS NULL AND status IN %(statuses)s
      AND urgency = ANY(%(urgencies)s)
      AND submitted_at >= %(since)s AND submitted_at <= %(now)s
    ORDER BY submitted_at DESC, id DESC
    LIMIT %(limit)s
)
SELECT a.id, b.id, round(similarity(a.text, b.text)::numeric, 2)
FROM candidate a JOIN candidate b
  ON a.id < b.id AND a.commune <> b.commune
 AND similarity(a.text, b.text) >= %(threshold)s
ORDER BY 3 DESC
LIMIT %(pairs)s
"""


def similar_pairs(*, now: datetime.datetime) -> list[tuple[int, int]]:
    """Pairs of unlinked recent reports from different communes that look alike."""
    since = now - datetime.timedelta(days=settings.WARNING_SPREAD_DAYS)
    limit = settings.WARNING_SIMILAR_CANDIDATES
    statuses = (Status.SUBMITTED, Status.ACCEPTED)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                SIMILAR_PAIRS_SQL,
                {
                    "chars": TEXT_CHARS,
                    "statuses": tuple(str(s) for s in statuses),
                    "urgencies": list(URGENCIES),
                    "since": since,
                    "now": now,
                    "limit": limit,
                    "threshold": settings.WARNING_SIMILARITY,
                    "pairs": limit * 2,
                },
            )
            return [(a, b) for a, b, _score in cursor.fetchall()]
    # SQLite: the same first three folded title words.
    rows = (
        OpinionReport.objects.filter(
            issue=None,
            status__in=statuses,
            submitted_at__gte=since,
            submitted_at__lte=now,
        )
        .annotate(commune=Coalesce("area_id", "unit_id"))
        .order_by("-submitted_at", "-pk")
        .values_list("pk", "commune", "title")[:limit]
    )
    by_words = defaultdict(list)
    for pk, commune, title in rows:
        words = fold(title).split()[:3]
        if len(words) == 3:
            by_words[tuple(words)].append((pk, commune))
    pairs = []
    for members in by_words.values():
        for index, (a, commune_a) in enumerate(members):
            for b, commune_b in members[index + 1 :]:
                if commune_a != commune_b:
                    pairs.append((min(a, b), max(a, b)))
    return pairs


def _groups(pairs) -> list[list[int]]:
    parent: dict[int, int] = {}

    def root(pk):
        while parent.setdefault(pk, pk) != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    for a, b in pairs:
        parent[root(a)] = root(b)
    groups = defaultdict(list)
    for pk in list(parent):
        groups[root(pk)].append(pk)
    return [sorted(members) for members in groups.values()]


def _similar(now) -> list[Candidate]:
    groups = _groups(similar_pairs(now=now))
    if not groups:
        return []
    ids = [pk for members in groups for pk in members]
    info = {
        pk: (commune, unit_id, title)
        for pk, commune, unit_id, title in OpinionReport.objects.filter(pk__in=ids)
        .annotate(commune=Coalesce("area_id", "unit_id"))
        .values_list("pk", "commune", "unit_id", "title")
    }
    found = []
    for members in groups:
        communes = {info[pk][0] for pk in members}
        if len(communes) < 2:
            continue
        found.append(
            Candidate(
                kind=Kind.SIMILAR,
                key=f"similar:report:{members[0]}:x{_doublings(len(members), 2)}",
                title=info[members[0]][2],
                units={info[pk][1] for pk in members},
                figures={
                    "reports": len(members),
                    "communes": len(communes),
                    "similarity": settings.WARNING_SIMILARITY,
                },
                report_ids=members[:REPORT_IDS_CAP],
            )
        )
    return found


# --- Rule 4 ----------------------------------------------------------------------


def _silent(current, earlier_periods) -> list[Candidate]:
    silent_count = settings.WARNING_SILENT_PERIODS
    silent, before = earlier_periods[:silent_count], earlier_periods[silent_count:]
    if len(silent) < silent_count or not before:
        return []
    reported = defaultdict(set)
    rows = (
        _counted([current, *earlier_periods])
        .values_list("unit_id", "period_id")
        .distinct()
        .order_by()
    )
    for unit_id, period_id in rows:
        reported[unit_id].add(period_id)
    quiet_ids = {current.pk, *(p.pk for p in silent)}
    found = []
    for unit_id, period_ids in reported.items():
        if period_ids & quiet_ids:
            continue
        last = next(p for p in before if p.pk in period_ids)
        found.append(
            Candidate(
                kind=Kind.SILENT_AREA,
                key=f"silent_area:unit:{unit_id}:after:{last.pk}",
                title="",
                units={unit_id},
                figures={
                    "periods": silent_count,
                    "last_period": str(last),
                },
                area_id=unit_id,
                period_id=last.pk,
            )
        )
    return found


def _silent_report_ids(candidate: Candidate) -> list[int]:
    return list(
        OpinionReport.objects.filter(
            unit_id=candidate.area_id,
            period_id=candidate.period_id,
            status__in=COUNTED,
        )
        .order_by("-pk")
        .values_list("pk", flat=True)[:REPORT_IDS_CAP]
    )


# --- Rule 5 ----------------------------------------------------------------------


def _urgent(now) -> list[Candidate]:
    hours = settings.WARNING_URGENT_HOURS
    rows = (
        OpinionReport.objects.filter(
            status=Status.SUBMITTED,
            urgency__in=URGENCIES,
            submitted_at__lt=now - datetime.timedelta(hours=hours),
            submitted_at__gte=now
            - datetime.timedelta(days=settings.WARNING_URGENT_LOOKBACK_DAYS),
        )
        .filter(Q(urgency__gt=1) | Q(kind=OpinionReport.Kind.URGENT))
        .order_by("submitted_at", "pk")
        .values_list("pk", "unit_id", "title", "submitted_at")
    )
    return [
        Candidate(
            kind=Kind.URGENT_WAITING,
            key=f"urgent_waiting:report:{pk}",
            title=title,
            units={unit_id},
            figures={
                "hours": int((now - submitted).total_seconds() // 3600),
                "limit_hours": hours,
            },
            report_ids=[pk],
        )
        for pk, unit_id, title, submitted in rows
    ]


def warning_candidates(*, today=None, now=None) -> list[Candidate]:
    """Every condition holding now (rules 1 to 5), not yet stored."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    current = ReportingPeriod.objects.containing(today)
    found = []
    if current is not None:
        count = settings.WARNING_BASELINE_PERIODS + settings.WARNING_SILENT_PERIODS
        earlier = list(
            ReportingPeriod.objects.filter(start__lt=current.start).order_by("-start")[
                :count
            ]
        )
        baseline = earlier[: settings.WARNING_BASELINE_PERIODS]
        found += _jumps(current, baseline)
        found += _silent(current, earlier)
    found += _spread(now, current)
    found += _similar(now)
    found += _urgent(now)
    return found


def report_ids_of(candidate: Candidate) -> list[int]:
    """The reports behind a candidate whose rule did not list them (rules 1 and 4)."""
    if candidate.report_ids:
        return candidate.report_ids[:REPORT_IDS_CAP]
    if candidate.kind == Kind.SILENT_AREA:
        return _silent_report_ids(candidate)
    return _jump_report_ids(candidate)
