"""Personal API keys: made and revoked on the account page, checked on each call.

A key is shown once, when it is made; only its SHA-256 is kept, with its first
characters (``prefix``) to tell keys apart in a list. A key works until the end
of its last day, unless revoked, and only while its owner is an active member of
staff, a leader or an administrator: a collaborator has no API.
"""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dluan.models import ApiToken, User

KEY_PREFIX = "dluan_"
PREFIX_LENGTH = 12
# ``last_used_at`` is written at most this often: not one UPDATE per call.
TOUCH_SECONDS = 60


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def may_use_api(user) -> bool:
    """Staff, leaders and administrators who are active; never a collaborator."""
    return bool(user and user.is_authenticated and user.is_active) and (
        not user.is_collaborator
    )


def default_expiry(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today + datetime.timedelta(days=settings.API_TOKEN_DEFAULT_DAYS)


def latest_expiry(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today + datetime.timedelta(days=settings.API_TOKEN_MAX_DAYS)


@transaction.atomic
def api_token_create(
    *, owner: User, name: str, expires_on: datetime.date
) -> tuple[ApiToken, str]:
    """A new key for ``owner``: the token row and the key, which is never kept."""
    if not may_use_api(owner):
        raise ValidationError(_("Your role has no access to the API."))
    today = timezone.localdate()
    if expires_on < today:
        raise ValidationError({"expires_on": _("The expiry date has passed.")})
    if expires_on > latest_expiry(today):
        raise ValidationError(
            {
                "expires_on": _("A key may last %(days)d days at most.")
                % {"days": settings.API_TOKEN_MAX_DAYS}
            }
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        owner=owner,
        name=name.strip(),
        prefix=key[:PREFIX_LENGTH],
        key_hash=key_hash(key),
        expires_on=expires_on,
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke the key at once; revoking it again changes nothing."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def token_for_key(key: str) -> ApiToken | None:
    """The usable token of ``key`` with its owner, or None."""
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    # From the primary, never a replica: a key revoked, or its owner deactivated,
    # stops working at once; a key just made works at once.
    token = (
        ApiToken.objects.using(DEFAULT_DB_ALIAS)
        .select_related("owner", "owner__org_unit")
        .filter(
            key_hash=key_hash(key),
            revoked_at__isnull=True,
            expires_on__gte=timezone.localdate(),
        )
        .first()
    )
    if token is None or not may_use_api(token.owner):
        return None
    return token


def api_token_touch(token: ApiToken) -> None:
    """Note that the key was used, at most once a minute (one UPDATE, no audit)."""
    now = timezone.now()
    last = token.last_used_at
    if last is not None and (now - last).total_seconds() < TOUCH_SECONDS:
        return
    ApiToken.objects.using(DEFAULT_DB_ALIAS).filter(pk=token.pk).update(
        last_used_at=now
    )
    token.last_used_at = now
