"""Thin daily tasks for reports; each is safe to run twice."""

from celery import shared_task

from reports import services


@shared_task(time_limit=300, soft_time_limit=240)
def periods_ensure_ahead() -> int:
    """Make sure the current and the next reporting period exist."""
    return len(services.periods_ensure_ahead(ahead=1))


@shared_task(time_limit=600, soft_time_limit=540)
def report_towns_sync() -> int:
    """Give every report the town its unit lies in now."""
    return services.report_towns_sync()


@shared_task(time_limit=600, soft_time_limit=540)
def followups_flag_overdue() -> int:
    """Escalate follow-ups past their due date, once each."""
    return services.followups_flag_overdue()


@shared_task(time_limit=900, soft_time_limit=840)
def discipline_refresh() -> int:
    """Recompute reporting discipline for the current and the previous period."""
    return services.discipline_refresh()


@shared_task(time_limit=900, soft_time_limit=840)
def warnings_raise() -> int:
    """Raise the early warnings whose conditions hold today, once each."""
    return services.warnings_raise()


@shared_task(time_limit=600, soft_time_limit=540)
def reminders_send() -> int:
    """Remind collaborators who have not filed, before the deadline and the day after."""
    return services.reminders_send()


@shared_task(time_limit=600, soft_time_limit=540)
def missing_digest_send() -> int:
    """On Mondays, tell each unit's staff who has not filed yet (once a week)."""
    return services.missing_digest_send()
