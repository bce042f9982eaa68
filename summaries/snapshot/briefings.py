"""Briefing meetings and their attendance, early warnings, and the approved
summaries of the sub-units."""

from collections import defaultdict

from django.db.models import Count, Q

from meetings.models import Attendance, Meeting
from reports.models import EarlyWarning
from summaries.models import Summary
from summaries.snapshot.scope import LIST_ITEMS, Scope, day_bounds, iso, share


def meetings(scope: Scope) -> dict:
    meetings = Meeting.objects.filter(
        unit_id__in=scope.ids, status=Meeting.Status.HELD
    ).order_by()
    held = {}
    for item in scope.periods:
        start, end = day_bounds(item)
        held[f"held_{item.pk}"] = Count(
            "id", filter=Q(starts_at__gte=start, starts_at__lt=end)
        )
    held = meetings.aggregate(**held)
    attendance = defaultdict(lambda: defaultdict(int))
    for item in scope.periods:
        start, end = day_bounds(item)
        for row in (
            Attendance.objects.filter(
                meeting__in=meetings.filter(starts_at__gte=start, starts_at__lt=end)
            )
            .order_by()
            .values("status")
            .annotate(count=Count("id"))
        ):
            attendance[item.pk][row["status"]] += row["count"]
    period = scope.period
    start, end = day_bounds(period)
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
        return share(counts.get(present, 0), recorded)

    now = attendance.get(period.pk, {})
    return {
        "held": scope.keyed_figure(held, "held"),
        "invited": sum(now.values()),
        "present": now.get(present, 0),
        "excused": now.get(excused, 0),
        "absent": now.get(absent, 0),
        "attendance_rate": {
            "value": rate(now),
            "previous": rate(attendance.get(scope.previous.pk, {}))
            if scope.previous
            else None,
        },
        "items": [
            {
                "id": meeting.pk,
                "title": meeting.title,
                "unit": meeting.unit.name,
                "starts_at": iso(meeting.starts_at),
                "present": meeting.present,
                "excused": meeting.excused,
                "absent": meeting.absent,
            }
            for meeting in items
        ],
    }


def warnings(scope: Scope) -> dict:
    warnings = EarlyWarning.objects.filter(unit_id__in=scope.ids).order_by()
    period = scope.period
    start, end = day_bounds(period)
    now = warnings.filter(raised_at__gte=start, raised_at__lt=end)
    by_kind = {
        row["kind"]: row["count"]
        for row in now.values("kind").annotate(count=Count("id"))
    }
    previous = None
    if scope.previous:
        before_start, before_end = day_bounds(scope.previous)
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
                "raised_at": iso(warning.raised_at),
            }
            for warning in now.select_related("unit").order_by("-raised_at", "-pk")[
                :LIST_ITEMS
            ]
        ],
    }


def sub_summaries(scope: Scope) -> list[dict]:
    latest = {}
    for summary in (
        Summary.objects.approved()
        .filter(period=scope.period, unit__parent=scope.unit)
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
                "approved_at": iso(summary.approved_at),
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
