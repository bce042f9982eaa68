"""Signing in safely: who the typed name is, lockouts, sessions, language, gates.

- ``IdentifierBackend``: username, e-mail or phone, with a password or a one-time
  code from a printed slip.
- ``lockout_for`` / ``lockout_lift``: axes' lockout of an account, for staff.
- ``SessionTimeoutMiddleware``: idle and absolute session lifetimes, and the
  ``UserSession`` rows a person sees on their account page, which follow each
  session's key through every rotation.
- ``sessions_end``: every session of a person ends, by user, not by key.
- ``LanguageMiddleware``: the account's language, never the browser's.
- ``AccountGateMiddleware``: a new password, or two-factor sign-in, before
  anything else.
"""

import datetime
import logging
import re
import time
from importlib import import_module

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dluan.accounts import signin_code_consume
from dluan.models import User, UserSession

log = logging.getLogger(__name__)

SIGNED_IN_AT = "_dluan_signed_in_at"
SEEN_AT = "_dluan_seen_at"
# Set at sign-in: "verify" (a device to confirm) or "enrol" (a device required).
TWO_FACTOR = "_dluan_2fa"
# last_seen_at is written at most this often (seconds).
SEEN_WRITE_INTERVAL = 60
# The session's UserSession row and the key it was last recorded under: Django
# gives the session a new key at sign-in, on a password change and after a
# second factor, and the row follows it.
SESSION_ROW = "_dluan_session_row"


# --- Who the typed name is ------------------------------------------------------


def normalise_phone(value: str) -> str:
    """Digits only, national form: "+84 912 345 678" and "0912.345.678" agree."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("84") and len(digits) >= 11:
        digits = "0" + digits[2:]
    elif digits and not digits.startswith("0") and len(digits) == 9:
        digits = "0" + digits
    return digits


def user_for_identifier(identifier: str) -> User | None:
    """The one user that a username, e-mail or phone names; None if none or several."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    users = User._default_manager
    user = users.filter(username=identifier).first()
    if user is not None:
        return user
    matches = list(users.filter(username__iexact=identifier)[:2])
    if not matches and "@" in identifier:
        matches = list(users.filter(email__iexact=identifier)[:2])
    if not matches:
        digits = normalise_phone(identifier)
        if len(digits) >= 9 and re.fullmatch(r"[\d\s.+()-]+", identifier):
            # The last two digits are together however the number is written.
            candidates = users.filter(phone__contains=digits[-2:])
            matches = [u for u in candidates if normalise_phone(u.phone) == digits][:2]
    return matches[0] if len(matches) == 1 else None


class IdentifierBackend(ModelBackend):
    """Username, e-mail or phone; with the password, or an unused one-time code."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or not password:
            return None
        user = user_for_identifier(username)
        if user is None:
            # Hash anyway, so an unknown name takes as long as a wrong password.
            User().set_password(password)
            return None
        if not self.user_can_authenticate(user):
            return None
        if user.check_password(password):
            return user
        if signin_code_consume(user=user, code=password):
            user.must_change_password = True
            user.save(update_fields=["must_change_password"])
            log.info("User %s signed in with a one-time code.", user.pk)
            return user
        return None


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check; Django's test ``client.login()`` passes no request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


class MaximumLengthValidator:
    """At most ``max_length`` characters (NIST SP 800-63B asks for at least 64)."""

    def __init__(self, max_length: int = 128):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long. It must contain at most "
                    "%(max_length)d character.",
                    "This password is too long. It must contain at most "
                    "%(max_length)d characters.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max_length": self.max_length},
            )

    def get_help_text(self):
        return ngettext(
            "Your password can be up to %(max_length)d character long; a long "
            "passphrase is best.",
            "Your password can be up to %(max_length)d characters long; a long "
            "passphrase is best.",
            self.max_length,
        ) % {"max_length": self.max_length}


# --- Lockout (django-axes) ------------------------------------------------------


def client_ip(request) -> str | None:
    """The address of whoever sent the request.

    Behind ``PROXY_COUNT`` proxies (``BEHIND_PROXY``), the entry the nearest one
    appended to X-Forwarded-For: entries further left are whatever the client
    wrote. Otherwise the connection's own address.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    if not settings.BEHIND_PROXY:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < settings.PROXY_COUNT:
        return remote
    return forwarded[-settings.PROXY_COUNT]


