"""The brief's words for its numbers, and the blocks a section is made of.

Every value the brief shows goes through here: counts and rates in the reader's
number format (``number`` and ``percent``, shared with the charts and kept in
:mod:`summaries.renderers.values`), changes as "+15" in a table and "up 15" in a
sentence, the snapshot's dates and codes read back through that module too.
"""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from dluan.document.blocks import para, paragraphs, part, table  # noqa: F401
from summaries.renderers import values
from summaries.renderers.values import number, percent

# Rows of each list the brief shows; the snapshot and the workbook keep more. A
# leader reads the first few; a province's brief stays a few pages long.
BRIEF_ROWS = 5
MINUS = "\u2212"


def signed(delta, *, rate: bool = False) -> str:
    """``+15`` / ``−3`` / "unchanged"; rates in percentage points."""
    if not delta:
        return _("unchanged")
    sign = "+" if delta > 0 else MINUS
    shown = sign + (number_format(abs(delta), 1) if rate else number(abs(delta)))
    if rate:
        return _("%(change)s pp") % {"change": shown}
    return shown


def change(value, previous, *, rate: bool = False) -> str:
    """The change for a table cell, or a dash when there is nothing to compare."""
    delta = values.change(value, previous)
    return "—" if delta is None else signed(delta, rate=rate)


def _movement(value, previous, *, rate: bool = False) -> str:
    """ "up 15" / "down 3" / "unchanged", for a sentence."""
    delta = values.change(value, previous)
    if not delta:
        return _("unchanged")
    amount = number_format(abs(delta), 1) if rate else number(abs(delta))
    if rate:
        if delta > 0:
            return _("up %(amount)s percentage points") % {"amount": amount}
        return _("down %(amount)s percentage points") % {"amount": amount}
    if delta > 0:
        return _("up %(amount)s") % {"amount": amount}
    return _("down %(amount)s") % {"amount": amount}


def compared(figure: dict | None, *, rate: bool = False) -> str:
    """ " (previous period 71, up 15)", or nothing without a previous value."""
    value, previous = values.figure(figure)
    if value is None or previous is None:
        return ""
    shown = percent(previous) if rate else number(previous)
    return " " + _("(previous period %(previous)s, %(change)s)") % {
        "previous": shown,
        "change": _movement(value, previous, rate=rate),
    }


def value(figure: dict | None):
    """A figure's value for the period."""
    return values.figure(figure)[0]


def day(iso: str | None) -> str:
    """An ISO date or date-time of the snapshot as dd/mm/yyyy (Vietnam time)."""
    return values.day(iso) or "—"
