from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from dluan import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_read, name="notifications-read"),
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("collaborators/", include("collaborators.urls")),
    path("reports/", include("reports.urls")),
    path("meetings/", include("meetings.urls")),
    path("summaries/", include("summaries.urls")),
    path("admin/", admin.site.urls),
]
