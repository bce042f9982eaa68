"""Notifications go through the real Redis broker to a real Celery worker."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django import db

from dluan.celery import app
from dluan.models import Notification
from dluan.services import notification_send


@pytest.fixture
def real_broker():
    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must set REDIS_URL: the broker test cannot run without it.")
        pytest.skip("REDIS_URL is not set; .ci/run sets it")
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    _reset_pools()
    with app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()  # a dedicated database number in CI
    # The worker thread opens its own database connection: close it after each task
    # so that the test database can be dropped at the end of the run.
    task_postrun.connect(_close_connection)
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=10
        ):
            yield
    finally:
        task_postrun.disconnect(_close_connection)
    app.conf.broker_url, app.conf.task_always_eager = saved
    _reset_pools()


def _close_connection(**kwargs):
    db.connection.close()


def _reset_pools():
    """Drop connections pooled for another broker URL."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.broker
def test_worker_emails_a_notification_queued_after_commit(
    transactional_db, real_broker, staff, mailoutbox
):
    notification_send(recipients=[staff], title="Báo cáo đột xuất từ Tứ Hạ")
    notification = Notification.objects.get(recipient=staff)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        notification.refresh_from_db()
        if notification.emailed_at is not None:
            break
        time.sleep(0.2)
    assert notification.emailed_at is not None, "the worker did not send the e-mail"
    assert [message.to for message in mailoutbox] == [[staff.email]]
