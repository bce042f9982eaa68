"""One-time sign-in codes: given on a printed slip, good for one sign-in before
they expire, after which the person must set a password.

The code is shown once (on the slip); only its hash is stored, and it never
appears in a log, a page other than the slip, an e-mail or the audit trail.
"""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from dluan.models import SignInCode, User

# No 0/O, 1/I/L: read off paper and typed on a phone without mistakes.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


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
        code_hash=make_password(code),
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
        if check_password(wanted, candidate.code_hash):
            candidate.used_at = now
            candidate.save(update_fields=["used_at"])
            return True
    return False


def signin_codes_revoke(*, user: User) -> int:
    """Codes not yet used stop working (a password was set, or sign-in taken away)."""
    return SignInCode.objects.filter(
        user=user, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
