"""Giving sign-in ends as one outcome, its link lasts what the e-mail says, and the
e-mail goes through the notification queue, once.

- A slip PDF that cannot be made (a real render limit, set tiny) leaves no
  account, code, notification or e-mail behind, and pressing again works.
- The first-sign-in link lasts ``SIGNIN_LINK_DAYS`` from its sending (checked a
  minute before and after, with the token generator's clock moved, as Django's
  own tests do); a reset link keeps ``PASSWORD_RESET_TIMEOUT``.
- The e-mail is a queued notification: a mail server that is down loses nothing,
  and a second delivery of the job sends nothing more.
"""

import datetime
import re
import smtplib
import socket

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.messages import get_messages
from django.core.mail.backends.locmem import EmailBackend
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext, ngettext

from collaborators.models import Collaborator
from collaborators.services import signin
from collaborators.tests.factories import CollaboratorFactory
from dluan import accounts
from dluan.accounts import signin_code_consume
from dluan.models import Notification, SignInCode, User
from dluan.tasks import send_notification_emails
from tests.support.broker import wait_until
from tests.support.pdf import pdf_text

CODE = re.compile(r"\b[A-Z2-9]{5}-[A-Z2-9]{5}\b")
LINK = re.compile(r"https?://[^/\s]+(/password/reset/\S+/)")
NEW_PASSWORD = "Song-Bo-chay-qua-2026"
BULK = "/collaborators/sign-in/"
ACCOUNT_GIVE = "/collaborators/accounts/give/"
SENT_AT = datetime.datetime(2026, 3, 2, 20, 30)  # an evening; naive, as _now() is


def give_url(record):
    return reverse("collaborators:signin-give", args=[record.pk])


def reset_url(record):
    return reverse("collaborators:signin-reset", args=[record.pk])


def errors(response) -> list[str]:
    return [
        str(message)
        for message in get_messages(response.wsgi_request)
        if message.level_tag == "danger" or "error" in message.tags
    ]


def past_the_limit(limit: str) -> str:
    """The page's message for slips past ``limit``, in the active language."""
    return gettext(
        "The sign-in slips went past %(limit)s, so no one was given sign-in "
        "and no code or link was made. Ask the administrator to raise it, "
        "then press the button again."
    ) % {"limit": gettext(limit)}


LENGTH_LIMIT = "the PDF length limit (PDF_MAX_HTML_CHARS)"
TIME_LIMIT = "the PDF time limit (PDF_RENDER_TIME_LIMIT)"


@pytest.fixture
def with_email(commune):
    return CollaboratorFactory(
        unit=commune,
        full_name="Nguyễn Văn An",
        phone="0912 345 678",
        email="an.nguyen@example.vn",
    )


@pytest.fixture
def without_email(commune):
    return CollaboratorFactory(
        unit=commune, full_name="Đặng Thị Ánh", phone="", email=""
    )


@pytest.fixture
def imported(commune, other_commune):
    """After an import: two with an e-mail address, three to be given slips."""
    return [
        *(
            CollaboratorFactory(unit=commune, email=f"ctv{n}@example.vn")
            for n in range(2)
        ),
        *(
            CollaboratorFactory(unit=other_commune, email="", phone="")
            for n in range(3)
        ),
    ]


def nothing_given(records) -> bool:
    for record in records:
        record.refresh_from_db()
    return (
        all(record.user_id is None for record in records)
        and not User.objects.filter(role=User.Role.COLLABORATOR).exists()
        and not SignInCode.objects.exists()
        and not Notification.objects.exists()
    )


# --- The slips and the codes are one outcome --------------------------------------


@pytest.mark.parametrize(
    ("setting", "value", "limit"),
    [
        ("PDF_MAX_HTML_CHARS", 200, LENGTH_LIMIT),
        ("PDF_RENDER_TIME_LIMIT", 0.001, TIME_LIMIT),
    ],
    ids=["length", "time"],
)
def test_bulk_slips_past_a_render_limit_give_no_one_sign_in_and_a_second_press_does(
    client_of,
    staff,
    imported,
    settings,
    mailoutbox,
    tmp_path,
    django_capture_on_commit_callbacks,
    setting,
    value,
    limit,
):
    client = client_of(staff)
    normal = getattr(settings, setting)
    setattr(settings, setting, value)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        failed = client.post(BULK)
    assert failed.status_code == 302
    assert failed["Location"] == BULK
    assert errors(failed) == [past_the_limit(limit)]
    assert setting in errors(failed)[0]
    assert nothing_given(imported)
    assert callbacks == []
    assert mailoutbox == []
    page = client.get(BULK)
    assert page.context["total"] == len(imported)

    setattr(settings, setting, normal)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(BULK)
    assert response["Content-Type"] == "application/pdf"
    codes = CODE.findall(pdf_text(b"".join(response.streaming_content), layout=True))
    assert len(codes) == 3
    slipped = [record for record in imported if not record.email]
    users = {User.objects.get(collaborator=record) for record in slipped}
    assert sum(
        signin_code_consume(user=user, code=code) for user in users for code in codes
    ) == len(codes)
    assert sorted(message.to[0] for message in mailoutbox) == [
        "ctv0@example.vn",
        "ctv1@example.vn",
    ]


