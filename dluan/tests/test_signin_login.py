"""Signing in by username, e-mail or phone, with a password or a one-time code;
lockout after repeated failures; NIST password rules."""

import datetime

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dluan.accounts import signin_code_issue
from dluan.auth import lockout_for, lockout_lift
from dluan.models import SignInCode
from dluan.tests.factories import DEMO_PASSWORD


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def _sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def _signed_in_as(client):
    return client.session.get("_auth_user_id")


def test_sign_in_by_username(client, staff):
    response = _sign_in(client, staff.username, DEMO_PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(client) == str(staff.pk)


def test_sign_in_by_email_whatever_its_case(client, staff):
    response = _sign_in(client, staff.email.upper(), DEMO_PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(client) == str(staff.pk)


@pytest.mark.parametrize("typed", ["+84 912 345 678", "0912345678", "84912345678"])
def test_sign_in_by_phone_however_it_is_written(client, staff, typed):
    staff.phone = "0912.345.678"
    staff.save()
    response = _sign_in(client, typed, DEMO_PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(client) == str(staff.pk)


def test_a_phone_shared_by_two_accounts_signs_no_one_in(client, staff, leader):
    for user in (staff, leader):
        user.phone = "0912345678"
        user.save()
    response = _sign_in(client, "0912345678", DEMO_PASSWORD)
    assert response.status_code == 200
    assert _signed_in_as(client) is None


def test_a_wrong_password_by_email_is_refused(client, staff):
    response = _sign_in(client, staff.email, "sai-mat-khau-roi")
    assert response.status_code == 200
    assert response.context["form"].errors
    assert _signed_in_as(client) is None


def test_a_one_time_code_signs_in_once_then_a_password_must_be_set(
    client, collaborator, staff
):
    code = signin_code_issue(user=collaborator, created_by=staff)
    response = _sign_in(client, collaborator.username, code.lower().replace("-", ""))
    assert response.status_code == 302
    collaborator.refresh_from_db()
    assert collaborator.must_change_password
    # Any page sends the person to set a password first.
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("password-set"))
    response = client.post(
        reverse("password-set"),
        {
            "new_password1": "ruộng lúa Tứ Hạ mùa thu",
            "new_password2": "ruộng lúa Tứ Hạ mùa thu",
        },
    )
    assert response.status_code == 302
    collaborator.refresh_from_db()
    assert not collaborator.must_change_password
    assert collaborator.check_password("ruộng lúa Tứ Hạ mùa thu")
    assert client.get(reverse("home")).status_code == 200
    # The code is spent: a second sign-in with it is refused.
    client.post(reverse("logout"))
    response = _sign_in(client, collaborator.username, code)
    assert response.status_code == 200
    assert _signed_in_as(client) is None


def test_setting_a_password_revokes_other_codes(client, collaborator, staff):
    code = signin_code_issue(user=collaborator, created_by=staff)
    _sign_in(client, collaborator.username, code)
    SignInCode.objects.create(
        user=collaborator,
        code_hash="x",
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    client.post(
        reverse("password-set"),
        {
            "new_password1": "Sông Hương chiều nay",
            "new_password2": "Sông Hương chiều nay",
        },
    )
    assert not SignInCode.objects.filter(
        user=collaborator, used_at__isnull=True, revoked_at__isnull=True
    ).exists()


def test_an_expired_code_is_refused(client, collaborator, staff):
    code = signin_code_issue(user=collaborator, created_by=staff)
    SignInCode.objects.filter(user=collaborator).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = _sign_in(client, collaborator.username, code)
    assert response.status_code == 200
    assert _signed_in_as(client) is None


def test_password_set_page_needs_the_flag(client_of, staff):
    response = client_of(staff).get(reverse("password-set"))
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change")


def test_login_page_names_the_three_ways_in_vietnamese(client, db):
    content = client.get(reverse("login")).content.decode()
    assert "Tên đăng nhập, thư điện tử hoặc số điện thoại" in content
    assert "Mật khẩu hoặc mã dùng một lần" in content


# --- Lockout ----------------------------------------------------------------------


def test_lockout_after_repeated_failures_says_when_to_try_again(
    client, staff, settings, caplog
):
    settings.AXES_FAILURE_LIMIT = 3
    for _attempt in range(2):
        assert _sign_in(client, staff.username, "sai-mat-khau").status_code == 200
    response = _sign_in(client, staff.email, "sai-mat-khau")
    assert response.status_code == 429
    content = response.content.decode()
    assert "tạm khóa" in content
    until = lockout_for(staff.username)
    assert until is not None
    assert until > timezone.now() + datetime.timedelta(minutes=29)
    assert timezone.localtime(until).strftime("%H:%M") in content
    # The right password does not help while locked out, whichever name is typed.
    response = _sign_in(client, staff.username, DEMO_PASSWORD)
    assert response.status_code == 429
    assert _signed_in_as(client) is None
    assert "locked out" in caplog.text
    assert "sai-mat-khau" not in caplog.text


def test_lockout_is_lifted_by_staff(client, staff, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _attempt in range(2):
        _sign_in(client, staff.username, "sai-mat-khau")
    assert lockout_for(staff.username) is not None
    assert lockout_lift(staff.username) >= 1
    assert lockout_for(staff.username) is None
    response = _sign_in(client, staff.username, DEMO_PASSWORD)
    assert response.status_code == 302


def test_lockout_of_one_account_leaves_another_alone(client, staff, leader, settings):
    settings.AXES_FAILURE_LIMIT = 2
    for _attempt in range(2):
        _sign_in(client, staff.username, "sai-mat-khau")
    assert lockout_for(leader.username) is None
    assert _sign_in(client, leader.username, DEMO_PASSWORD).status_code == 302


# --- Password rules (NIST SP 800-63B) ---------------------------------------------


def test_a_short_password_is_refused(staff):
    with pytest.raises(ValidationError):
        validate_password("Hue-123", staff)


@pytest.mark.parametrize("common", ["password123", "12345678", "qwertyuiop"])
def test_a_common_password_is_refused(staff, common):
    with pytest.raises(ValidationError):
        validate_password(common, staff)


def test_a_password_like_the_username_is_refused(staff):
    with pytest.raises(ValidationError):
        validate_password(staff.username, staff)


def test_an_overlong_password_is_refused(staff):
    with pytest.raises(ValidationError):
        validate_password("lúa " * 40, staff)


def test_a_long_vietnamese_passphrase_is_accepted(client_of, staff):
    passphrase = "Đồng lúa quê hương xanh mướt sau mùa mưa bão"
    validate_password(passphrase, staff)
    client = client_of(staff)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": passphrase,
            "new_password2": passphrase,
        },
    )
    assert response.status_code == 302
    client.post(reverse("logout"))
    assert _sign_in(client, staff.username, passphrase).status_code == 302


def test_only_digits_are_allowed_when_long_and_uncommon(staff):
    # No composition rule: a long number that is not a common one is fine.
    validate_password("4817 2956 0374", staff)
