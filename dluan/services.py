"""Shared writes: notifications to users (in the app, then by e-mail)."""

from collections.abc import Iterable

from django.utils import timezone

from dluan.models import Notification, User
from dluan.queue import enqueue_on_commit

EMAIL_BATCH = 200


def notification_send(
    *,
    recipients: Iterable[User],
    title: str,
    body: str = "",
    url: str = "",
    key: str = "",
    email: bool = True,
) -> list[Notification]:
    """Create one in-app notification per recipient and e-mail them after commit.

    The e-mail job is queued on commit; a broker that is down delays it (it is
    kept and sent by the sweep) but never fails the caller.

    With a ``key``, a recipient who already has a notification with that key gets
    nothing: the database's unique constraint decides, so two runs at once cannot
    both send it. Only the notifications created by this call are returned and
    e-mailed. With ``email`` false they stay in the app and are never e-mailed.
    """
    now = timezone.now()
    seen = set()
    rows = []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(
                recipient=user,
                title=str(title),
                body=str(body),
                url=url,
                key=key,
                created_at=now,
            )
        )
    if not rows:
        return []
    if key:
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        # The rows this call inserted carry its timestamp; those already there, or
        # inserted by a concurrent run, do not.
        created = list(
            Notification.objects.filter(key=key, created_at=now).order_by("pk")
        )
    else:
        created = Notification.objects.bulk_create(rows)
    ids = [notification.pk for notification in created]
    if ids and email:
        from dluan.tasks import send_notification_emails

        # A province's reminder goes to thousands: one task per batch keeps each
        # within its time limit and lets several workers share the sending.
        for start in range(0, len(ids), EMAIL_BATCH):
            enqueue_on_commit(
                send_notification_emails, ids[start : start + EMAIL_BATCH]
            )
    return created


def notification_mark_read(
    *, user: User, notification_ids: Iterable[int] | None = None
) -> int:
    """Mark some or all of a user's unread notifications as read."""
    queryset = Notification.objects.visible_to(user).unread()
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=list(notification_ids))
    return queryset.update(read_at=timezone.now())
