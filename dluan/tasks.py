"""Thin Celery tasks for the foundation."""

import datetime
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q
from django.utils import timezone

from dluan import accounts, queue
from dluan.models import Notification

logger = logging.getLogger(__name__)

EMAIL_TIME_LIMIT = 300
# A claim older than the task's hard limit belongs to a worker that died.
EMAIL_CLAIM_LEASE = datetime.timedelta(seconds=EMAIL_TIME_LIMIT)


def _email(notification: Notification) -> EmailMessage | None:
    """What is e-mailed for a notification: a sign-in link, made as it is sent, or
    its title, text and link."""
    recipient = notification.recipient
    if not recipient.email:
        return None
    if notification.key.startswith(accounts.SIGNIN_LINK_KEY):
        return accounts.signin_link_email_for(notification)
    link = settings.SITE_URL.rstrip("/") + notification.get_absolute_url()
    return EmailMessage(
        subject=f"[dluan] {notification.title}",
        body=f"{notification.body}\n\n{link}".strip(),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.email],
    )


def _claim(pk: int) -> bool:
    """Take the notification for this delivery: one UPDATE, so one taker wins."""
    now = timezone.now()
    return bool(
        Notification.objects.filter(pk=pk, emailed_at__isnull=True)
        .filter(
            Q(email_claimed_at__isnull=True)
            | Q(email_claimed_at__lt=now - EMAIL_CLAIM_LEASE)
        )
        .update(email_claimed_at=now)
    )


@shared_task(
    bind=True,
    max_retries=5,
    default_retry_delay=60,
    soft_time_limit=EMAIL_TIME_LIMIT - 60,
    time_limit=EMAIL_TIME_LIMIT,
)
def send_notification_emails(self, notification_ids: list[int]) -> int:
    """E-mail each notification not yet e-mailed; safe to run twice, or at once.

    Each notification is claimed before it is sent, so the on-commit job, a job
    sent again by the sweep and a redelivery never e-mail it twice. A failed send
    gives the claim back and the job retries: at least once, and more than once
    only when a worker dies between the mail server taking the message and the
    database recording it (its claim lapses and the redelivered job sends again).
    No transaction is held open while the mail server is slow.
    """
    sent = 0
    for pk in notification_ids:
        if not _claim(pk):
            continue
        notification = (
            Notification.objects.select_related("recipient").filter(pk=pk).first()
        )
        message = _email(notification) if notification is not None else None
        if message is None:
            continue
        try:
            message.send()
        except OSError as exc:
            Notification.objects.filter(pk=pk).update(email_claimed_at=None)
            logger.warning("E-mail for notification %s failed: %s", pk, exc)
            raise self.retry(exc=exc) from exc
        Notification.objects.filter(pk=pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


@shared_task(time_limit=300, soft_time_limit=240)
def unsent_tasks_send() -> int:
    """Send the jobs kept while the broker was down (beat runs it every minute)."""
    return queue.unsent_tasks_send()
