"""Jobs queued while the broker is down are kept and sent later; e-mails go once.

"The broker down" is a Redis URL on a local port where nothing listens: the real
client really fails to connect. The sweep's sending is checked here with tasks run
inline; ``test_broker_down.py`` runs the whole story through Redis and a worker.
"""

import smtplib
import socket

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from dluan.models import Notification, UnsentTask
from dluan.queue import unsent_tasks_send
from dluan.services import notification_send
from dluan.tasks import EMAIL_CLAIM_LEASE, send_notification_emails
from tests.support.broker import celery_broker, closed_port_url


def test_publishing_to_a_broker_that_is_gone_gives_up_within_seconds(settings):
    # Without these, a request that queues a job waits 4-6 s for a refused
    # broker and for ever for one that accepts and never answers.
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["max_retries"] == 0
    assert 0 < options["socket_connect_timeout"] <= 3
    assert 1 < options["socket_timeout"] <= 3  # above the worker's 1 s BRPOP
    assert getattr(settings, "CELERY_BROKER_CONNECTION_TIMEOUT", 4) <= 3


@pytest.fixture
def broker_down(settings):
    with celery_broker(settings, closed_port_url()):
        yield


def test_a_notification_queued_while_the_broker_is_down_is_kept(
    broker_down, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        created = notification_send(recipients=[staff], title="Báo cáo đột xuất")
    notification = Notification.objects.get(recipient=staff)
    assert [n.pk for n in created] == [notification.pk]
    assert notification.emailed_at is None
    assert mailoutbox == []
    assert list(UnsentTask.objects.values_list("task", "args")) == [
        ("dluan.tasks.send_notification_emails", [[notification.pk]])
    ]


def test_the_sweep_keeps_the_jobs_while_the_broker_is_still_down(
    broker_down, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(recipients=[staff], title="Báo cáo đột xuất")
    assert unsent_tasks_send() == 0
    row = UnsentTask.objects.get()
    assert row.attempts == 1
    assert "127.0.0.1" in row.last_error


def test_the_sweep_sends_the_kept_jobs_once_the_broker_is_back(
    settings, staff, leader, mailoutbox, django_capture_on_commit_callbacks
):
    with (
        celery_broker(settings, closed_port_url()),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification_send(recipients=[staff, leader], title="Báo cáo đột xuất")
    assert UnsentTask.objects.count() == 1
    with celery_broker(settings, None):
        assert unsent_tasks_send() == 1
        assert unsent_tasks_send() == 0
    assert not UnsentTask.objects.exists()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([staff.email, leader.email])
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_two_deliveries_of_the_same_job_send_one_email(
    staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(recipients=[staff], title="Đột xuất")[0]
    # The on-commit job ran; the sweep or a redelivery brings the same job again.
    assert send_notification_emails.apply(args=[[notification.pk]]).get() == 0
    assert len(mailoutbox) == 1


def test_a_notification_claimed_by_a_live_worker_is_left_to_it(staff, mailoutbox):
    notification = Notification.objects.create(
        recipient=staff, title="Đột xuất", email_claimed_at=timezone.now()
    )
    assert send_notification_emails.apply(args=[[notification.pk]]).get() == 0
    assert mailoutbox == []
    # A worker that died while sending: once its claim lapses, the job sends it.
    Notification.objects.filter(pk=notification.pk).update(
        email_claimed_at=timezone.now() - EMAIL_CLAIM_LEASE * 2
    )
    assert send_notification_emails.apply(args=[[notification.pk]]).get() == 1
    assert [m.to for m in mailoutbox] == [[staff.email]]


class FailsOnceBackend(EmailBackend):
    """A mail server that drops the connection once, on the second message."""

    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls == 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def test_a_send_failing_mid_batch_is_retried_and_each_email_goes_once(
    settings, staff, leader, mailoutbox
):
    settings.EMAIL_BACKEND = f"{__name__}.FailsOnceBackend"
    FailsOnceBackend.calls = 0
    first = Notification.objects.create(recipient=staff, title="Một")
    second = Notification.objects.create(recipient=leader, title="Hai")
    # throw=False: the retry runs here, as a worker would run it later.
    send_notification_emails.apply(args=[[first.pk, second.pk]], throw=False)
    assert FailsOnceBackend.calls == 3  # first, second (fails), second again
    assert [m.to[0] for m in mailoutbox] == [staff.email, leader.email]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_a_mail_server_that_never_answers_fails_the_send_and_keeps_the_email(
    settings, staff, monkeypatch
):
    # Production's default: a silent server fails a send in seconds, well inside
    # the job's time limit, instead of holding the worker until the limit kills it.
    assert 0 < settings.EMAIL_TIMEOUT < EMAIL_CLAIM_LEASE.total_seconds() / 10
    # A server that accepts the connection and never sends its greeting.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = silent.getsockname()
        settings.EMAIL_TIMEOUT = 1
        monkeypatch.setattr(send_notification_emails, "max_retries", 0)
        notification = Notification.objects.create(recipient=staff, title="Đột xuất")
        result = send_notification_emails.apply(args=[[notification.pk]], throw=False)
    assert isinstance(result.result, smtplib.SMTPServerDisconnected)
    assert "timed out" in str(result.result)
    notification.refresh_from_db()
    # Not e-mailed, and not claimed: the retry, or the next sweep, sends it.
    assert notification.emailed_at is None
    assert notification.email_claimed_at is None
