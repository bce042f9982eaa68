"""Thin Celery tasks for surveys; each takes an id and is safe to run twice."""

from celery import shared_task
from django.core.cache import cache
from django.core.exceptions import ValidationError

from dluan.models import User
from surveys.models import Survey
from surveys.services import review, weighting

# Raking 200,000 responses takes seconds; the hard limit stays far below the
# broker's visibility timeout (an hour), so no second worker takes the job.
WEIGH_TIME_LIMIT = 600
WEIGH_SOFT_TIME_LIMIT = 540


@shared_task(
    name=weighting.WEIGH_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=WEIGH_TIME_LIMIT,
    soft_time_limit=WEIGH_SOFT_TIME_LIMIT,
)
def survey_weigh_task(survey_id: int) -> bool:
    """Weigh a survey's approved responses (again: the same data gives the same
    weights). False when the survey is gone or cannot be weighed."""
    key = weighting.running_key(survey_id)
    cache.set(key, "running", weighting.RUNNING_TIMEOUT)
    try:
        survey = Survey.objects.filter(pk=survey_id).first()
        if survey is None:
            return False
        try:
            weighting.survey_weigh(survey=survey)
        except ValidationError:
            return False
        return True
    finally:
        cache.delete(key)


@shared_task(
    name=review.BULK_TASK,
    acks_late=True,
    reject_on_worker_lost=True,
    time_limit=1500,
    soft_time_limit=1400,
)
def responses_review_bulk_task(
    survey_id: int, user_id: int, decision: str, comment: str, filters: dict
) -> int:
    """A bulk decision too large for a request; run again, it changes nothing more
    (the responses already so decided are left alone)."""
    survey = Survey.objects.filter(pk=survey_id).first()
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if survey is None or user is None:
        return 0
    try:
        return review.responses_review_bulk(
            survey=survey, user=user, review=decision, comment=comment, filters=filters
        )
    except ValidationError:
        return 0
