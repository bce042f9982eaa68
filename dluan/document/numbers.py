"""Numbers as a Party document shows them, in the reader's number format."""

from django.utils.formats import number_format


def number(value) -> str:
    """A count, or a rate to one decimal, in the reader's number format."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return number_format(value, 1)
    return number_format(value)


def percent(value) -> str:
    return "—" if value is None else number_format(value, 1) + "%"
