"""What the audit trail records of this app's pages (see :mod:`dluan.audit`)."""

from django.utils.translation import gettext_lazy as _

from dluan.audit import DOWNLOAD, EXPORT, VIEW, Audited

VIEWS = {
    "reports:report-detail": Audited(
        VIEW, model="reports.OpinionReport", author="author__user", label=("title",)
    ),
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
}

UNIT_LOOKUPS = {"reports.OpinionStream": "report__unit"}

LINKS = {
    "reports.OpinionReport": "reports:report-detail",
    "reports.Issue": "reports:issue-detail",
}