def test_a_single_slip_past_the_limit_makes_no_account(
    client_of, staff, without_email, settings, tmp_path
):
    client = client_of(staff)
    settings.PDF_MAX_HTML_CHARS = 200
    failed = client.post(give_url(without_email), {"username": "anh-dang"})
    assert failed.status_code == 200
    assert errors(failed) == [past_the_limit(LENGTH_LIMIT)]
    assert nothing_given([without_email])

    settings.PDF_MAX_HTML_CHARS = 8_000_000
    given = client.post(give_url(without_email), {"username": "anh-dang"})
    assert given["Content-Type"] == "application/pdf"
    code = CODE.findall(pdf_text(b"".join(given.streaming_content), layout=True))[0]
    assert signin_code_consume(user=User.objects.get(username="anh-dang"), code=code)


def test_a_reset_slip_past_the_limit_leaves_the_old_code_working(
    client_of, staff, without_email, settings
):
    given = signin.signin_give(actor=staff, collaborator=without_email)
    settings.PDF_MAX_HTML_CHARS = 200
    failed = client_of(staff).post(reset_url(without_email))
    assert failed.status_code == 200
    assert errors(failed) == [past_the_limit(LENGTH_LIMIT)]
    assert SignInCode.objects.filter(user=given.user).count() == 1
    assert signin_code_consume(user=given.user, code=given.slip.code)


def test_a_board_account_whose_slip_fails_is_not_made(
    client_of, admin_user, town, settings
):
    settings.PDF_MAX_HTML_CHARS = 200
    failed = client_of(admin_user).post(
        ACCOUNT_GIVE,
        {
            "username": "lanhdao-moi",
            "full_name": "Võ Thị Hạnh",
            "role": User.Role.LEADER,
            "org_unit": town.pk,
            "email": "",
        },
    )
    assert failed.status_code == 200
    assert errors(failed) == [past_the_limit(LENGTH_LIMIT)]
    assert not User.objects.filter(username="lanhdao-moi").exists()


# --- The first-sign-in link lasts what its e-mail says ------------------------------


@pytest.fixture
def clock(monkeypatch):
    """Set the time the first-sign-in and reset tokens are made and checked at."""

    def set_to(moment: datetime.datetime):
        for generator in (accounts.signin_link_tokens, default_token_generator):
            monkeypatch.setattr(generator, "_now", lambda: moment)

    return set_to


