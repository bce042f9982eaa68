"""The broker goes down while the web serves, then comes back: nothing is lost.

Real Redis (REDIS_URL, a database of its own) and a real Celery worker; "down" is
a local port where nothing listens.
"""

import pytest
from celery.signals import task_postrun
from django.urls import reverse

from dluan.models import Notification, UnsentTask
from dluan.tasks import send_notification_emails, unsent_tasks_send
from reports.models import OpinionReport
from reports.tests.conftest import report_post
from tests.support.broker import celery_broker, closed_port_url, wait_until


@pytest.mark.broker
def test_an_urgent_report_filed_while_the_broker_is_down_reaches_staff_once(
    transactional_db,
    settings,
    real_broker,
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

    with celery_broker(settings, real_broker.url):
        assert client.get(reverse("healthz")).status_code == 200
        real_broker.flush()
        task_postrun.connect(_count, weak=False)
        try:
            real_broker.start_worker()
            # Beat's sweep: it sends the kept job, which the worker runs.
            unsent_tasks_send.delay()
            wait_until(
                lambda: "dluan.tasks.send_notification_emails" in finished,
                "the worker sends the kept e-mail job",
            )
            # The sweep again, and the e-mail job delivered a second time.
            unsent_tasks_send.delay()
            send_notification_emails.delay([notification.pk])
            wait_until(lambda: len(finished) == 4, "the worker runs the repeated jobs")
        finally:
            task_postrun.disconnect(_count)
    notification.refresh_from_db()
    assert notification.emailed_at is not None
    assert not UnsentTask.objects.exists()
    assert [message.to for message in mailoutbox] == [[staff.email]]
    assert report.title in mailoutbox[0].subject
