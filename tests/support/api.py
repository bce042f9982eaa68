"""What the API's tests share: a client that sends a personal key."""

import datetime

from django.test import Client
from django.utils import timezone

from dluan.api import tokens


def key_for(user, *, days: int = 30, name: str = "Power BI") -> str:
    """A new key of ``user`` (made through the service, as the account page does)."""
    _token, key = tokens.api_token_create(
        owner=user,
        name=name,
        expires_on=timezone.localdate() + datetime.timedelta(days=days),
    )
    return key


def api_client(user=None, *, key: str | None = None) -> Client:
    """A client sending ``Authorization: Bearer <key>`` (a new key of ``user``)."""
    key = key or key_for(user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")
