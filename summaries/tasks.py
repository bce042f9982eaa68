"""Thin Celery tasks for summaries; each takes an id and is safe to run twice.

Tasks call services; services queue these tasks by name (:mod:`summaries.jobs`).
"""

from celery import shared_task
from django.conf import settings

from summaries import jobs, services

# The hard limit stays below the broker's visibility timeout, or Redis would hand
# a long compilation to a second worker while the first still runs.
COMPILE_TIME_LIMIT = settings.SUMMARY_COMPILE_TIME_LIMIT
COMPILE_SOFT_TIME_LIMIT = max(COMPILE_TIME_LIMIT - 60, COMPILE_TIME_LIMIT * 9 // 10)


@shared_task(
    name=jobs.COMPILE,
    acks_late=True,
    # A worker killed mid-way (SIGKILL, out of memory) gives the job back to the
    # broker; the compile claims its version, so the rerun compiles it once.
    reject_on_worker_lost=True,
    time_limit=COMPILE_TIME_LIMIT,
    soft_time_limit=COMPILE_SOFT_TIME_LIMIT,
)
def summary_compile(summary_id: int) -> bool:
    """Compile a queued summary version: figures, workbook, PDF and Word file."""
    return services.summary_compile(summary_id=summary_id) is not None


@shared_task(name=jobs.RENDER, acks_late=True, time_limit=300, soft_time_limit=240)
def summary_render(summary_id: int) -> bool:
    """Render the brief (PDF and Word) again after the text changed."""
    return services.summary_render(summary_id=summary_id) is not None


@shared_task(name=jobs.COMPILE_DUE, time_limit=300, soft_time_limit=240)
def summaries_compile_due() -> int:
    """Queue a first draft for every unit with staff after a period's deadline."""
    return len(services.summaries_compile_due())
