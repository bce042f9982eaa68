"""The brief (báo cáo tổng hợp): one document both formats render.

:func:`brief_document` turns a summary's snapshot and narrative into a heading
(``doc``, as ``templates/pdf/base.html`` reads it) and numbered sections. A
section holds *parts*, each an optional heading, then paragraphs, tables and
charts in that order::

    {"doc": {...}, "sections": [{"number": "I", "title": ..., "parts": [
        {"heading": "1. ...", "paragraphs": [{"text": ..., "italic": bool}],
         "tables": [{"caption", "header": [...], "rows": [[...]],
                     "numeric": [column indexes]}],
         "charts": [{"caption", "svg"}]}]}],
     "draft": bool, "confidentiality": "MẬT" | "TỐI MẬT" | ""}

Every value is plain text (charts aside, which are escaped SVG): the formats
escape it. The files are a Party document, in Vietnamese whatever the reader's
language: :func:`official_brief` builds it so, once for both files.

The sections: the heading (``heading``), I and II (``opinion``), III and V
(``follow_up``), IV (the forecast, the staff's words alone); the words for
numbers and the blocks of a section (``text``).
"""

from django.utils import translation
from django.utils.translation import gettext as _

from summaries.brief.follow_up import follow_up_and_briefings, recommendations
from summaries.brief.heading import heading
from summaries.brief.opinion import general_situation, prominent_opinion
from summaries.brief.text import change, paragraphs, part
from summaries.models import Summary

__all__ = ["brief_document", "change", "official_brief"]

ROMAN = ("I", "II", "III", "IV", "V", "VI")


def brief_document(summary: Summary) -> dict:
    """The brief's heading and sections, for every format to render."""
    snap = summary.snapshot or {}
    draft = summary.status != Summary.Status.APPROVED
    sections = [
        general_situation(summary, snap, draft=draft),
        prominent_opinion(summary, snap, draft=draft),
        follow_up_and_briefings(snap),
        {
            "title": _("Forecast"),
            "parts": [part("", paragraphs(summary.forecast, draft=draft))],
        },
        recommendations(summary, snap, draft=draft),
    ]
    for number_, section in zip(ROMAN, sections, strict=False):
        section["number"] = number_
        section["parts"] = [
            kept
            for kept in section["parts"]
            if kept["heading"] or kept["paragraphs"] or kept["tables"]
        ]
    return {
        "doc": heading(summary),
        "sections": sections,
        "draft": draft,
        "confidentiality": summary.confidentiality,
    }


def official_brief(summary: Summary) -> dict:
    """The brief as its files hold it: in Vietnamese, a Party document."""
    with translation.override("vi"):
        return brief_document(summary)
