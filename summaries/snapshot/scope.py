"""What every part of the snapshot starts from: the unit's subtree and its periods.

A :class:`Scope` holds the period, the one before it and the subtree's unit ids;
its querysets group by period, so the previous period's figures come from the same
statement. The helpers write values the way the snapshot stores them (ISO dates,
per cent with one decimal, figures).
"""

import datetime

from django.utils import timezone

from dluan.models import OrgUnit
from dluan.scoping import subtree_ids
from reports.models import OpinionReport, OpinionStream, ReportingPeriod

# The reports a summary counts: filed and not withdrawn (drafts and archived
# reports are not).
REPORTED_STATUSES = ("submitted", "returned", "accepted")
NEGATIVE_DIRECTIONS = ("oppose", "concern")
DIRECTIONS = ("support", "oppose", "concern", "unclear")
LIST_ITEMS = 10


def iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def period_dict(period) -> dict | None:
    if period is None:
        return None
    return {
        "id": period.pk,
        "start": iso(period.start),
        "end": iso(period.end),
        "deadline": iso(period.deadline),
    }


def share(part, whole) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def figure(current: dict, previous: dict | None, key: str) -> dict:
    return {
        "value": current.get(key, 0) or 0,
        "previous": None if previous is None else (previous.get(key, 0) or 0),
    }


def share_figure(current: dict, previous: dict | None, part: str, whole: str) -> dict:
    """A figure of ``part`` as a share of ``whole``, for the period and the one before."""
    return {
        "value": share(current.get(part, 0), current.get(whole, 0)),
        "previous": None
        if previous is None
        else share(previous.get(part, 0), previous.get(whole, 0)),
    }


def day_bounds(period) -> tuple[datetime.datetime, datetime.datetime]:
    """The period as aware date-times [start, end + 1 day) in local time."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(period.start, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        period.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


class Scope:
    """A unit's subtree, its period and the period before, and what they count."""

    def __init__(self, unit: OrgUnit, period: ReportingPeriod):
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

    def reports(self):
        return OpinionReport.objects.filter(
            period_id__in=self.period_ids,
            unit_id__in=self.ids,
            status__in=REPORTED_STATUSES,
        ).order_by()

    def streams(self, period_ids=None):
        return OpinionStream.objects.filter(
            report__period_id__in=period_ids or self.period_ids,
            report__unit_id__in=self.ids,
            report__status__in=REPORTED_STATUSES,
        ).order_by()

    def keyed_figure(self, counts: dict, name: str) -> dict:
        """The figure of an aggregate that counts ``<name>_<period id>`` per period."""
        return {
            "value": counts[f"{name}_{self.period.pk}"],
            "previous": counts[f"{name}_{self.previous.pk}"] if self.previous else None,
        }

    def split(self, rows: dict) -> tuple[dict, dict | None]:
        current = rows.get(self.period.pk, {})
        previous = rows.get(self.previous.pk, {}) if self.previous else None
        return current, previous
