"""Signing out everywhere, a suspension and a dismissal end every session of the
person, including one whose key Django changed after it signed in (sign-in, a
first password after a slip code, a password change or reset, a second factor)."""

import datetime

import pytest
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dluan.accounts import signin_code_issue
from dluan.auth import SESSION_ROW
from dluan.models import User, UserSession
from dluan.tests.factories import DEMO_PASSWORD

NEW_PASSWORD = "ruộng lúa Tứ Hạ mùa thu"
RECOVERY_CODES = ["hue2026ab", "hue2026cd"]


@pytest.fixture(autouse=True)
def _clear_cache(settings):
    cache.clear()
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _totp_code(device) -> str:
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:0{device.digits}d}"


def _sign_in(client, user, password, recovery: list[str]):
    """The sign-in page, and the second step with a recovery code if asked."""
    response = client.post(
        reverse("login"), {"username": user.username, "password": password}
    )
    if response.status_code == 302 and response["Location"] == reverse("login-verify"):
        response = client.post(reverse("login-verify"), {"otp_token": recovery.pop()})
    assert response.status_code == 302, "the sign-in did not go through"
    return response


def _reads_reports(client) -> bool:
    return client.get(reverse("reports:report-list")).status_code == 200


def _sent_to_sign_in(client) -> bool:
    response = client.get(reverse("reports:report-list"))
    return response.status_code == 302 and response["Location"].startswith(
        reverse("login")
    )


# --- The paths that give a signed-in session a new key -----------------------------
# Each signs the person in on ``client`` and returns the password and recovery
# codes a second browser signs in with.


def _path_sign_in(client, user, staff):
    _sign_in(client, user, DEMO_PASSWORD, [])
    return DEMO_PASSWORD, []


