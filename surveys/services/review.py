"""Reviewing responses: approve, reject or mark "has issues", one by one or in bulk.

Only approved responses count in results. Each decision raises the survey's
results version (cached results are stale) and leaves an audit entry: auditlog's
own for a single response, :class:`dluan.audit_bulk.BulkChanges`' for a bulk one
(one entry per response changed, written in one INSERT).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dluan.audit_bulk import BulkChanges
from surveys.models import Response, Survey
from surveys.selectors.review import filtered

Review = Response.Review
DECISIONS = (Review.APPROVED, Review.REJECTED, Review.HAS_ISSUES)
MAX_COMMENT = 2000
# A bulk decision on more responses than this runs in the background: the audit
# entries of 200,000 responses take minutes to write, longer than a request lasts.
INLINE_LIMIT = 2000
BULK_TASK = "surveys.tasks.responses_review_bulk_task"


def _check(*, user, review: str, comment: str) -> str:
    if not user.is_board_staff:
        raise ValidationError(_("Only the board's staff review responses."))
    if review not in DECISIONS:
        raise ValidationError(
            {"review": _("Choose approve, reject or has issues.")}, code="review"
        )
    comment = (comment or "").replace("\x00", "").strip()
    if review != Review.APPROVED and not comment:
        raise ValidationError(
            {
                "comment": _(
                    "Say why, in a comment, when you reject a response or mark its issues."
                )
            },
            code="comment",
        )
    if len(comment) > MAX_COMMENT:
        raise ValidationError(
            {
                "comment": _("Keep the comment under %(n)s characters.")
                % {"n": MAX_COMMENT}
            }
        )
    return comment


def reviewable(user, survey: Survey):
    """The responses of ``survey`` that ``user`` may review: submitted, in their
    subtree, and not entered by them nor by their own collaborator record."""
    queryset = Response.objects.visible_to(user).filter(
        survey=survey, state=Response.State.SUBMITTED
    )
    return queryset.exclude(entered_by=user).exclude(collaborator__user=user)


def can_review(user, response: Response) -> bool:
    return (
        user.is_board_staff
        and response.state == Response.State.SUBMITTED
        and response.entered_by_id != user.pk
        and not (
            response.collaborator_id
            and getattr(response.collaborator, "user_id", None) == user.pk
        )
    )


@transaction.atomic
def response_review(*, response: Response, user, review: str, comment: str) -> Response:
    """Record one staff decision on a submitted response."""
    comment = _check(user=user, review=review, comment=comment)
    locked = (
        reviewable(user, response.survey)
        .select_for_update(of=("self",))
        .filter(pk=response.pk)
        .first()
    )
    if locked is None:
        raise ValidationError(_("You cannot review this response."), code="forbidden")
    locked.review = review
    locked.review_comment = comment
    locked.reviewed_by = user
    locked.reviewed_at = timezone.now()
    locked.save(
        update_fields=[
            "review",
            "review_comment",
            "reviewed_by",
            "reviewed_at",
            "updated_at",
        ]
    )
    response.survey.touch_results()
    return locked


@transaction.atomic
def responses_review_bulk(
    *,
    survey: Survey,
    user,
    review: str,
    comment: str,
    ids=None,
    filters: dict | None = None,
) -> int:
    """Record one decision on the responses ``ids`` (checked on the list) or on all
    that match ``filters`` (the list's filters); returns how many changed.

    One UPDATE whatever their number; responses already so decided, with the same
    comment, are left alone (and get no audit entry).
    """
    comment = _check(user=user, review=review, comment=comment)
    if ids is None and filters is None:
        raise ValidationError(_("Tick the responses to review, or choose all shown."))
    queryset = reviewable(user, survey)
    if ids is not None:
        ids = [int(pk) for pk in ids]
        if not ids:
            raise ValidationError(_("Tick the responses to review."), code="none")
        queryset = queryset.filter(pk__in=ids)
    else:
        queryset = filtered(queryset, filters)
    queryset = _pending_change(queryset, review=review, comment=comment)
    with BulkChanges(actor=user) as bulk:
        changed = bulk.update(
            queryset,
            review=review,
            review_comment=comment,
            reviewed_by=user,
            reviewed_at=timezone.now(),
            updated_at=timezone.now(),
        )
    if changed:
        survey.touch_results()
    return changed


def _pending_change(queryset, *, review: str, comment: str):
    """The rows a decision would change, read with the audited fields only."""
    return queryset.exclude(review=review, review_comment=comment).only(
        "pk", "review", "review_comment", "reviewed_by", "state"
    )


def _filter_ids(filters: dict) -> dict:
    """The list's filters as a task takes them: the commune and interviewer by id."""
    return {key: getattr(value, "pk", value) for key, value in (filters or {}).items()}


def responses_review_bulk_start(
    *, survey: Survey, user, review: str, comment: str, filters: dict
) -> int | None:
    """A decision on every response matching ``filters``: made now (returns how many
    changed) when they are few, else queued for the background (returns None)."""
    comment = _check(user=user, review=review, comment=comment)
    filters = _filter_ids(filters)
    queryset = _pending_change(
        filtered(reviewable(user, survey), filters), review=review, comment=comment
    )
    if queryset.order_by().values("pk")[: INLINE_LIMIT + 1].count() <= INLINE_LIMIT:
        return responses_review_bulk(
            survey=survey, user=user, review=review, comment=comment, filters=filters
        )
    from celery import current_app

    from dluan.queue import enqueue_on_commit

    enqueue_on_commit(
        current_app.tasks[BULK_TASK], survey.pk, user.pk, review, comment, filters
    )
    return None
