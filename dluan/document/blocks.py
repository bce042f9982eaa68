"""The blocks a Party document's section is made of: parts, paragraphs, tables."""

import re

from django.utils.translation import gettext as _

_BLANK_LINES = re.compile(r"\n\s*\n")


def paragraphs(text: str, *, draft: bool) -> list[dict]:
    """Narrative text split on blank lines; in a draft, a placeholder if empty."""
    chunks = [chunk.strip() for chunk in _BLANK_LINES.split(text or "")]
    found = [{"text": chunk, "italic": False} for chunk in chunks if chunk]
    if not found and draft:
        return [{"text": _("(Not written yet)"), "italic": True}]
    return found


def para(text: str, *, italic: bool = False) -> dict:
    """One paragraph of a part."""
    return {"text": text, "italic": italic}


def part(heading="", paragraphs=(), tables=(), charts=()) -> dict:
    """A part of a section: an optional heading, paragraphs, tables, charts."""
    return {
        "heading": heading,
        "paragraphs": list(paragraphs),
        "tables": list(tables),
        "charts": list(charts),
    }


def table(caption: str, header: list[str], rows: list[list], numeric=()) -> dict:
    """A table of a part; ``numeric`` columns are set flush right."""
    return {
        "caption": caption,
        "header": header,
        "rows": [[str(cell) for cell in row] for row in rows],
        "numeric": list(numeric),
    }
