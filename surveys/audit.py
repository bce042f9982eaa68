"""What the audit trail records of this app's pages (see :mod:`dluan.audit`).

A response holds a respondent's answers and an interviewer's work: its page, the
pages that render it again, the free-text answers and every file of responses
record their reads, and so does the report, like a summary. Survey settings, the
questionnaire, quotas and aggregate results show no respondent's answers.
"""

from django.utils.translation import gettext_lazy as _

from dluan.audit import DOWNLOAD, EXPORT, VIEW, Audited

_RESPONSE = Audited(
    VIEW,
    model="surveys.Response",
    author="entered_by",
    unit="survey__unit",
    label=("survey__title", "pk"),
    pk_kwarg="response_pk",
)
_SURVEY = {"model": "surveys.Survey", "label": ("title",)}

VIEWS = {
    "surveys:response-detail": _RESPONSE,
    "surveys:response-review": _RESPONSE,
    "surveys:text-answers": Audited(VIEW, **_SURVEY),
    "surveys:report-edit": Audited(VIEW, **_SURVEY),
    "surveys:report-download": Audited(DOWNLOAD, file_kwarg="doc_format", **_SURVEY),
    "surveys:response-export": Audited(EXPORT, title=_("Survey responses")),
    # The API (surveys/api.py): a page of approved responses' answers.
    "api:surveys:response-list": Audited(EXPORT, title=_("Survey responses (API)")),
}

UNIT_LOOKUPS = {
    "surveys.Response": "survey__unit",
    "surveys.Question": "version__survey__unit",
    "surveys.Choice": "question__version__survey__unit",
    "surveys.QuestionnaireVersion": "survey__unit",
}

LINKS = {
    "surveys.Survey": "surveys:survey-detail",
}