def axes_username(request, credentials) -> str:
    """The account a sign-in attempt names, however it was typed (axes' key)."""
    typed = (credentials or {}).get("username")
    if typed is None and request is not None:
        typed = request.POST.get("username", "")
    user = user_for_identifier(typed or "")
    return user.username if user is not None else (typed or "").strip().lower()


def lockout_for(username: str) -> datetime.datetime | None:
    """When the lockout of ``username`` ends (from any address); None if not locked."""
    cool_off = settings.AXES_COOLOFF_TIME
    latest = (
        AccessAttempt.objects.filter(
            username=username,
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gt=timezone.now() - cool_off,
        )
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    return latest + cool_off if latest else None


def lockout_lift(username: str) -> int:
    """Lift every lockout of ``username``; returns the number of records cleared."""
    count = reset(username=username)
    if count:
        log.warning("Sign-in lockout lifted for %s.", username)
    return count


def lockout_response(request, original_response=None, credentials=None):
    """The Vietnamese page that says the account is locked, and until when."""
    username = axes_username(request, credentials)
    until = lockout_for(username) or timezone.now() + settings.AXES_COOLOFF_TIME
    log.warning(
        "Sign-in locked out after %s failures: %s from %s.",
        settings.AXES_FAILURE_LIMIT,
        username,
        request.META.get("REMOTE_ADDR", ""),
    )
    return render(
        request,
        "registration/lockout.html",
        {"until": until, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


def signin_failed(request, user) -> None:
    """A wrong second-factor code counts towards the lockout, like a bad password."""
    from django.contrib.auth.signals import user_login_failed

    user_login_failed.send(
        sender=__name__, credentials={"username": user.username}, request=request
    )


def is_locked_out(request, user) -> bool:
    return not AxesProxyHandler.is_allowed(request, {"username": user.username})


# --- Sessions -------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="dluan_session_signed_in")
def _session_signed_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[SEEN_AT] = now
    request.session[TWO_FACTOR] = two_factor_needed(user)
    if request.session.session_key is None:
        request.session.save()
    key = request.session.session_key
    row, _created = UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "created_at": timezone.now(),
            "last_seen_at": timezone.now(),
            "ip_address": client_ip(request) if hasattr(request, "META") else None,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300]
            if hasattr(request, "META")
            else "",
        },
    )
    request.session[SESSION_ROW] = {"id": row.pk, "key": key}


