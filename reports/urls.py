from django.urls import path

from reports.views import discipline, filing, issues, review, setup, warnings

app_name = "reports"

urlpatterns = [
    path("", filing.report_list, name="report-list"),
    path("new/", filing.report_create, name="report-create"),
    path("autosave/", filing.report_autosave, name="report-autosave"),
    path("queue/", review.report_queue, name="report-queue"),
    path("<int:pk>/", review.report_detail, name="report-detail"),
    path("<int:pk>/edit/", filing.report_edit, name="report-edit"),
    path("<int:pk>/archive/", filing.report_archive, name="report-archive"),
    path("<int:pk>/accept/", review.report_accept, name="report-accept"),
    path("<int:pk>/return/", review.report_return, name="report-return"),
    path("<int:pk>/rumour/", review.report_rumour, name="report-rumour"),
    path("<int:pk>/topics/", review.report_retag, name="report-retag"),
    path("<int:pk>/rating/", review.report_rate, name="report-rate"),
    path("<int:pk>/issue/", review.report_issue_link, name="report-issue-link"),
    path(
        "<int:pk>/issue/unlink/",
        review.report_issue_unlink,
        name="report-issue-unlink",
    ),
    path("<int:pk>/issue/new/", review.report_issue_create, name="report-issue-create"),
    path(
        "attachments/<int:pk>/",
        filing.attachment_download,
        name="attachment-download",
    ),
    path(
        "attachments/<int:pk>/remove/",
        filing.attachment_remove,
        name="attachment-remove",
    ),
    path("issues/", issues.issue_list, name="issue-list"),
    path("issues/new/", issues.issue_create, name="issue-create"),
    path("issues/<int:pk>/", issues.issue_detail, name="issue-detail"),
    path("issues/<int:pk>/edit/", issues.issue_edit, name="issue-edit"),
    path(
        "issues/<int:pk>/reports/<int:report_pk>/link/",
        issues.issue_report_link,
        name="issue-report-link",
    ),
    path(
        "issues/<int:pk>/reports/<int:report_pk>/unlink/",
        issues.issue_report_unlink,
        name="issue-report-unlink",
    ),
    path("issues/<int:pk>/follow-ups/", issues.followup_create, name="followup-create"),
    path(
        "follow-ups/<int:pk>/response/",
        issues.followup_respond,
        name="followup-respond",
    ),
    path(
        "issues/<int:pk>/directions/",
        issues.direction_create,
        name="direction-create",
    ),
    path("discipline/", discipline.discipline, name="discipline"),
    path(
        "discipline/export.xlsx",
        discipline.discipline_export,
        name="discipline-export",
    ),
    path("warnings/", warnings.warning_list, name="warnings"),
    path(
        "warnings/<int:pk>/acknowledge/",
        warnings.warning_acknowledge,
        name="warning-acknowledge",
    ),
    path("periods/", setup.period_list, name="period-list"),
    path("periods/<int:pk>/focus/", setup.period_focus, name="period-focus"),
    path("topics/", setup.topic_list, name="topic-list"),
    path("topics/<int:pk>/edit/", setup.topic_edit, name="topic-edit"),
    path("topics/<int:pk>/retire/", setup.topic_retire, name="topic-retire"),
]
