"""The API's framework settings (Django REST framework, drf-spectacular), which
dluan/settings.py imports: fixed, so they read no environment variable."""

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "dluan.api.auth.ApiKeyAuthentication",
        "dluan.api.auth.ApiSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["dluan.api.auth.ApiAccess"],
    "DEFAULT_RENDERER_CLASSES": [
        "dluan.api.renderers.JsonRenderer",
        "dluan.api.renderers.CsvRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "dluan.api.pagination.KeysetPagination",
    "DEFAULT_THROTTLE_CLASSES": ["dluan.api.auth.ApiRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "dluan.api.exceptions.api_exception_handler",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "dluan API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "API chỉ đọc của dluan: đơn vị, kỳ báo cáo, lĩnh vực, báo cáo dư luận xã "
        "hội, vấn đề, kỷ luật báo cáo, báo cáo tổng hợp, cuộc điều tra. Xác thực "
        "bằng khoá truy cập cá nhân (Authorization: Bearer …); phạm vi như các trang."
    ),
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["dluan.api.auth.ApiAccess"],
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "dluan.models.OrgUnit.Kind",
        "ReportKindEnum": "reports.models.OpinionReport.Kind",
        "ReportStatusEnum": "reports.models.OpinionReport.Status",
        "IssueStatusEnum": "reports.models.Issue.Status",
        "SummaryStatusEnum": "summaries.models.Summary.Status",
        "SurveyStatusEnum": "surveys.models.Survey.Status",
        "SurveyModeEnum": "surveys.models.Survey.Mode",
    },
}
