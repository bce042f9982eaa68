"""Signing in and the account page: sessions, language, two-factor sign-in."""

import base64
import hashlib
import logging
import time

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from django_otp import login as otp_login
from django_otp import match_token, user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from dluan import accounts
from dluan.access import add_errors, posted_int
from dluan.accounts import password_link_tokens
from dluan.api import tokens as api_tokens
from dluan.api.forms import ApiTokenForm
from dluan.auth import (
    TWO_FACTOR,
    client_ip,
    is_locked_out,
    lockout_response,
    sessions_end,
    signin_failed,
)
from dluan.forms import (
    AccountPasswordResetForm,
    AccountSetPasswordForm,
    SignInForm,
    TokenForm,
    TwoFactorDisableForm,
)
from dluan.models import ApiToken, User, UserSession

log = logging.getLogger(__name__)
# The secret of an authenticator being set up, until a code confirms it.
PENDING_TOTP_KEY = "_dluan_totp_pending"

# The password step passed, the second factor not yet: who, how, since when.
PENDING = "_dluan_pending_2fa"
PENDING_SECONDS = 5 * 60
# A new API key, between the POST that made it and the page that shows it once.
NEW_API_KEY = "_dluan_new_api_key"


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


# --- Sign-in ----------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    """The password step; a person with a second factor is asked for it next."""

    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if not user_has_device(user):
            return super().form_valid(form)
        self.request.session.cycle_key()
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": time.time(),
            "next": self.get_success_url(),
        }
        return redirect("login-verify")


def _pending_user(request) -> tuple[User | None, dict]:
    pending = request.session.get(PENDING) or {}
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        return None, {}
    user = User._default_manager.filter(pk=pending["user"], is_active=True).first()
    return user, pending


@sensitive_post_parameters("otp_token")
@never_cache
def login_verify(request):
    """The second step: a code from the authenticator app or a recovery code."""
    if request.user.is_authenticated:
        user, pending = request.user, {}
        if request.user.is_verified():
            return redirect(_safe_next(request, reverse("home")))
    else:
        user, pending = _pending_user(request)
        if user is None:
            request.session.pop(PENDING, None)
            messages.info(request, _("Please sign in again."))
            return redirect("login")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if is_locked_out(request, user):
            return lockout_response(request, credentials={"username": user.username})
        device = match_token(user, form.cleaned_data["otp_token"])
        if device is not None:
            if pending:
                del request.session[PENDING]
                user.otp_device = device
                auth_login(request, user, backend=pending["backend"])
                target = pending.get("next") or reverse("home")
            else:
                otp_login(request, device)
                # A new key for the verified session, as at sign-in.
                request.session.cycle_key()
                target = _safe_next(request, reverse("home"))
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code, which cannot be used "
                        "again. Issue new recovery codes from your account page "
                        "when you run low."
                    ),
                )
            return redirect(target)
        signin_failed(request, user)
        log.info("Second-factor code refused for user %s.", user.pk)
        form.add_error("otp_token", _("This code is not valid. Please try again."))
    return render(
        request,
        "registration/login_verify.html",
        {"form": form, "next": request.GET.get("next", "")},
    )


@sensitive_post_parameters()
@never_cache
@login_required
def password_set(request):
    """Set a password after signing in with a one-time code (no old password)."""
    user = request.user
    if not user.must_change_password:
        return redirect("password_change")
    form = AccountSetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        # This session stays, under a new key; any other one ends.
        sessions_end(user=user, keep=request)
        messages.success(request, _("Your password has been set."))
        return redirect(_safe_next(request, reverse("home")))
    return render(request, "registration/password_set.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; the other sessions end and leave the list too."""

    def form_valid(self, form):
        response = super().form_valid(form)
        sessions_end(user=form.user, keep=self.request)
        return response


# --- Password reset by e-mail -----------------------------------------------------


def _count_request(key: str) -> int:
    cache.add(key, 0, 60 * 60)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, 60 * 60)
        return 1


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail, limited per address and per e-mail each hour.

    Over the limit, nothing is sent but the page is the same: no one learns
    whether an e-mail address has an account, or that a limit was reached.
    """

    form_class = AccountPasswordResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        email_key = hashlib.sha256(email.encode()).hexdigest()
        ip_key = client_ip(self.request) or "unknown"
        limit = settings.PASSWORD_RESET_LIMIT
        by_email = _count_request(f"dluan:pwreset:email:{email_key}")
        by_ip = _count_request(f"dluan:pwreset:ip:{ip_key}")
        if by_email > limit or by_ip > limit:
            log.warning(
                "Password reset requests over the hourly limit from %s.", ip_key
            )
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = AccountSetPasswordForm
    # A reset link lasts PASSWORD_RESET_TIMEOUT; a first-sign-in link, e-mailed
    # when the board gives sign-in, SIGNIN_LINK_DAYS.
    token_generator = password_link_tokens
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Every session signed in with the old password ends.
        sessions_end(user=form.user)
        return response


# --- The account page -------------------------------------------------------------


@never_cache
@login_required
def account(request):
    """The person's sessions, language, two-factor sign-in and API keys.

    A POST makes or revokes an API key (staff, leaders, administrators); a new
    key is shown once, on the page the POST redirects to.
    """
    user = request.user
    key_form = None
    if request.method == "POST":
        key_form, response = _api_key_action(request)
        if response is not None:
            return response
    sessions = UserSession.objects.filter(user=user)
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    static = StaticDevice.objects.filter(user=user, confirmed=True).first()
    may_use_api = api_tokens.may_use_api(user)
    # never_cache: no-store, so the new key stays in no cache.
    return render(
        request,
        "dluan/account_detail.html",
        {
            "sessions": sessions,
            "current_key": request.session.session_key,
            "totp": totp,
            "recovery_left": static.token_set.count() if static else 0,
            "two_factor_required": settings.OTP_REQUIRED and user.is_board_staff,
            "disable_form": TwoFactorDisableForm(user=user),
            "may_use_api": may_use_api,
            "api_keys": (
                ApiToken.objects.filter(owner=user, revoked_at__isnull=True)
                if may_use_api
                else []
            ),
            "api_key_form": key_form or (ApiTokenForm() if may_use_api else None),
            # Shown once: taken out of the session as it is shown.
            "new_api_key": request.session.pop(NEW_API_KEY, None),
            "today": timezone.localdate(),
        },
        status=400 if key_form is not None else 200,
    )


def _api_key_action(request):
    """Make or revoke a key: (a form with errors, None) or (None, a redirect)."""
    user = request.user
    action = request.POST.get("action")
    if action not in ("api-key-create", "api-key-revoke"):
        return None, redirect("account")
    if not api_tokens.may_use_api(user):
        raise Http404
    if action == "api-key-revoke":
        pk = posted_int(request.POST.get("key", ""))
        token = get_object_or_404(
            ApiToken.objects.filter(owner=user, revoked_at__isnull=True), pk=pk
        )
        api_tokens.api_token_revoke(token=token)
        messages.success(
            request, _("The API key %(name)s is revoked.") % {"name": token.name}
        )
        return None, redirect("account")
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, key = api_tokens.api_token_create(owner=user, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            request.session[NEW_API_KEY] = {"name": token.name, "key": key}
            return None, redirect(reverse("account") + "#account-api")
    return form, None


@login_required
@require_POST
def sessions_sign_out(request):
    """End the person's other sessions, or all of them (this one too)."""
    if request.POST.get("scope") == "all":
        sessions_end(user=request.user)
        logout(request)
        messages.info(request, _("You have been signed out everywhere."))
        return redirect("login")
    count = sessions_end(user=request.user, keep=request)
    messages.success(
        request,
        ngettext(
            "Signed out of %(count)d other session.",
            "Signed out of %(count)d other sessions.",
            count,
        )
        % {"count": count},
    )
    return redirect("account")


