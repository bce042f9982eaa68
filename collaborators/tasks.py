"""Thin Celery tasks for the roster."""

from celery import shared_task
from django.utils import timezone

from collaborators.scoring import scores_compute


@shared_task(time_limit=1800, soft_time_limit=1700)
def scores_refresh(year: int | None = None) -> int:
    """Recompute the emulation scores of a year (the current one by default)."""
    return scores_compute(year=year or timezone.localdate().year)
