"""The daily jobs, listed once.

Celery beat runs each job's task at its time (``CELERY_BEAT_SCHEDULE`` in
settings is built from this list), and ``manage.py daily_jobs`` runs the same jobs
in the foreground, in this order: the order they depend on each other, which their
times follow. The periods must exist before anything is counted in them; scores
and summaries read the discipline records; reminders and warnings go out in the
morning. Every job is safe to run twice.

A job names its task for beat, and the service that task calls for the command,
which hands it the day (``--date``). Both are dotted names, imported only when
run: this module is read by settings, and the foundation imports none of the apps
above it.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery.schedules import crontab


@dataclass(frozen=True)
class DailyJob:
    name: str  # the beat schedule's key
    label: str  # how the command names it
    task: str  # the Celery task beat sends
    hour: int
    minute: int
    service: str  # the function the task calls, which the command calls
    kwargs: Callable[[datetime.date], dict]  # the service's arguments for a day
    describe: Callable[[Any], str]  # the command's line about its result


def _today(day: datetime.date) -> dict:
    return {"today": day}


DAILY_JOBS = [
    # Reports whose unit moved without a save (a bulk change): the town search
    # would miss them until then.
    DailyJob(
        "reports-towns-sync",
        "report towns",
        "reports.tasks.report_towns_sync",
        0,
        15,
        "reports.services.report_towns_sync",
        lambda day: {},
        lambda result: f"{result} reports moved",
    ),
    DailyJob(
        "reports-periods-ahead",
        "periods ahead",
        "reports.tasks.periods_ensure_ahead",
        0,
        30,
        "reports.services.periods_ensure_ahead",
        _today,
        lambda result: f"{len(result)} periods present",
    ),
    DailyJob(
        "reports-discipline-refresh",
        "reporting discipline",
        "reports.tasks.discipline_refresh",
        0,
        45,
        "reports.services.discipline_refresh",
        _today,
        lambda result: f"{result} records computed",
    ),
    DailyJob(
        "meetings-periodic-ahead",
        "periodic meetings",
        "meetings.tasks.meetings_ensure_periodic",
        1,
        0,
        "meetings.services.meeting_ensure_periodic",
        lambda day: {"on": day},
        lambda result: f"{result} meetings created",
    ),
    # After the discipline refresh, whose records it reads.
    DailyJob(
        "collaborators-scores-refresh",
        "emulation scores",
        "collaborators.tasks.scores_refresh",
        1,
        15,
        "collaborators.scoring.scores_compute",
        lambda day: {"year": day.year},
        lambda result: f"{result} collaborators scored",
    ),
    # After the discipline refresh, whose tallies the summary reads.
    DailyJob(
        "summaries-compile-due",
        "summaries due",
        "summaries.tasks.summaries_compile_due",
        1,
        30,
        "summaries.services.summaries_compile_due",
        _today,
        lambda result: f"{len(result)} summaries queued",
    ),
    # Uploaded rosters never imported, after IMPORT_DRAFT_HOURS.
    DailyJob(
        "collaborators-import-drafts-purge",
        "stale roster uploads",
        "collaborators.tasks.import_drafts_purge",
        2,
        0,
        "collaborators.services.import_drafts_purge",
        lambda day: {},
        lambda result: f"{result} uploads removed",
    ),
    DailyJob(
        "reports-follow-ups-overdue",
        "overdue follow-ups",
        "reports.tasks.followups_flag_overdue",
        6,
        0,
        "reports.services.followups_flag_overdue",
        _today,
        lambda result: f"{result} follow-ups escalated",
    ),
    DailyJob(
        "reports-warnings-raise",
        "early warnings",
        "reports.tasks.warnings_raise",
        6,
        15,
        "reports.services.warnings_raise",
        _today,
        lambda result: f"{result} warnings raised",
    ),
    DailyJob(
        "reports-reminders",
        "deadline reminders",
        "reports.tasks.reminders_send",
        7,
        0,
        "reports.services.reminders_send",
        _today,
        lambda result: f"{result} notifications sent",
    ),
    # Daily: the digest itself goes out on Mondays only.
    DailyJob(
        "reports-missing-digest",
        "missing-report digest",
        "reports.tasks.missing_digest_send",
        7,
        15,
        "reports.services.missing_digest_send",
        _today,
        lambda result: f"{result} notifications sent",
    ),
]


def beat_schedule() -> dict:
    """The daily jobs as ``CELERY_BEAT_SCHEDULE`` entries."""
    return {
        job.name: {
            "task": job.task,
            "schedule": crontab(hour=job.hour, minute=job.minute),
        }
        for job in DAILY_JOBS
    }
