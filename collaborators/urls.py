from django.urls import path

from collaborators import views, views_import, views_signin

app_name = "collaborators"

urlpatterns = [
    path("", views.collaborator_list, name="collaborator-list"),
    path("export/", views.collaborator_export, name="collaborator-export"),
    path("new/", views.collaborator_create, name="collaborator-create"),
    path("me/", views.my_profile, name="my-profile"),
    path("terms-ending/", views.terms_ending, name="terms-ending"),
    path("scores/", views.scores, name="scores"),
    path("scores/export.xlsx", views.scores_export, name="scores-export"),
    path(
        "scores/commendation.pdf",
        views.scores_commendation,
        name="scores-commendation",
    ),
    path("scores/<int:pk>/", views.score_detail, name="score-detail"),
    path("sign-in/", views_signin.signin_bulk, name="signin-bulk"),
    path("accounts/give/", views_signin.account_give, name="account-give"),
    path("<int:pk>/", views.collaborator_detail, name="collaborator-detail"),
    path("<int:pk>/sign-in/", views_signin.signin_give, name="signin-give"),
    path("<int:pk>/sign-in/reset/", views_signin.signin_reset, name="signin-reset"),
    path("<int:pk>/sign-in/unlock/", views_signin.signin_unlock, name="signin-unlock"),
    path("<int:pk>/edit/", views.collaborator_edit, name="collaborator-edit"),
    path(
        "<int:pk>/reminder-emails/",
        views.reminder_emails,
        name="reminder-emails",
    ),
    path(
        "<int:pk>/events/new/",
        views.collaborator_event_create,
        name="collaborator-event-create",
    ),
    path("imports/", views_import.import_upload, name="import-upload"),
    path("imports/template/", views_import.import_template, name="import-template"),
    path("imports/<str:token>/", views_import.import_preview, name="import-preview"),
    path(
        "imports/<str:token>/columns/",
        views_import.import_columns,
        name="import-columns",
    ),
    path("regulations/", views.regulation_list, name="regulation-list"),
    path("regulations/new/", views.regulation_create, name="regulation-create"),
    path("regulations/<int:pk>/", views.regulation_detail, name="regulation-detail"),
    path(
        "regulations/<int:pk>/file/",
        views.regulation_download,
        name="regulation-download",
    ),
    path(
        "regulations/<int:pk>/acknowledge/",
        views.regulation_acknowledge,
        name="regulation-acknowledge",
    ),
    path("trainings/", views.training_list, name="training-list"),
    path("trainings/new/", views.training_create, name="training-create"),
    path("trainings/<int:pk>/", views.training_detail, name="training-detail"),
    path("trainings/<int:pk>/edit/", views.training_edit, name="training-edit"),
    path(
        "trainings/<int:pk>/attendance/",
        views.training_attendance,
        name="training-attendance",
    ),
]
