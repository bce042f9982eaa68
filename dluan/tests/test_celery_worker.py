"""Notifications go through the real Redis broker to a real Celery worker."""

import logging
from contextlib import ExitStack

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


@pytest.mark.broker
def test_a_worker_in_the_test_process_leaves_its_logging_as_it_was(real_broker):
    """The embedded worker sets the root logger to its level ("error"): after it,
    a warning of a logger without a level of its own (the sign-in lockout's) must
    still reach the log, and the tests that read it."""
    root = logging.getLogger()
    level = root.level
    with ExitStack() as stack:
        real_broker._stack = stack
        real_broker.start_worker()
        assert root.level == logging.ERROR  # Celery's set-up, while it runs
    assert root.level == level
    assert logging.getLogger("dluan.auth").isEnabledFor(logging.WARNING)
