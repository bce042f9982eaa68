"""A Party document as PDF: ``templates/pdf/party_document.html`` through WeasyPrint."""

from django.template.loader import render_to_string
from django.utils import translation

from dluan import pdf

TEMPLATE = "pdf/party_document.html"


def render_document_pdf(document: dict, *, url_fetcher=None) -> bytes:
    """The document as PDF bytes; nothing is fetched but the fonts."""
    # A Party document: Vietnamese whatever the reader's interface language.
    with translation.override("vi"):
        html = render_to_string(TEMPLATE, document)
        return pdf.render_html_to_pdf(html, url_fetcher=url_fetcher)
