"""Shared writes: notifications to users (in the app, then by e-mail)."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from dluan.models import Notification, User


def notification_send(
    *, recipients: Iterable[User], title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """Create one in-app notification per recipient and e-mail them after commit."""
    seen = set()
    rows = []
    for user in recipients:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(
            Notification(recipient=user, title=str(title), body=str(body), url=url)
        )
    created = Notification.objects.bulk_create(rows)
    ids = [notification.pk for notification in created]
    if ids:
        from dluan.tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.delay(ids))
    return created


def notification_mark_read(
    *, user: User, notification_ids: Iterable[int] | None = None
) -> int:
    """Mark some or all of a user's unread notifications as read."""
    queryset = Notification.objects.visible_to(user).unread()
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=list(notification_ids))
    return queryset.update(read_at=timezone.now())