def _path_code_then_password_set(client, user, staff):
    code = signin_code_issue(user=user, created_by=staff)
    _sign_in(client, user, code, [])
    response = client.post(
        reverse("password-set"),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    return NEW_PASSWORD, []


def _path_password_change(client, user, staff):
    _sign_in(client, user, DEMO_PASSWORD, [])
    response = client.post(
        reverse("password_change"),
        {
            "old_password": DEMO_PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    return NEW_PASSWORD, []


def _path_password_reset(client, user, staff):
    link = reverse(
        "password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    response = client.get(link, follow=True)
    assert response.context["validlink"]
    response = client.post(
        response.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == reverse("password_reset_complete")
    _sign_in(client, user, NEW_PASSWORD, [])
    return NEW_PASSWORD, []


def _path_two_factor_verify(client, user, staff):
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="recovery")
    for token in RECOVERY_CODES:
        StaticToken.objects.create(device=recovery, token=token)
    response = client.post(
        reverse("login"), {"username": user.username, "password": DEMO_PASSWORD}
    )
    assert response["Location"] == reverse("login-verify")
    response = client.post(reverse("login-verify"), {"otp_token": _totp_code(device)})
    assert response.status_code == 302
    return DEMO_PASSWORD, list(RECOVERY_CODES)


def _path_two_factor_enrol(client, user, staff):
    _sign_in(client, user, DEMO_PASSWORD, [])
    client.get(reverse("two-factor-enrol"))
    device = TOTPDevice(key=client.session["_dluan_totp_pending"])
    response = client.post(
        reverse("two-factor-enrol"), {"otp_token": _totp_code(device)}
    )
    assert response.status_code == 200
    return DEMO_PASSWORD, list(response.context["codes"][:2])


PATHS = {
    "sign-in": _path_sign_in,
    "slip code then password set": _path_code_then_password_set,
    "password change": _path_password_change,
    "password reset": _path_password_reset,
    "two-factor verification": _path_two_factor_verify,
    "two-factor enrolment": _path_two_factor_enrol,
}


@pytest.fixture(params=PATHS.values(), ids=PATHS.keys())
def signed_in(request, collaborator, staff):
    """The collaborator's browser after one path, and the credentials to sign in."""
    first = Client()
    password, recovery = request.param(first, collaborator, staff)
    assert _reads_reports(first)
    return first, password, recovery


# --- Ending the sessions ---------------------------------------------------------------


def test_sign_out_everywhere_from_another_browser_ends_the_session(
    signed_in, collaborator
):
    first, password, recovery = signed_in
    second = Client()
    _sign_in(second, collaborator, password, recovery)
    response = second.post(reverse("account-sessions-sign-out"), {"scope": "all"})
    assert response["Location"] == reverse("login")
    assert _sent_to_sign_in(first)
    assert _sent_to_sign_in(second)
    assert not UserSession.objects.filter(user=collaborator).exists()


def test_sign_out_of_other_sessions_ends_it_and_keeps_the_one_asking(
    signed_in, collaborator
):
    first, password, recovery = signed_in
    second = Client()
    _sign_in(second, collaborator, password, recovery)
    second.post(reverse("account-sessions-sign-out"), {"scope": "others"})
    assert _sent_to_sign_in(first)
    assert _reads_reports(second)
    row = UserSession.objects.get(user=collaborator)
    assert row.session_key == second.session.session_key


def _decide(staff_client, collaborator, kind, **extra):
    record = collaborator.collaborator
    response = staff_client.post(
        reverse("collaborators:collaborator-event-create", args=[record.pk]),
        {"kind": kind, "date": timezone.localdate().isoformat(), **extra},
    )
    assert response.status_code == 302, "the decision was not recorded"


def test_suspension_ends_the_session_for_good(signed_in, collaborator, staff):
    first, _password, _recovery = signed_in
    board = Client()
    board.force_login(staff)
    _decide(board, collaborator, "suspend")
    assert _sent_to_sign_in(first)
    # Reinstating gives sign-in back, not the sessions the suspension ended.
    _decide(board, collaborator, "reinstate")
    assert _sent_to_sign_in(first)


def test_dismissal_ends_the_session_for_good(signed_in, collaborator, staff):
    first, _password, _recovery = signed_in
    board = Client()
    board.force_login(staff)
    _decide(board, collaborator, "dismiss")
    assert _sent_to_sign_in(first)
    term_end = timezone.localdate() + datetime.timedelta(days=365)
    _decide(board, collaborator, "appoint", term_end=term_end.isoformat())
    assert _sent_to_sign_in(first)


# --- The list of sessions follows the key ----------------------------------------------


def test_the_account_page_knows_this_session_under_its_new_key(signed_in, collaborator):
    first, _password, _recovery = signed_in
    row = UserSession.objects.get(user=collaborator)
    assert row.session_key == first.session.session_key
    page = first.get(reverse("account"))
    assert [s.pk for s in page.context["sessions"]] == [row.pk]
    assert page.context["current_key"] == row.session_key


def _as_before_this_release(client, user):
    """Make the session look as the old code left it: its row under a key Django
    replaced, and no row noted in the session."""
    session = client.session
    del session[SESSION_ROW]
    session.save()
    UserSession.objects.filter(user=user).update(session_key="x" * 32)


def test_a_session_missing_from_the_list_still_ends(client, collaborator, staff):
    password, recovery = _path_code_then_password_set(client, collaborator, staff)
    _as_before_this_release(client, collaborator)
    second = Client()
    _sign_in(second, collaborator, password, recovery)
    second.post(reverse("account-sessions-sign-out"), {"scope": "all"})
    assert _sent_to_sign_in(client)


def test_an_older_copy_of_the_account_saved_later_revives_nothing(
    client, collaborator, staff
):
    _path_code_then_password_set(client, collaborator, staff)
    _as_before_this_release(client, collaborator)
    older = User.objects.get(pk=collaborator.pk)
    board = Client()
    board.force_login(staff)
    _decide(board, collaborator, "suspend")
    _decide(board, collaborator, "reinstate")
    older.full_name = "Trần Thị Hoa (Tứ Hạ)"
    older.save()
    assert User.objects.get(pk=collaborator.pk).full_name == "Trần Thị Hoa (Tứ Hạ)"
    assert _sent_to_sign_in(client)


def test_a_session_opened_before_this_release_stays_signed_in(collaborator):
    # Its hash is Django's own: the release must not sign everyone out.
    browser = Client()
    browser.force_login(collaborator)
    session = browser.session
    session[HASH_SESSION_KEY] = AbstractBaseUser.get_session_auth_hash(collaborator)
    del session[SESSION_ROW]
    session.save()
    assert _reads_reports(browser)
