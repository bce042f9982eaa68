from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="meeting-list"),
    path("new/", views.meeting_create, name="meeting-create"),
    path("<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("<int:pk>/edit/", views.meeting_update, name="meeting-update"),
    path("<int:pk>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path("<int:pk>/invitees/", views.meeting_invitees, name="meeting-invitees"),
    path("<int:pk>/answer/", views.invitation_respond, name="invitation-respond"),
    path("<int:pk>/agenda/accept/", views.agenda_accept, name="agenda-accept"),
    path("<int:pk>/agenda/", views.agenda_item_create, name="agenda-item-create"),
    path(
        "<int:pk>/agenda/<int:item_pk>/move/",
        views.agenda_item_move,
        name="agenda-item-move",
    ),
    path(
        "<int:pk>/agenda/<int:item_pk>/drop/",
        views.agenda_item_drop,
        name="agenda-item-drop",
    ),
    path("<int:pk>/attendance/", views.meeting_attendance, name="meeting-attendance"),
    path("<int:pk>/minutes/", views.meeting_minutes, name="meeting-minutes"),
    path("<int:pk>/actions/", views.action_create, name="action-create"),
    path(
        "<int:pk>/actions/<int:action_pk>/follow-up/",
        views.action_follow_up,
        name="action-follow-up",
    ),
    path("<int:pk>/minutes.pdf", views.meeting_minutes_pdf, name="meeting-minutes-pdf"),
    path(
        "<int:pk>/attendance.xlsx",
        views.meeting_attendance_xlsx,
        name="meeting-attendance-xlsx",
    ),
    path("documents/", views.document_list, name="document-list"),
    path("documents/new/", views.document_create, name="document-create"),
    path("documents/<int:pk>/", views.document_detail, name="document-detail"),
    path(
        "documents/<int:pk>/download/",
        views.document_download,
        name="document-download",
    ),
    path(
        "documents/<int:pk>/read/",
        views.document_confirm_read,
        name="document-confirm-read",
    ),
]
