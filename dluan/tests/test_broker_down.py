"""The broker goes down while the web serves, then comes back: nothing is lost.

Real Redis (REDIS_URL, a database of its own) and a real Celery worker; "down" is
a local port where nothing listens.
"""

import os

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.urls import reverse

from dluan.celery import app
from dluan.models import Notification, UnsentTask
from dluan.tasks import send_notification_emails, unsent_tasks_send
from dluan.tests.test_celery_worker import _close_connection
from dluan.tests.test_queue import celery_broker, closed_port_url
from reports.models import OpinionReport
from reports.tests.conftest import report_post
from reports.tests.test_reminders_worker import _wait


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must set REDIS_URL: the broker test cannot run without it.")
        pytest.skip("REDIS_URL is not set; .ci/run sets it")
    return url


@pytest.mark.broker
def test_an_urgent_report_filed_while_the_broker_is_down_reaches_staff_once(
    transactional_db,
    settings,
    redis_url,
    client_of,
    collaborator,
    commune,
    staff,
    mailoutbox,
):
    client = client_of(collaborator)
    with celery_broker(settings, closed_port_url()):
        assert client.get(reverse("healthz")).status_code == 503
        # The pages answer while the broker is down.
        assert client.get(reverse("home")).status_code == 200
        assert client.get(reverse("reports:report-list")).status_code == 200
        data = report_post(commune, kind="urgent", urgency="3", action="submit")
        response = client.post(reverse("reports:report-create"), data)
        assert response.status_code == 302
        report = OpinionReport.objects.get()
        assert response["Location"] == reverse(
            "reports:report-detail", args=[report.pk]
        )
        assert report.status == OpinionReport.Status.SUBMITTED
        notification = Notification.objects.get(recipient=staff)
        assert notification.emailed_at is None
        assert UnsentTask.objects.count() == 1
        assert client.get(reverse("healthz")).status_code == 503

    finished = []

    def _count(**kwargs):
        finished.append(kwargs["task"].name)

    with celery_broker(settings, redis_url):
        assert client.get(reverse("healthz")).status_code == 200
        with app.connection_for_write() as conn:
            conn.default_channel.client.flushdb()  # a database of its own in CI
        task_postrun.connect(_close_connection)
        task_postrun.connect(_count, weak=False)
        try:
            with start_worker(
                app, pool="solo", perform_ping_check=False, shutdown_timeout=10
            ):
                # Beat's sweep: it sends the kept job, which the worker runs.
                unsent_tasks_send.delay()
                _wait(
                    lambda: "dluan.tasks.send_notification_emails" in finished,
                    "send the kept e-mail job",
                )
                # The sweep again, and the e-mail job delivered a second time.
                unsent_tasks_send.delay()
                send_notification_emails.delay([notification.pk])
                _wait(lambda: len(finished) == 4, "run the repeated jobs")
        finally:
            task_postrun.disconnect(_count)
            task_postrun.disconnect(_close_connection)
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert not UnsentTask.objects.exists()
    assert [message.to for message in mailoutbox] == [[staff.email]]
    assert report.title in mailoutbox[0].subject
