"""The brief as PDF: the Party document renderer of dluan.document."""

from dluan.document.pdf import render_document_pdf as render_brief_pdf
from summaries.brief import official_brief
from summaries.models import Summary

__all__ = ["render_brief_pdf", "render_summary_pdf"]


def render_summary_pdf(summary: Summary, *, url_fetcher=None) -> bytes:
    """The summary's brief as PDF bytes, for one file alone (the compile makes both
    files from one document: ``summaries.services``)."""
    return render_brief_pdf(official_brief(summary), url_fetcher=url_fetcher)
