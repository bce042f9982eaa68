"""What guards the pages that take answers without a sign-in.

- a rate limit per client address, counted in the Django cache (Redis when
  configured, so every web process shares it); the address is kept only as a
  keyed hash, and only in the cache, for the window;
- a signed cookie per survey: one answer per browser;
- a signed one-time form token naming the response's client id and when the
  form was made: a replay finds the same response, a stale form is refused, a
  form posted faster than a person reads it is a bot's;
- a honeypot field, hidden by a CSS class, that a person never fills.

Settings (``dluan/settings.py``, from the environment): ``SURVEY_PUBLIC_RATE_LIMIT``
posts per ``SURVEY_PUBLIC_RATE_WINDOW`` seconds per address and survey;
``SURVEY_PUBLIC_MIN_SECONDS`` between the form's making and its posting;
``SURVEY_PUBLIC_TOKEN_HOURS`` before a form goes stale.
"""

import datetime
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from dluan.auth import client_ip

HONEYPOT = "website"
TOKEN_FIELD = "form_token"  # noqa: S105 (a field name)


def rate_limit() -> int:
    return settings.SURVEY_PUBLIC_RATE_LIMIT


def rate_window() -> int:
    return settings.SURVEY_PUBLIC_RATE_WINDOW


def min_seconds() -> float:
    return float(settings.SURVEY_PUBLIC_MIN_SECONDS)


def token_max_age() -> int:
    return settings.SURVEY_PUBLIC_TOKEN_HOURS * 3600


def survey_state(survey, *, online: bool = True) -> str:
    """Whether a survey takes answers now: "open", or why not ("draft",
    "closed", "not_started", "full": the online link's cap reached)."""
    today = timezone.localdate()
    if survey.status == survey.Status.DRAFT:
        return "draft"
    if survey.status != survey.Status.OPEN or today > survey.ends_on:
        return "closed"
    if today < survey.starts_on:
        return "not_started"
    capped = online and survey.answer_cap is not None
    if capped and survey.online_count >= survey.answer_cap:
        return "full"
    return "open"


# --- Rate limit ---------------------------------------------------------------------


def _address_key(request, scope: str, window_start: int) -> str:
    address = client_ip(request) or "unknown"
    digest = salted_hmac("surveys.public.rate", address).hexdigest()[:24]
    return f"surveys:rate:{scope}:{digest}:{window_start}"


def rate_take(request, *, scope: str) -> bool:
    """Count one post from this address; False once it is over the limit.

    A fixed window: one counter per address, scope and window, raised with the
    cache's atomic ``incr`` (Redis INCR), so concurrent processes cannot both
    take the last place.
    """
    window = max(1, rate_window())
    start = int(time.time()) // window
    key = _address_key(request, scope, start)
    cache.add(key, 0, timeout=window + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window + 5)
        count = 1
    return count <= rate_limit()


# --- One answer per browser ---------------------------------------------------------


def cookie_name(survey) -> str:
    return f"dluan_answered_{survey.pk}"


def _cookie_salt(survey) -> str:
    return f"surveys.answered.{survey.pk}"


def has_answered(request, survey) -> bool:
    value = request.get_signed_cookie(
        cookie_name(survey), default=None, salt=_cookie_salt(survey)
    )
    return value == survey.public_key


def mark_answered(response, survey, *, path: str) -> None:
    """Set the signed cookie that says this browser has answered ``survey``."""
    days_left = (survey.ends_on - timezone.localdate()).days
    max_age = datetime.timedelta(days=max(1, days_left) + 30)
    response.set_signed_cookie(
        cookie_name(survey),
        survey.public_key,
        salt=_cookie_salt(survey),
        max_age=int(max_age.total_seconds()),
        path=path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


# --- The form token -----------------------------------------------------------------


@dataclass
class Token:
    client_id: uuid.UUID
    made: float
    value: str


class TokenRefused(Exception):
    """A form token that cannot be used: nothing is counted."""

    def __init__(self, message, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


def token_make(*, scope: str, now: float | None = None) -> Token:
    client_id = uuid.uuid4()
    made = time.time() if now is None else now
    value = signing.dumps(
        {"c": client_id.hex, "t": round(made, 3)}, salt=f"surveys.form.{scope}"
    )
    return Token(client_id, made, value)


def token_read(value: str, *, scope: str, now: float | None = None) -> Token:
    """The posted token, checked: signed for this form, not stale, not too quick."""
    now = time.time() if now is None else now
    try:
        data = signing.loads(value or "", salt=f"surveys.form.{scope}")
        client_id = uuid.UUID(data["c"])
        made = float(data["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise TokenRefused(
            _("This form could not be read. Open the survey page again."),
            code="bad",
        ) from None
    if now - made > token_max_age():
        raise TokenRefused(
            _("This form was opened too long ago. Open the survey page again."),
            code="expired",
        )
    if now - made < min_seconds():
        raise TokenRefused(
            _(
                "The form was sent too quickly. Please check your answers and send it again."
            ),
            code="fast",
        )
    return Token(client_id, made, value)


def honeypot_filled(request) -> bool:
    return bool(request.POST.get(HONEYPOT, "").strip())


def token_lock(client_id: uuid.UUID) -> bool:
    """Take the one-at-a-time lock of a form; False if the same form is being sent."""
    return cache.add(f"surveys:sending:{client_id.hex}", 1, timeout=60)


def token_unlock(client_id: uuid.UUID) -> None:
    cache.delete(f"surveys:sending:{client_id.hex}")
