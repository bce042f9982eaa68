"""Two-factor sign-in: enrolment with a QR code, TOTP and recovery codes, and the
requirement for administrators and board staff."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dluan.tests.factories import DEMO_PASSWORD


@pytest.fixture(autouse=True)
def _clear_cache(settings):
    cache.clear()
    # A wrong code makes the device wait before the next try: not in these tests.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _code(device) -> str:
    value = totp(
        device.bin_key,
        step=device.step,
        t0=device.t0,
        digits=device.digits,
        drift=device.drift,
    )
    return f"{value:0{device.digits}d}"


@pytest.fixture
def leader_device(leader):
    device = TOTPDevice.objects.create(user=leader, name="phone", confirmed=True)
    recovery = StaticDevice.objects.create(user=leader, name="recovery")
    StaticToken.objects.create(device=recovery, token="hue2026ab")
    return device


def _password_step(client, user):
    return client.post(
        reverse("login"), {"username": user.username, "password": DEMO_PASSWORD}
    )


def test_enrolment_shows_an_inline_svg_qr_and_confirms_with_a_code(client_of, leader):
    client = client_of(leader)
    response = client.get(reverse("two-factor-enrol"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in content
    assert "<img" not in content.split("<main", 1)[1].split("</main>", 1)[0]
    assert "xác thực hai lớp" in content.lower()
    # Opening the page saves nothing: the secret waits in the session.
    assert not TOTPDevice.objects.filter(user=leader).exists()
    device = TOTPDevice(key=client.session["_dluan_totp_pending"])
    response = client.post(reverse("two-factor-enrol"), {"otp_token": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors
    response = client.post(reverse("two-factor-enrol"), {"otp_token": _code(device)})
    assert response.status_code == 200
    saved = TOTPDevice.objects.get(user=leader)
    assert saved.confirmed and saved.key == device.key
    codes = response.context["codes"]
    assert len(codes) == 10
    assert all(code in response.content.decode() for code in codes)
    assert "no-store" in response["Cache-Control"]
    assert StaticToken.objects.filter(device__user=leader).count() == 10


def test_sign_in_with_a_device_asks_for_a_code(client, leader, leader_device):
    response = _password_step(client, leader)
    assert response.status_code == 302
    assert response["Location"] == reverse("login-verify")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("login-verify"), {"otp_token": "123456"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("login-verify"), {"otp_token": _code(leader_device)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(leader.pk)
    assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_signs_in_once(client, leader, leader_device):
    _password_step(client, leader)
    response = client.post(reverse("login-verify"), {"otp_token": "hue2026ab"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(leader.pk)
    assert not StaticToken.objects.filter(token="hue2026ab").exists()
    client.post(reverse("logout"))
    _password_step(client, leader)
    response = client.post(reverse("login-verify"), {"otp_token": "hue2026ab"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_the_code_step_without_the_password_step_goes_back(client, leader_device):
    response = client.get(reverse("login-verify"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")


def test_staff_without_a_device_must_enrol_when_required(client, staff, settings):
    settings.OTP_REQUIRED = True
    _password_step(client, staff)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two-factor-enrol"))
    assert client.get(reverse("two-factor-enrol")).status_code == 200


def test_staff_signs_in_in_one_step_when_not_required(client, staff, settings):
    settings.OTP_REQUIRED = False
    _password_step(client, staff)
    assert client.get(reverse("home")).status_code == 200


def test_a_collaborator_is_not_required_to_enrol(client, collaborator, settings):
    settings.OTP_REQUIRED = True
    _password_step(client, collaborator)
    assert client.get(reverse("home")).status_code == 200


def test_an_unverified_session_of_an_enrolled_user_is_sent_to_the_code(
    client_of, leader, leader_device
):
    # E.g. signed in through another path: the device is still asked for.
    client = client_of(leader)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login-verify"))
    response = client.post(
        reverse("login-verify") + "?next=/", {"otp_token": _code(leader_device)}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_required_staff_cannot_turn_two_factor_off(client_of, staff, settings):
    settings.OTP_REQUIRED = True
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    client = client_of(staff)
    session = client.session
    session["_dluan_2fa"] = ""
    session.save()
    client.post(reverse("two-factor-disable"), {"password": DEMO_PASSWORD})
    assert TOTPDevice.objects.filter(user=staff).exists()


def test_a_leader_can_turn_two_factor_off_with_the_password(
    client, leader, leader_device
):
    _password_step(client, leader)
    client.post(reverse("login-verify"), {"otp_token": _code(leader_device)})
    client.post(reverse("two-factor-disable"), {"password": "sai"})
    assert TOTPDevice.objects.filter(user=leader).exists()
    client.post(reverse("two-factor-disable"), {"password": DEMO_PASSWORD})
    assert not TOTPDevice.objects.filter(user=leader).exists()
    assert not StaticDevice.objects.filter(user=leader).exists()


def test_codes_never_reach_a_page_or_log(client, leader, leader_device, caplog):
    _password_step(client, leader)
    code = _code(leader_device)
    response = client.post(reverse("login-verify"), {"otp_token": "hue2026ab"})
    assert response.status_code == 302
    page = client.get(reverse("account")).content.decode()
    for secret in ("hue2026ab", code, DEMO_PASSWORD, leader_device.key):
        assert secret not in caplog.text
        assert secret not in page
    assert re.search(r"1 mã dự phòng|0 mã dự phòng", page)
