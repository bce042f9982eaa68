"""Thin Celery tasks for the foundation."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from dluan.models import Notification

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    max_retries=5,
    default_retry_delay=60,
    soft_time_limit=240,
    time_limit=300,
)
def send_notification_emails(self, notification_ids: list[int]) -> int:
    """E-mail each notification not yet e-mailed; safe to run twice."""
    sent = 0
    for pk in notification_ids:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update()
                .select_related("recipient")
                .filter(pk=pk, emailed_at__isnull=True)
                .first()
            )
            if notification is None or not notification.recipient.email:
                continue
            link = settings.SITE_URL.rstrip("/") + notification.get_absolute_url()
            try:
                send_mail(
                    subject=f"[dluan] {notification.title}",
                    message=f"{notification.body}\n\n{link}".strip(),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[notification.recipient.email],
                )
            except OSError as exc:
                logger.warning("E-mail for notification %s failed: %s", pk, exc)
                raise self.retry(exc=exc) from exc
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            sent += 1
    return sent
