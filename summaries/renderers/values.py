"""The snapshot's values read back: its ISO dates, its numbers, its codes.

The snapshot (:mod:`summaries.snapshot`) stores dates as ISO strings, date-times
as ISO strings with their offset, figures as ``{"value", "previous"}`` and
choices as codes. The brief, its charts and the workbook all read them through
here, so a date, a number, a change or a label reads the same in the PDF, the Word
file and the sheet.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings

# The brief, its charts and the workbook read every number through here too.
from dluan.document.numbers import number, percent  # noqa: F401

DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"


def _local(moment: datetime.datetime) -> datetime.datetime:
    # The board's time, whatever the worker's: a report sent at 23:30 in Huế is
    # that day's.
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE))


def parse(iso: str | None) -> datetime.date | datetime.datetime | None:
    """An ISO date as a date, an ISO date-time as a local date-time."""
    if not iso:
        return None
    if len(iso) <= 10:
        return datetime.date.fromisoformat(iso)
    return _local(datetime.datetime.fromisoformat(iso))


def day(iso: str | None) -> str | None:
    """The day of an ISO date or date-time, as dd/mm/yyyy."""
    parsed = parse(iso)
    return None if parsed is None else parsed.strftime(DATE_FORMAT)


def moment(iso: str | None) -> str | None:
    """An ISO date-time as dd/mm/yyyy hh:mm, local time."""
    if not iso:
        return None
    return _local(datetime.datetime.fromisoformat(iso)).strftime(DATETIME_FORMAT)


def span(period: dict | None) -> str | None:
    """A snapshot's period as "dd/mm/yyyy – dd/mm/yyyy"."""
    if not period:
        return None
    return f"{day(period['start'])} – {day(period['end'])}"


def figure(found: dict | None) -> tuple:
    """A figure's value and its previous period's value (either may be None)."""
    found = found or {}
    return found.get("value"), found.get("previous")


def rate_figure(rates: dict, key: str) -> dict:
    """A discipline rate (``reporting_rate``, ``on_time_rate``) as a figure."""
    return {"value": rates.get(key), "previous": rates.get(f"previous_{key}")}


def change(value, previous):
    """``value - previous`` to one decimal, or None when either is not a number."""
    if isinstance(value, int | float) and isinstance(previous, int | float):
        return round(value - previous, 1)
    return None


def labels(choices) -> dict:
    """A choices class's codes and their labels, in the active language."""
    return {code: str(label) for code, label in choices.choices}


def label(choices, code) -> str:
    """The label of one code; a code no longer among the choices as it is."""
    found = labels(choices).get(code)
    if found is not None:
        return found
    return str(code) if code not in (None, "") else "—"
