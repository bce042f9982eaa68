"""Notifications go through the real Redis broker to a real Celery worker."""

import pytest

from dluan.models import Notification
from dluan.services import notification_send
from tests.support.broker import wait_until


@pytest.mark.broker
def test_worker_emails_a_notification_queued_after_commit(
    transactional_db, worker, staff, mailoutbox
):
    notification_send(recipients=[staff], title="Báo cáo đột xuất từ Tứ Hạ")
    notification = Notification.objects.get(recipient=staff)

    def emailed():
        notification.refresh_from_db()
        return notification.emailed_at is not None

    wait_until(emailed, "the worker sends the e-mail")
    assert notification.emailed_at is not None, "the worker did not send the e-mail"
    assert [message.to for message in mailoutbox] == [[staff.email]]
