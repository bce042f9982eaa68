from django.urls import path

from collaborators.views import imports, regulations, roster, scores, signin, training

app_name = "collaborators"

urlpatterns = [
    path("", roster.collaborator_list, name="collaborator-list"),
    path("export/", roster.collaborator_export, name="collaborator-export"),
    path("new/", roster.collaborator_create, name="collaborator-create"),
    path("me/", roster.my_profile, name="my-profile"),
    path("terms-ending/", roster.terms_ending, name="terms-ending"),
    path("scores/", scores.scores, name="scores"),
    path("scores/export.xlsx", scores.scores_export, name="scores-export"),
    path(
        "scores/commendation.pdf",
        scores.scores_commendation,
        name="scores-commendation",
    ),
    path("scores/<int:pk>/", scores.score_detail, name="score-detail"),
    path("sign-in/", signin.signin_bulk, name="signin-bulk"),
    path("accounts/give/", signin.account_give, name="account-give"),
    path("<int:pk>/", roster.collaborator_detail, name="collaborator-detail"),
    path("<int:pk>/sign-in/", signin.signin_give, name="signin-give"),
    path("<int:pk>/sign-in/reset/", signin.signin_reset, name="signin-reset"),
    path("<int:pk>/sign-in/unlock/", signin.signin_unlock, name="signin-unlock"),
    path("<int:pk>/edit/", roster.collaborator_edit, name="collaborator-edit"),
    path(
        "<int:pk>/reminder-emails/",
        roster.reminder_emails,
        name="reminder-emails",
    ),
    path(
        "<int:pk>/events/new/",
        roster.collaborator_event_create,
        name="collaborator-event-create",
    ),
    path("imports/", imports.import_upload, name="import-upload"),
    path("imports/template/", imports.import_template, name="import-template"),
    path("imports/<str:token>/", imports.import_preview, name="import-preview"),
    path(
        "imports/<str:token>/columns/",
        imports.import_columns,
        name="import-columns",
    ),
    path("regulations/", regulations.regulation_list, name="regulation-list"),
    path("regulations/new/", regulations.regulation_create, name="regulation-create"),
    path(
        "regulations/<int:pk>/", regulations.regulation_detail, name="regulation-detail"
    ),
    path(
        "regulations/<int:pk>/file/",
        regulations.regulation_download,
        name="regulation-download",
    ),
    path(
        "regulations/<int:pk>/acknowledge/",
        regulations.regulation_acknowledge,
        name="regulation-acknowledge",
    ),
    path("trainings/", training.training_list, name="training-list"),
    path("trainings/new/", training.training_create, name="training-create"),
    path("trainings/<int:pk>/", training.training_detail, name="training-detail"),
    path("trainings/<int:pk>/edit/", training.training_edit, name="training-edit"),
    path(
        "trainings/<int:pk>/attendance/",
        training.training_attendance,
        name="training-attendance",
    ),
]
