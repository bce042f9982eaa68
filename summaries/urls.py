from django.urls import path

from summaries import views

app_name = "summaries"

urlpatterns = [
    path("", views.summary_list, name="summary-list"),
    path("compile/", views.summary_compile, name="summary-compile"),
    path("<int:pk>/", views.summary_detail, name="summary-detail"),
    path("<int:pk>/status/", views.summary_status, name="summary-status"),
    path("<int:pk>/edit/", views.summary_edit, name="summary-edit"),
    path("<int:pk>/approve/", views.summary_approve, name="summary-approve"),
    path("<int:pk>/recompile/", views.summary_recompile, name="summary-recompile"),
    path("<int:pk>/retry/", views.summary_retry, name="summary-retry"),
    path("<int:pk>/read/", views.summary_read, name="summary-read"),
    path(
        "<int:pk>/files/<slug:kind>/",
        views.summary_download,
        name="summary-download",
    ),
]