@receiver(user_logged_out, dispatch_uid="dluan_session_signed_out")
def _session_signed_out(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None:
        return
    rows = _session_rows(session)
    if rows is not None:
        rows.delete()


def _session_rows(session):
    """The UserSession row of ``session``, as a queryset; None if it has none."""
    row = session.get(SESSION_ROW)
    if row:
        return UserSession.objects.filter(pk=row["id"])
    # Signed in before rows were noted in the session.
    if session.session_key:
        return UserSession.objects.filter(session_key=session.session_key)
    return None


def session_row_follow(session) -> None:
    """Record the session's key on its row if Django gave it a new one.

    Costs nothing while the key is unchanged: the recorded key lives in the
    session itself.
    """
    row = session.get(SESSION_ROW)
    key = session.session_key
    if not row or not key or row["key"] == key:
        return
    UserSession.objects.filter(pk=row["id"]).update(session_key=key)
    session[SESSION_ROW] = {"id": row["id"], "key": key}


def two_factor_needed(user) -> str:
    """ "verify" if the user has a device, "enrol" if one is required, else ""."""
    from django_otp import user_has_device

    if user_has_device(user):
        return "verify"
    if settings.OTP_REQUIRED and user.is_board_staff:
        return "enrol"
    return ""


def sessions_end(*, user: User, keep: HttpRequest | None = None) -> int:
    """End every session of ``user`` but that of the request ``keep``; the count.

    The user's session generation goes up, and with it the hash each session
    must carry: every other session of the user ends on its next request,
    whatever key it has by then, listed or not, whichever backend stores it.
    The listed ones are also removed from the store and the list at once.
    """
    with transaction.atomic():
        User._default_manager.filter(pk=user.pk).update(
            session_generation=F("session_generation") + 1
        )
        user.refresh_from_db(fields=["session_generation"])
        rows = UserSession.objects.filter(user=user)
        if keep is not None:
            kept = _session_rows(keep.session)
            if kept is not None:
                rows = rows.exclude(pk__in=kept.values("pk"))
            # This one carries the new hash, under a new key its row follows.
            update_session_auth_hash(keep, user)
        keys = list(rows.values_list("session_key", flat=True))
        store = import_module(settings.SESSION_ENGINE).SessionStore
        for key in keys:
            store(session_key=key).delete()
        rows.delete()
    return len(keys)


def _to_login(request, message: str):
    messages.info(request, message)
    url = reverse("login") + "?" + urlencode({"next": request.get_full_path()})
    response = HttpResponseRedirect(url)
    if request.headers.get("HX-Request"):
        response["HX-Redirect"] = url
    return response


class SessionTimeoutMiddleware:
    """End a session idle too long or open too long; note the person's activity."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            signed_in = session.get(SIGNED_IN_AT)
            seen = session.get(SEEN_AT)
            if signed_in is None or seen is None:
                session[SIGNED_IN_AT] = signed_in = signed_in or now
                session[SEEN_AT] = seen = now
            if now - seen > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                return _to_login(
                    request,
                    _(
                        "Your session ended after a period without activity. "
                        "Please sign in again."
                    ),
                )
            if now - signed_in > settings.SESSION_ABSOLUTE_TIMEOUT:
                logout(request)
                return _to_login(
                    request,
                    _("Your session has reached its time limit. Please sign in again."),
                )
            if now - seen >= SEEN_WRITE_INTERVAL:
                session[SEEN_AT] = now
                rows = _session_rows(session)
                if rows is not None:
                    rows.update(last_seen_at=timezone.now())
        response = self.get_response(request)
        # After the view: sign-in, a password set or changed and a second
        # factor all give the session a new key.
        if hasattr(request, "session"):
            session_row_follow(request.session)
        return response


# --- Language -------------------------------------------------------------------


def language_for(request) -> str:
    """The account's language, else the cookie chosen at sign-in, else the default."""
    available = {code for code, _name in settings.LANGUAGES}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in available:
        return user.language
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if chosen in available:
        return chosen
    return settings.LANGUAGE_CODE


class LanguageMiddleware:
    """Activate ``language_for(request)``: never the browser's Accept-Language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


# --- Gates: a new password, two-factor sign-in ----------------------------------

GATE_OPEN_URL_NAMES = {
    "logout",
    "set_language",
    "password-set",
    "login-verify",
    "two-factor-enrol",
}


class AccountGateMiddleware:
    """Send a person to set a password, or to two-factor sign-in, before any page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        if match is not None and match.url_name in GATE_OPEN_URL_NAMES:
            return None
        if request.path.startswith((settings.STATIC_URL, "/static/")):
            return None
        gate = request.session.get(TWO_FACTOR, "")
        target = None
        if gate and not user.is_verified():
            target = "login-verify" if gate == "verify" else "two-factor-enrol"
        elif user.must_change_password:
            target = "password-set"
        if target is None:
            return None
        url = reverse(target) + "?" + urlencode({"next": request.get_full_path()})
        response = HttpResponseRedirect(url)
        if request.headers.get("HX-Request"):
            response["HX-Redirect"] = url
        return response
