"""The brief as PDF: ``templates/summaries/brief_pdf.html`` through WeasyPrint."""

from django.template.loader import render_to_string
from django.utils import translation

from dluan import pdf
from summaries.brief import brief_document
from summaries.models import Summary

TEMPLATE = "summaries/brief_pdf.html"


def render_summary_html(summary: Summary) -> str:
    with translation.override("vi"):
        return render_to_string(TEMPLATE, brief_document(summary))


def render_summary_pdf(summary: Summary, *, url_fetcher=None) -> bytes:
    """The brief as PDF bytes; nothing is fetched but the vendored fonts."""
    # A Party document: Vietnamese whatever the reader's interface language.
    with translation.override("vi"):
        html = render_summary_html(summary)
        return pdf.render_html_to_pdf(html, url_fetcher=url_fetcher)
