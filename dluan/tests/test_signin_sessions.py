"""Sessions: a new key at sign-in, idle and absolute expiry, the account page's
list and sign-out everywhere; the language kept on the account."""

import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from dluan.accounts import signin_code_issue
from dluan.auth import SEEN_AT, SIGNED_IN_AT
from dluan.models import UserSession
from dluan.tests.factories import DEMO_PASSWORD


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _sign_in(client, user, password=DEMO_PASSWORD, **extra):
    return client.post(
        reverse("login"), {"username": user.username, "password": password}, **extra
    )


def test_the_session_key_changes_at_sign_in(client, staff):
    session = client.session
    session["probe"] = 1
    session.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = session.session_key
    before = session.session_key
    _sign_in(client, staff)
    after = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert after and after != before


def test_sign_in_records_the_session_and_sign_out_removes_it(client, staff):
    _sign_in(client, staff, HTTP_USER_AGENT="Mozilla/5.0 (Android 14) Chrome/126")
    row = UserSession.objects.get(user=staff)
    assert row.session_key == client.session.session_key
    assert row.ip_address == "127.0.0.1"
    assert "Android" in row.user_agent
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(user=staff).exists()


def test_an_idle_session_ends_with_a_vietnamese_message(client_of, staff):
    client = client_of(staff)
    session = client.session
    session[SEEN_AT] = time.time() - django_settings.SESSION_IDLE_TIMEOUT - 5
    session.save()
    response = client.get(reverse("notifications"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Phiên đăng nhập đã kết thúc" in page


def test_a_session_ends_at_its_absolute_limit_even_when_active(client_of, staff):
    client = client_of(staff)
    session = client.session
    session[SIGNED_IN_AT] = time.time() - django_settings.SESSION_ABSOLUTE_TIMEOUT - 5
    session[SEEN_AT] = time.time()
    session.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Phiên đăng nhập đã hết thời hạn" in page


def test_an_active_session_notes_the_time_at_most_once_a_minute(client, staff):
    _sign_in(client, staff)
    row = UserSession.objects.get(user=staff)
    client.get(reverse("home"))
    assert UserSession.objects.get(pk=row.pk).last_seen_at == row.last_seen_at
    session = client.session
    session[SEEN_AT] = time.time() - 120
    session.save()
    client.get(reverse("home"))
    assert UserSession.objects.get(pk=row.pk).last_seen_at > row.last_seen_at


def test_the_account_page_lists_the_persons_sessions_only(client, staff, leader):
    _sign_in(client, staff, HTTP_USER_AGENT="Firefox-on-laptop")
    _sign_in(Client(), staff, HTTP_USER_AGENT="Chrome-on-phone")
    _sign_in(Client(), leader, HTTP_USER_AGENT="Leader-browser")
    page = client.get(reverse("account")).content.decode()
    assert "Firefox-on-laptop" in page
    assert "Chrome-on-phone" in page
    assert "Leader-browser" not in page


def test_the_account_page_needs_sign_in(client, db):
    response = client.get(reverse("account"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_out_of_other_sessions_keeps_this_one(client, staff):
    other = Client()
    _sign_in(client, staff)
    _sign_in(other, staff)
    client.post(reverse("account-sessions-sign-out"), {"scope": "others"})
    assert client.get(reverse("home")).status_code == 200
    assert other.get(reverse("home")).status_code == 302
    assert UserSession.objects.filter(user=staff).count() == 1


def test_sign_out_everywhere_ends_another_clients_session(client, staff, leader):
    other = Client()
    leaders = Client()
    _sign_in(client, staff)
    _sign_in(other, staff)
    _sign_in(leaders, leader)
    response = client.post(reverse("account-sessions-sign-out"), {"scope": "all"})
    assert response["Location"] == reverse("login")
    assert other.get(reverse("home")).status_code == 302
    assert client.get(reverse("home")).status_code == 302
    assert leaders.get(reverse("home")).status_code == 200
    assert not UserSession.objects.filter(user=staff).exists()


# --- Language ---------------------------------------------------------------------


def test_an_english_browser_still_gets_vietnamese(client, staff):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "vi"
    assert "Đăng nhập" in response.content.decode()
    _sign_in(client, staff, HTTP_ACCEPT_LANGUAGE="en")
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.headers["Content-Language"] == "vi"


def test_a_user_who_chose_english_gets_english_on_any_device(client, staff):
    _sign_in(client, staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    staff.refresh_from_db()
    assert staff.language == "en"
    fresh = Client()
    _sign_in(fresh, staff)
    response = fresh.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="vi")
    assert response.headers["Content-Language"] == "en"


def test_the_account_language_outranks_the_sign_in_pages_choice(client, staff):
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert client.get(reverse("login")).headers["Content-Language"] == "en"
    _sign_in(client, staff)
    assert client.get(reverse("home")).headers["Content-Language"] == "vi"


# --- Secrets stay secret ----------------------------------------------------------


def test_no_password_or_code_in_pages_logs_or_subjects(
    client, collaborator, staff, caplog, mailoutbox
):
    code = signin_code_issue(user=collaborator, created_by=staff)
    pages = [_sign_in(client, collaborator, password=code)]
    pages.append(client.get(reverse("password-set")))
    new = "Một mật khẩu thật dài cho cộng tác viên"
    pages.append(
        client.post(
            reverse("password-set"), {"new_password1": new, "new_password2": new}
        )
    )
    pages.append(client.get(reverse("account")))
    client.post(reverse("logout"))
    pages.append(_sign_in(client, collaborator, password="mat-khau-sai-123"))
    client.post(reverse("password_reset"), {"email": collaborator.email})
    content = "".join(page.content.decode() for page in pages)
    subjects = " ".join(message.subject for message in mailoutbox)
    for secret in (code, code.replace("-", ""), new, "mat-khau-sai-123"):
        assert secret not in content
        assert secret not in caplog.text
        assert secret not in subjects
