"""One-time sign-in codes: given on a printed slip, good for one sign-in before
they expire, after which the person must set a password.

The code is shown once (on the slip); only its hash is stored, and it never
appears in a log, a page other than the slip, an e-mail or the audit trail.
"""

import datetime
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from dluan.models import SignInCode, User

# No 0/O, 1/I/L: read off paper and typed on a phone without mistakes.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


# A code is random (10 of 31 characters, ~49 bits) and lives for days, so a keyed
# SHA-256 is enough and costs microseconds, where a password hasher costs ~0.3 s:
# giving slips to thousands at once stays fast. The key (SECRET_KEY) means a copy
# of the database alone does not let anyone try codes offline.
CODE_HASH_ALGORITHM = "hmac-sha256"
_CODE_KEY_SALT = "dluan.accounts.signin_code"


def _code_digest(code: str, *, salt: str, secret: str | None = None) -> str:
    return salted_hmac(
        _CODE_KEY_SALT, f"{salt}${code}", secret=secret, algorithm="sha256"
    ).hexdigest()


def code_hash(code: str) -> str:
    """What is stored for a code: ``hmac-sha256$<salt>$<digest>``."""
    salt = secrets.token_hex(12)
    return f"{CODE_HASH_ALGORITHM}${salt}${_code_digest(code, salt=salt)}"


def code_matches(code: str, stored: str) -> bool:
    """Whether ``code`` is the one ``stored`` was made from, in constant time."""
    algorithm, _sep, rest = stored.partition("$")
    if algorithm != CODE_HASH_ALGORITHM:
        # Codes issued before the keyed hash, with Django's password hasher.
        return check_password(code, stored)
    salt, _sep, digest = rest.partition("$")
    secrets_to_try = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return any(
        hmac.compare_digest(_code_digest(code, salt=salt, secret=secret), digest)
        for secret in secrets_to_try
    )


def normalise_code(code: str) -> str:
    """What the person typed, as the code was issued (case, spaces, dashes)."""
    raw = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{raw[:5]}-{raw[5:]}" if len(raw) == CODE_LENGTH else raw


@transaction.atomic
def signin_code_issue(
    *, user: User, created_by: User | None, days: int | None = None
) -> str:
    """A new one-time code for ``user``; earlier codes and the password stop working.

    Returns the code, to print once on the slip.
    """
    now = timezone.now()
    days = settings.SIGNIN_CODE_DAYS if days is None else days
    SignInCode.objects.filter(
        user=user, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    code = _new_code()
    SignInCode.objects.create(
        user=user,
        code_hash=code_hash(code),
        created_by=created_by,
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    user.set_unusable_password()
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    return code


@transaction.atomic
def signin_code_consume(*, user: User, code: str) -> bool:
    """Use ``code`` to sign ``user`` in, once: True if it was good and is now used."""
    now = timezone.now()
    wanted = normalise_code(code)
    for candidate in SignInCode.objects.select_for_update().filter(
        user=user, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ):
        if code_matches(wanted, candidate.code_hash):
            candidate.used_at = now
            candidate.save(update_fields=["used_at"])
            return True
    return False


def signin_codes_revoke(*, user: User) -> int:
    """Codes not yet used stop working (a password was set, or sign-in taken away)."""
    return SignInCode.objects.filter(
        user=user, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
