"""Thin Celery tasks for the roster."""

from celery import shared_task
from django.utils import timezone

from collaborators import services
from collaborators.scoring import scores_compute


@shared_task(time_limit=1800, soft_time_limit=1700)
def scores_refresh(year: int | None = None) -> int:
    """Recompute the emulation scores of a year (the current one by default)."""
    return scores_compute(year=year or timezone.localdate().year)


@shared_task(time_limit=600, soft_time_limit=540)
def import_drafts_purge() -> int:
    """Remove uploaded rosters left waiting for their import for over a day."""
    return services.import_drafts_purge()
