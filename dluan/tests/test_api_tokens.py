"""Personal API keys: made on the account page and shown once, kept hashed, with
an expiry; revoked; none for collaborators; a rate limit per key."""

import datetime
import hashlib

import pytest
from auditlog.models import LogEntry
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dluan.api import tokens
from dluan.models import ApiToken, User
from tests.support.api import api_client, key_for

UNITS = "/api/v1/units/"


def _make(client, name="Power BI của Ban", days=30):
    expires = timezone.localdate() + datetime.timedelta(days=days)
    return client.post(
        reverse("account"),
        {
            "action": "api-key-create",
            "api_key-name": name,
            "api_key-expires_on": expires.strftime("%d/%m/%Y"),
        },
    )


@pytest.mark.django_db
def test_staff_make_a_key_shown_once_and_stored_hashed(client_of, staff):
    client = client_of(staff)
    response = _make(client)
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    token = ApiToken.objects.get(owner=staff)
    key = html.split('id="new-api-key">')[1].split("<")[0]
    assert key.startswith("dluan_") and len(key) > 40
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(ApiToken.objects.values().get())
    assert token.prefix == key[:12] and token.prefix in html
    assert "no-store" in page["Cache-Control"]
    # Shown once: the next visit shows its prefix only.
    again = client.get(reverse("account")).content.decode()
    assert key not in again and token.prefix in again
    assert api_client(key=key).get(UNITS).status_code == 200


@pytest.mark.django_db
def test_expiry_is_required_and_at_most_a_year(client_of, leader):
    client = client_of(leader)
    assert _make(client, days=366).status_code == 400
    assert _make(client, days=-1).status_code == 400
    refused = client.post(
        reverse("account"), {"action": "api-key-create", "api_key-name": "x"}
    )
    assert refused.status_code == 400
    assert not ApiToken.objects.exists()
    assert _make(client, days=365).status_code == 302


@pytest.mark.django_db
def test_the_form_proposes_ninety_days(client_of, staff):
    html = client_of(staff).get(reverse("account")).content.decode()
    default = timezone.localdate() + datetime.timedelta(days=90)
    assert f'value="{default:%d/%m/%Y}"' in html
    assert "Khoá truy cập API" in html


@pytest.mark.django_db
def test_an_expired_key_is_refused(staff):
    key = key_for(staff, days=0)
    assert api_client(key=key).get(UNITS).status_code == 200
    ApiToken.objects.update(expires_on=timezone.localdate() - datetime.timedelta(1))
    response = api_client(key=key).get(UNITS)
    assert response.status_code == 401
    assert "hết hạn" in response.json()["detail"]


@pytest.mark.django_db
def test_revoke_on_the_account_page_stops_the_key(client_of, staff, other_staff):
    key = key_for(staff)
    token = ApiToken.objects.get(owner=staff)
    # Someone else's key is not theirs to revoke.
    other = client_of(other_staff).post(
        reverse("account"), {"action": "api-key-revoke", "key": token.pk}
    )
    assert other.status_code == 404
    assert api_client(key=key).get(UNITS).status_code == 200
    response = client_of(staff).post(
        reverse("account"), {"action": "api-key-revoke", "key": token.pk}
    )
    assert response.status_code == 302
    assert api_client(key=key).get(UNITS).status_code == 401
    assert "dluan_" not in client_of(staff).get(reverse("account")).content.decode()


@pytest.mark.django_db
def test_making_and_revoking_a_key_are_in_the_audit_trail(client_of, staff):
    client = client_of(staff)
    _make(client)
    token = ApiToken.objects.get()
    client.post(reverse("account"), {"action": "api-key-revoke", "key": token.pk})
    entries = LogEntry.objects.get_for_object(token).order_by("pk")
    assert [e.action for e in entries] == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
    ]
    assert entries[0].actor == staff
    assert entries[0].additional_data["unit"] == staff.org_unit_id
    assert "key_hash" not in entries[0].changes_dict
    assert "revoked_at" in entries[1].changes_dict


@pytest.mark.django_db
def test_a_collaborator_cannot_make_a_key(client_of, collaborator):
    client = client_of(collaborator)
    assert "Khoá truy cập API" not in client.get(reverse("account")).content.decode()
    assert _make(client).status_code == 404
    assert not ApiToken.objects.exists()
    with pytest.raises(Exception):  # noqa: B017 (the service refuses too)
        key_for(collaborator)


@pytest.mark.django_db
def test_a_deactivated_or_demoted_users_key_stops_working(staff, leader):
    key = key_for(staff)
    staff.is_active = False
    staff.save()
    assert api_client(key=key).get(UNITS).status_code == 401
    key = key_for(leader)
    leader.role = User.Role.COLLABORATOR
    leader.save()
    assert api_client(key=key).get(UNITS).status_code == 401


@pytest.mark.django_db
def test_last_used_is_written_at_most_once_a_minute(staff, django_assert_num_queries):
    client = api_client(staff)
    client.get(UNITS)
    token = ApiToken.objects.get()
    first = token.last_used_at
    assert first is not None
    client.get(UNITS)
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - datetime.timedelta(seconds=61))
    client.get(UNITS)
    assert ApiToken.objects.get().last_used_at > first


@pytest.mark.django_db
def test_a_wrong_or_malformed_key_is_401_in_vietnamese(staff):
    for header in ("Bearer dluan_wrong", "Bearer", "Bearer a b"):
        response = Client(HTTP_AUTHORIZATION=header).get(UNITS)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
    anonymous = Client().get(UNITS)
    assert anonymous.status_code == 401
    assert "Đăng nhập" in anonymous.json()["detail"]


@pytest.mark.django_db
def test_the_rate_limit_answers_429_per_key(staff, settings):
    settings.API_RATE_LIMIT = "3/min"
    cache.clear()
    client = api_client(staff)
    assert [client.get(UNITS).status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(UNITS)
    assert refused.status_code == 429
    assert "Quá nhiều yêu cầu" in refused.json()["detail"]
    assert int(refused["Retry-After"]) > 0
    # Another key of the same person has its own allowance.
    assert api_client(staff).get(UNITS).status_code == 200
    cache.clear()


@pytest.mark.django_db
def test_only_get_head_and_options(staff):
    client = api_client(staff)
    assert client.head(UNITS).status_code == 200
    assert client.options(UNITS).status_code == 200
    for method in ("post", "put", "patch", "delete"):
        response = getattr(client, method)(UNITS)
        assert response.status_code == 405
        assert "chỉ đọc" in response.json()["detail"]


def test_key_hash_is_sha256():
    assert tokens.key_hash("dluan_x") == hashlib.sha256(b"dluan_x").hexdigest()


@pytest.mark.django_db
def test_the_account_pages_key_section_is_valid_html(client_of, staff):
    from tests.support.pages import html_problems

    client = client_of(staff)
    _make(client)
    client.get(reverse("account"))  # the key, shown once
    html = client.get(reverse("account")).content.decode()
    problems, _document = html_problems("/account/", html)
    assert problems == []
    refused = _make(client, days=400).content.decode()
    assert html_problems("/account/", refused)[0] == []
    assert 'aria-invalid="true"' in refused
