"""The brief as a Word file: the Party document renderer of dluan.document."""

from dluan.document.word import render_document_docx as render_brief_docx
from summaries.brief import official_brief
from summaries.models import Summary

__all__ = ["render_brief_docx", "render_summary_docx"]


def render_summary_docx(summary: Summary) -> bytes:
    """The summary's brief as .docx bytes, in Vietnamese like every Party document."""
    return render_brief_docx(official_brief(summary))