def language_set(request):
    """Django's set_language; when signed in, the choice is kept on the account."""
    response = set_language(request)
    language = request.POST.get("language")
    languages = {code for code, _name in settings.LANGUAGES}
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in languages
        and request.user.language != language
    ):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


# --- Two-factor sign-in -------------------------------------------------------------


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    # Drop the XML declaration: the SVG sits inside the page.
    return svg[svg.index("<svg") :]


def _show_recovery_codes(request, codes):
    response = render(request, "dluan/account_recovery_codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response


@sensitive_post_parameters("otp_token")
@never_cache
@login_required
def two_factor_enrol(request):
    """Scan a QR code, confirm with a code, and receive printed recovery codes."""
    user = request.user
    if user_has_device(user) and request.session.get(TWO_FACTOR) != "enrol":
        messages.info(request, _("Two-factor sign-in is already on."))
        return redirect("account")
    # The new secret waits in the session until a code confirms it: opening the
    # page (a GET) saves nothing.
    key = request.session.get(PENDING_TOTP_KEY)
    if key is None:
        key = request.session[PENDING_TOTP_KEY] = random_hex(20)
    device = TOTPDevice(user=user, name="authenticator", key=key, confirmed=True)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        step = _pending_totp_step(device, form.cleaned_data["otp_token"])
        if step is not None:
            device.last_t = step
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).delete()
                device.save()
                codes = accounts.recovery_codes_issue(user=user)
            del request.session[PENDING_TOTP_KEY]
            otp_login(request, device)
            # A new key for the verified session, as at sign-in.
            request.session.cycle_key()
            request.session[TWO_FACTOR] = "verify"
            log.info("Two-factor sign-in turned on for user %s.", user.pk)
            messages.success(request, _("Two-factor sign-in is on."))
            return _show_recovery_codes(request, codes)
        form.add_error("otp_token", _("This code is not valid. Please try again."))
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "dluan/account_two_factor.html",
        {
            "form": form,
            "qr_svg": mark_safe(_qr_svg(device.config_url)),  # noqa: S308 (our own SVG)
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "required": settings.OTP_REQUIRED and user.is_board_staff,
        },
    )


def _pending_totp_step(device, token: str) -> int | None:
    """The time step ``token`` matches for a device not saved yet, or None."""
    try:
        value = int(token)
    except (TypeError, ValueError):
        return None
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.t() if totp.verify(value, device.tolerance) else None


@never_cache
@login_required
@require_POST
def recovery_codes_renew(request):
    if not request.user.is_verified():
        return redirect("account")
    codes = accounts.recovery_codes_issue(user=request.user)
    log.info("Recovery codes renewed for user %s.", request.user.pk)
    return _show_recovery_codes(request, codes)


@sensitive_post_parameters("password")
@login_required
@require_POST
def two_factor_disable(request):
    user = request.user
    if settings.OTP_REQUIRED and user.is_board_staff:
        messages.error(request, _("Two-factor sign-in is required for your role."))
        return redirect("account")
    form = TwoFactorDisableForm(request.POST, user=user)
    if not form.is_valid():
        messages.error(request, _("The password is not correct."))
        return redirect("account")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    request.session[TWO_FACTOR] = ""
    log.info("Two-factor sign-in turned off for user %s.", user.pk)
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("account")
