"""What the audit trail records of this app's pages (see :mod:`dluan.audit`)."""

from django.utils.translation import gettext_lazy as _

from dluan.audit import DOWNLOAD, EXPORT, VIEW, Audited

# The report's page, and every URL that renders it again: a review action
# answers a refused form (400) or a decision taken meanwhile (409) with the
# whole report. The author's own form shows it too.
_REPORT = Audited(
    VIEW, model="reports.OpinionReport", author="author__user", label=("title",)
)

VIEWS = {
    "reports:report-detail": _REPORT,
    "reports:report-edit": _REPORT,
    "reports:report-accept": _REPORT,
    "reports:report-return": _REPORT,
    "reports:report-rumour": _REPORT,
    "reports:report-retag": _REPORT,
    "reports:report-rate": _REPORT,
    "reports:report-issue-link": _REPORT,
    "reports:report-issue-unlink": _REPORT,
    "reports:report-issue-create": _REPORT,
    "reports:attachment-download": Audited(
        DOWNLOAD,
        model="reports.Attachment",
        author="report__author__user",
        unit="report__unit",
        label=("original_name", "report__title"),
    ),
    "reports:discipline-export": Audited(
        EXPORT, title=_("Reporting discipline workbook")
    ),
    # The API (reports/api.py): a report read as on its page; a page of reports,
    # each with its text and streams, as an export.
    "api:reports:report-detail": _REPORT,
    "api:reports:report-list": Audited(EXPORT, title=_("Opinion reports (API)")),
}

UNIT_LOOKUPS = {"reports.OpinionStream": "report__unit"}

LINKS = {
    "reports.OpinionReport": "reports:report-detail",
    "reports.Issue": "reports:issue-detail",
}
