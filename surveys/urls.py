from django.urls import path

from surveys.views import (
    bank,
    collect,
    design,
    exports,
    links,
    report,
    results,
    review,
    sample,
    xlsform,
)

app_name = "surveys"

urlpatterns = [
    # --- Design (views/design.py, views/bank.py, views/xlsform.py)
    path("", design.survey_list, name="survey-list"),
    path("new/", design.survey_create, name="survey-create"),
    path("<int:pk>/", design.survey_detail, name="survey-detail"),
    path("<int:pk>/edit/", design.survey_edit, name="survey-edit"),
    path("<int:pk>/status/", design.survey_status, name="survey-status"),
    path("<int:pk>/questions/", design.questionnaire, name="questionnaire"),
    path("<int:pk>/questions/new/", design.question_create, name="question-create"),
    path(
        "<int:pk>/questions/<int:question_pk>/",
        design.question_edit,
        name="question-edit",
    ),
    path(
        "<int:pk>/questions/<int:question_pk>/delete/",
        design.question_delete,
        name="question-delete",
    ),
    path(
        "<int:pk>/questions/<int:question_pk>/move/",
        design.question_move,
        name="question-move",
    ),
    path("<int:pk>/preview/", design.questionnaire_preview, name="preview"),
    path("<int:pk>/xlsform/", xlsform.xlsform_import, name="xlsform-import"),
    path("<int:pk>/xlsform.xlsx", xlsform.xlsform_export, name="xlsform-export"),
    path("bank/", bank.bank_list, name="bank-list"),
    path("bank/new/", bank.bank_create, name="bank-create"),
    path("bank/<int:bank_pk>/", bank.bank_detail, name="bank-detail"),
    path("<int:pk>/bank/", bank.bank_copy, name="bank-copy"),
    # --- The sample (views/sample.py)
    path("<int:pk>/population/", sample.population, name="population"),
    path(
        "<int:pk>/population/upload/",
        sample.population_upload,
        name="population-upload",
    ),
    path("<int:pk>/plan/", sample.plan, name="plan"),
    path("<int:pk>/assignments/", sample.assignments, name="assignments"),
    path("<int:pk>/quotas/", sample.quota_fill, name="quota-fill"),
    # --- Collecting: the interviewer's form (views/collect.py)
    path("<int:pk>/interviews/", collect.interview_list, name="interview-list"),
    path("<int:pk>/interviews/new/", collect.interview_new, name="interview-new"),
    path(
        "<int:pk>/interviews/offline/",
        collect.interview_offline,
        name="interview-offline",
    ),
    path(
        "<int:pk>/interviews/<uuid:client_id>/",
        collect.interview_form,
        name="interview-form",
    ),
    # --- Links: the online link and personal one-time links (views/links.py)
    path("<int:pk>/online/", links.online_link, name="online-link"),
    path("<int:pk>/links/", links.link_list, name="link-list"),
    path("<int:pk>/links/slips/", links.link_slips, name="link-slips"),
    # --- Review (views/review.py)
    path("<int:pk>/responses/", review.response_list, name="response-list"),
    path("<int:pk>/responses/bulk/", review.response_bulk, name="response-bulk"),
    path(
        "<int:pk>/responses/<int:response_pk>/",
        review.response_detail,
        name="response-detail",
    ),
    path(
        "<int:pk>/responses/<int:response_pk>/review/",
        review.response_review,
        name="response-review",
    ),
    path("<int:pk>/weights/", review.weights, name="weights"),
    # --- Results (views/results.py)
    path("<int:pk>/results/", results.results, name="results"),
    path("<int:pk>/results/crosstab/", results.crosstab, name="crosstab"),
    path(
        "<int:pk>/results/text/<int:question_pk>/",
        results.text_answers,
        name="text-answers",
    ),
    path("bank/<int:bank_pk>/trend/", results.bank_trend, name="bank-trend"),
    # --- The report and the exports (views/report.py, views/exports.py)
    path("<int:pk>/report/", report.report_edit, name="report-edit"),
    path("<int:pk>/report/approve/", report.report_approve, name="report-approve"),
    path(
        "<int:pk>/report.<str:doc_format>",
        report.report_download,
        name="report-download",
    ),
    path("<int:pk>/export.<str:fmt>", exports.response_export, name="response-export"),
]
