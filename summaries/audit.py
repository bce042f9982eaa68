"""What the audit trail records of this app's pages (see :mod:`dluan.audit`)."""

from dluan.audit import DOWNLOAD, VIEW, Audited

# The staff member who asked for a version is its author; one compiled by the
# scheduled job has none, and every reading of it is recorded.
_SUMMARY = {
    "model": "summaries.Summary",
    "author": "requested_by",
    "label": ("unit__name", "period__start", "version"),
}

VIEWS = {
    "summaries:summary-detail": Audited(VIEW, **_SUMMARY),
    # The narrative and the quotes picked, with their collaborators' names.
    "summaries:summary-edit": Audited(VIEW, **_SUMMARY),
    "summaries:summary-download": Audited(DOWNLOAD, file_kwarg="kind", **_SUMMARY),
    # The API (summaries/api.py): the figures and text, as on the page.
    "api:summaries:summary-detail": Audited(VIEW, **_SUMMARY),
}

UNIT_LOOKUPS = {"summaries.SummaryRead": "summary__unit"}

LINKS = {"summaries.Summary": "summaries:summary-detail"}
