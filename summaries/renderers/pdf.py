"""The brief as PDF: ``templates/summaries/brief_pdf.html`` through WeasyPrint."""

from django.template.loader import render_to_string
from django.utils import translation

from dluan import pdf
from summaries.brief import official_brief
from summaries.models import Summary

TEMPLATE = "summaries/brief_pdf.html"


def render_brief_pdf(document: dict, *, url_fetcher=None) -> bytes:
    """``brief_document``'s result as PDF bytes; nothing is fetched but the fonts."""
    # A Party document: Vietnamese whatever the reader's interface language.
    with translation.override("vi"):
        html = render_to_string(TEMPLATE, document)
        return pdf.render_html_to_pdf(html, url_fetcher=url_fetcher)


def render_summary_pdf(summary: Summary, *, url_fetcher=None) -> bytes:
    """The summary's brief as PDF bytes, for one file alone (the compile makes both
    files from one document: ``summaries.services``)."""
    return render_brief_pdf(official_brief(summary), url_fetcher=url_fetcher)
