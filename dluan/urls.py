from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from dluan.views import account, audit, errors, health, home, offline

# Django's own 400 page renders without the request: no nonce, no navigation.
handler400 = "dluan.views.errors.bad_request"
# 403 and 404: Django's own, rendering templates/403.html and 404.html.
handler500 = "dluan.views.errors.server_error"

urlpatterns = [
    path("", home.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    # The installable app: its service worker (scope /), manifest, the outbox
    # page and what the phone asks before sending (dluan/views/offline.py).
    path("sw.js", offline.service_worker, name="service-worker"),
    path("manifest.webmanifest", offline.manifest, name="webmanifest"),
    path("offline/state/", offline.state, name="offline-state"),
    path("offline/pages/", offline.pages, name="offline-pages"),
    path("outbox/", offline.outbox, name="outbox"),
    # nginx's page for a body over UPLOAD_MAX_BYTES (deploy/nginx).
    path("errors/413/", errors.too_large, name="error-413"),
    path("notifications/", home.notification_list, name="notifications"),
    path("notifications/read/", home.notification_read, name="notifications-read"),
    path("audit/", audit.audit_trail, name="audit-trail"),
    path("login/", account.SignInView.as_view(), name="login"),
    path("login/verify/", account.login_verify, name="login-verify"),
    path("logout/", offline.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        account.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/set/", account.password_set, name="password-set"),
    path(
        "password/reset/",
        account.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        account.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/", account.account, name="account"),
    path(
        "account/sessions/sign-out/",
        account.sessions_sign_out,
        name="account-sessions-sign-out",
    ),
    path(
        "account/two-factor/",
        account.two_factor_enrol,
        name="two-factor-enrol",
    ),
    path(
        "account/two-factor/off/",
        account.two_factor_disable,
        name="two-factor-disable",
    ),
    path(
        "account/two-factor/recovery-codes/",
        account.recovery_codes_renew,
        name="two-factor-recovery-codes",
    ),
    # Kept on the account when signed in; replaces django.conf.urls.i18n.
    path("i18n/setlang/", account.language_set, name="set_language"),
    path("collaborators/", include("collaborators.urls")),
    path("reports/", include("reports.urls")),
    path("meetings/", include("meetings.urls")),
    path("surveys/", include("surveys.urls")),
    path("summaries/", include("summaries.urls")),
    # The read-only API (dluan/api/): each app's resources, its schema and docs.
    path("api/v1/", include("dluan.api.urls")),
    # A survey's public link and personal links: no sign-in.
    path("", include("surveys.urls_public")),
    # One sign-in page for everyone, with its lockout and second factor.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="login", query_string=True),
    ),
    path("admin/", admin.site.urls),
]
