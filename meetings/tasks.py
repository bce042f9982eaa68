"""Thin Celery tasks for briefings."""

from celery import shared_task

from meetings.services import meeting_ensure_periodic


@shared_task(time_limit=600, soft_time_limit=540)
def meetings_ensure_periodic() -> int:
    """Create the missing periodic briefings for this and the next period."""
    return meeting_ensure_periodic()
