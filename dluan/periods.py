"""Calendar-aligned reporting periods, as dates: shared by every layer."""

import calendar
import datetime

from django.conf import settings


def period_bounds(
    day: datetime.date,
) -> tuple[datetime.date, datetime.date, datetime.date]:
    """Start, end and deadline of the calendar-aligned period holding ``day``."""
    months = max(1, min(12, settings.REPORTING_PERIOD_MONTHS))
    first_month = ((day.month - 1) // months) * months + 1
    start = datetime.date(day.year, first_month, 1)
    last_month_index = first_month - 1 + months - 1
    end_year = day.year + last_month_index // 12
    end_month = last_month_index % 12 + 1
    end = datetime.date(
        end_year, end_month, calendar.monthrange(end_year, end_month)[1]
    )
    deadline = max(
        start,
        end - datetime.timedelta(days=settings.REPORTING_DEADLINE_DAYS_BEFORE_END),
    )
    return start, end, deadline


def period_starts_back(today: datetime.date, count: int) -> list[datetime.date]:
    """Starts of the ``count`` periods up to and including today's, oldest first."""
    starts = []
    day = today
    for _index in range(count):
        start = period_bounds(day)[0]
        starts.append(start)
        day = start - datetime.timedelta(days=1)
    return starts[::-1]
