"""Sign-in given by the board: a printed one-time code, or an e-mailed link.

A one-time code is given on a printed slip, good for one sign-in before it
expires, after which the person must set a password. The code is shown once (on
the slip); only its hash is stored, and it never appears in a log, a page other
than the slip, an e-mail or the audit trail.

A link to choose a first password is e-mailed through the notification queue
(queued on commit, claimed before it is sent, so it goes out once, and kept for a
retry while the mail server is down). Its token is made when the e-mail is sent,
never stored, and lasts ``SIGNIN_LINK_DAYS`` from then.
"""

import datetime
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.contrib.auth.tokens import (
    PasswordResetTokenGenerator,
    default_token_generator,
)
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext, ngettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from dluan.models import Notification, SignInCode, User
from dluan.services import notification_send

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


# --- The e-mailed link to choose a first password ------------------------------------


class SignInLinkTokenGenerator(PasswordResetTokenGenerator):
    """The first-sign-in link's token: lasts ``SIGNIN_LINK_DAYS`` from its making.

    Its own salt, so a password reset token (``PASSWORD_RESET_TIMEOUT``) is never
    taken for one and does not gain the longer life.
    """

    key_salt = "dluan.accounts.SignInLinkTokenGenerator"

    @property
    def timeout(self) -> int:
        return settings.SIGNIN_LINK_DAYS * 24 * 60 * 60

    def check_token(self, user, token) -> bool:
        if not (user and token):
            return False
        ts_b36, _sep, _hash = str(token).partition("-")
        try:
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(
                self._make_token_with_timestamp(user, ts, secret), token
            )
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - ts <= self.timeout


signin_link_tokens = SignInLinkTokenGenerator()


class PasswordLinkTokens:
    """What the set-password page accepts: a reset link, for
    ``PASSWORD_RESET_TIMEOUT``, or a first-sign-in link, for ``SIGNIN_LINK_DAYS``."""

    def make_token(self, user) -> str:
        return default_token_generator.make_token(user)

    def check_token(self, user, token) -> bool:
        return signin_link_tokens.check_token(
            user, token
        ) or default_token_generator.check_token(user, token)


password_link_tokens = PasswordLinkTokens()

# The notifications whose e-mail is the link: dluan.tasks writes it when sending.
SIGNIN_LINK_KEY = "signin-link:"


def _language(user: User) -> str:
    return "en" if user.language == "en" else "vi"


def signin_link(user: User) -> str:
    """A new one-time link to choose a password, good for ``SIGNIN_LINK_DAYS``."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = signin_link_tokens.make_token(user)
    path = reverse("password_reset_confirm", args=[uidb64, token])
    return settings.SITE_URL.rstrip("/") + path


def signin_link_email(user: User) -> EmailMessage:
    """The e-mail with a new link, in the person's language (Vietnamese unless
    English), saying how long the link really lasts."""
    days = settings.SIGNIN_LINK_DAYS
    with translation.override(_language(user)):
        subject = gettext("Your sign-in to the public-opinion collaborator network")
        lifetime = ngettext(
            "It works once, within %(days)s day:",
            "It works once, within %(days)s days:",
            days,
        ) % {"days": days}
        body = gettext(
            "Dear %(name)s,\n\n"
            "The board has given you sign-in to the public-opinion collaborator "
            "network.\n"
            "Your username: %(username)s\n\n"
            "To choose your password, open this link. %(lifetime)s\n%(link)s\n\n"
            "Then sign in at %(site)s with your username and the password you "
            "chose.\n\n"
            "If you did not expect this message, ignore it and tell the board."
        ) % {
            "name": user.get_full_name(),
            "username": user.username,
            "lifetime": lifetime,
            "link": signin_link(user),
            "site": settings.SITE_URL,
        }
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )


def signin_link_email_for(notification: Notification) -> EmailMessage | None:
    """The link e-mail a queued notification stands for, or None when it is moot:
    the person lost sign-in, has no address any more (a slip was given instead)
    or chose a password meanwhile."""
    user = notification.recipient
    if not user.is_active or not user.email or user.has_usable_password():
        return None
    return signin_link_email(user)


def signin_link_send(*, users: list[User]) -> None:
    """E-mail each person a link to choose a password, after commit, through the
    notification queue (one in-app notification each, e-mailed once)."""
    by_language: dict[str, list[User]] = {}
    for user in users:
        by_language.setdefault(_language(user), []).append(user)
    for language, group in by_language.items():
        with translation.override(language):
            notification_send(
                recipients=group,
                title=gettext(
                    "Your sign-in to the public-opinion collaborator network"
                ),
                key=SIGNIN_LINK_KEY + secrets.token_hex(8),
            )


def recovery_codes_issue(*, user: User) -> list[str]:
    """New printed recovery codes for ``user``; the earlier ones stop working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
        codes = [
            StaticToken.random_token() for _i in range(settings.OTP_RECOVERY_CODES)
        ]
        StaticToken.objects.bulk_create(
            [StaticToken(device=device, token=code) for code in codes]
        )
    return codes