def _give_by_email(client, record, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(give_url(record), {"username": "an.nguyen"})
    assert response.status_code == 302


def _link_works(path: str) -> bool:
    page = Client().get(path, follow=True)
    return page.context["validlink"]


def test_the_link_works_until_the_lifetime_its_email_states(
    client_of,
    staff,
    with_email,
    settings,
    clock,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    settings.SIGNIN_LINK_DAYS = 5
    clock(SENT_AT)
    _give_by_email(client_of(staff), with_email, django_capture_on_commit_callbacks)
    (message,) = mailoutbox
    lifetime = ngettext(
        "It works once, within %(days)s day:",
        "It works once, within %(days)s days:",
        5,
    ) % {"days": 5}
    assert lifetime in message.body
    path = LINK.search(message.body).group(1)

    lasts = datetime.timedelta(days=5)
    clock(SENT_AT + lasts - datetime.timedelta(minutes=1))
    assert _link_works(path)
    clock(SENT_AT + lasts + datetime.timedelta(minutes=1))
    assert not _link_works(path)


@pytest.mark.parametrize(
    ("days", "said"),
    [(3, "It works once, within 3 days:"), (1, "It works once, within 1 day:")],
)
def test_an_english_reader_is_told_the_real_lifetime(db, settings, days, said):
    settings.SIGNIN_LINK_DAYS = days
    user = User.objects.create(
        username="reader", email="reader@example.vn", language="en"
    )
    body = accounts.signin_link_email(user).body
    assert said in body
    assert "%" not in body


def test_the_link_outlives_the_reset_timeout_by_default(
    client_of,
    staff,
    with_email,
    settings,
    clock,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    assert settings.SIGNIN_LINK_DAYS == 3
    assert settings.PASSWORD_RESET_TIMEOUT == 60 * 60
    clock(SENT_AT)
    _give_by_email(client_of(staff), with_email, django_capture_on_commit_callbacks)
    path = LINK.search(mailoutbox[0].body).group(1)
    clock(SENT_AT + datetime.timedelta(days=2, hours=23))  # read days later
    assert _link_works(path)
    clock(SENT_AT + datetime.timedelta(days=3, minutes=1))
    assert not _link_works(path)


def test_a_reset_link_keeps_the_reset_timeout(db, collaborator, settings, clock):
    clock(SENT_AT)
    uidb64 = urlsafe_base64_encode(force_bytes(collaborator.pk))
    token = default_token_generator.make_token(collaborator)
    path = reverse("password_reset_confirm", args=[uidb64, token])
    lasts = datetime.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    clock(SENT_AT + lasts - datetime.timedelta(minutes=1))
    assert _link_works(path)
    clock(SENT_AT + lasts + datetime.timedelta(minutes=1))
    assert not _link_works(path)


def test_the_link_sets_a_password_once(
    client_of, staff, with_email, mailoutbox, django_capture_on_commit_callbacks
):
    _give_by_email(client_of(staff), with_email, django_capture_on_commit_callbacks)
    path = LINK.search(mailoutbox[0].body).group(1)
    person = Client()
    form_page = person.get(path, follow=True)
    done = person.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert Client().login(username="an.nguyen", password=NEW_PASSWORD)
    assert not _link_works(path)


# --- The e-mail goes through the queue, once -----------------------------------------


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_sign_in_email_is_a_notification_emailed_once(
    client_of, staff, with_email, mailoutbox, django_capture_on_commit_callbacks
):
    _give_by_email(client_of(staff), with_email, django_capture_on_commit_callbacks)
    notification = Notification.objects.get(recipient__username="an.nguyen")
    assert notification.emailed_at is not None
    assert [message.to for message in mailoutbox] == [["an.nguyen@example.vn"]]
    # A redelivery of the job, or the sweep sending it again, sends nothing more.
    assert send_notification_emails.apply(args=[[notification.pk]]).get() == 0
    assert len(mailoutbox) == 1
    # The link is made when the e-mail is sent: it is stored nowhere.
    token = LINK.search(mailoutbox[0].body).group(1).rstrip("/").rsplit("/", 1)[1]
    assert token not in notification.title + notification.body + notification.url


def test_a_sign_in_email_waits_out_a_mail_server_that_is_down_and_goes_once(
    client_of,
    staff,
    with_email,
    settings,
    monkeypatch,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    settings.EMAIL_TIMEOUT = 1
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_of(staff).post(
            give_url(with_email), {"username": "an.nguyen"}
        )
    # The request queues one job and answers; it never talks to the mail server.
    assert response.status_code == 302
    assert len(callbacks) == 1
    notification = Notification.objects.get(recipient__username="an.nguyen")

    monkeypatch.setattr(send_notification_emails, "max_retries", 0)
    result = send_notification_emails.apply(args=[[notification.pk]], throw=False)
    assert isinstance(result.result, OSError)
    notification.refresh_from_db()
    assert (notification.emailed_at, notification.email_claimed_at) == (None, None)

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_notification_emails.apply(args=[[notification.pk]]).get() == 1
    assert send_notification_emails.apply(args=[[notification.pk]]).get() == 0
    assert [message.to for message in mailoutbox] == [["an.nguyen@example.vn"]]
    assert _link_works(LINK.search(mailoutbox[0].body).group(1))


class FailsOnceBackend(EmailBackend):
    """A mail server that drops the first connection."""

    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).calls == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


def test_bulk_links_are_retried_after_a_dropped_connection_and_go_once(
    client_of, staff, imported, settings, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        client_of(staff).post(BULK)
    assert len(callbacks) == 1  # one job for the batch's links
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) == 2
    settings.EMAIL_BACKEND = f"{__name__}.FailsOnceBackend"
    FailsOnceBackend.calls = 0
    # throw=False: the retry runs here, as a worker would run it later.
    send_notification_emails.apply(args=[ids], throw=False)
    assert FailsOnceBackend.calls == 3  # the first (dropped), again, the second
    assert sorted(message.to[0] for message in mailoutbox) == [
        "ctv0@example.vn",
        "ctv1@example.vn",
    ]
    assert not Notification.objects.filter(emailed_at__isnull=True).exists()


def test_a_link_queued_before_a_slip_reset_is_not_sent(
    client_of, staff, with_email, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():  # the job has not run yet
        client_of(staff).post(give_url(with_email), {"username": "an.nguyen"})
    Collaborator.objects.filter(pk=with_email.pk).update(email="")
    signin.signin_reset(actor=staff, collaborator=with_email)
    notification = Notification.objects.get(recipient__username="an.nguyen")
    assert send_notification_emails.apply(args=[[notification.pk]]).get() == 0
    assert mailoutbox == []


# --- Through the real broker and a worker --------------------------------------------


@pytest.mark.broker
def test_a_worker_emails_the_sign_in_link_once(
    transactional_db, worker, client_of, staff, with_email, mailoutbox
):
    response = client_of(staff).post(give_url(with_email), {"username": "an.nguyen"})
    assert response.status_code == 302
    notification = Notification.objects.get(recipient__username="an.nguyen")

    def emailed():
        notification.refresh_from_db()
        return notification.emailed_at is not None

    wait_until(emailed, "the worker sends the e-mail")
    assert notification.emailed_at is not None, "the worker did not send the e-mail"
    # The job delivered again sends nothing more.
    assert send_notification_emails.apply(args=[[notification.pk]]).get() == 0
    assert [message.to for message in mailoutbox] == [["an.nguyen@example.vn"]]
    assert _link_works(LINK.search(mailoutbox[0].body).group(1))
