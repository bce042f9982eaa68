"""Search that ignores case and Vietnamese diacritics, the same on SQLite and PostgreSQL.

Searchable models keep a folded copy of their text in a ``search_text`` column
(lower case, no diacritics, đ as d); queries are folded the same way and matched
with ``LIKE``, which PostgreSQL serves from a trigram index.
"""

import re
import unicodedata

from django.db.models import Q, QuerySet

_SPACES = re.compile(r"\s+")


def nfc(text: str) -> str:
    """Text as stored: NFC-composed, so precomposed and decomposed input compare equal."""
    return unicodedata.normalize("NFC", text or "")


def fold(text: str) -> str:
    """Lower case, diacritics removed, đ → d, whitespace collapsed."""
    decomposed = unicodedata.normalize("NFD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.casefold()).strip()


def fold_parts(*parts) -> str:
    """The ``search_text`` value for a row made of several fields."""
    return fold(" ".join(str(part) for part in parts if part))


def search(queryset: QuerySet, query: str, field: str = "search_text") -> QuerySet:
    """Rows whose folded text contains every word of the folded query."""
    words = fold(query).split()
    if not words:
        return queryset
    condition = Q()
    for word in words[:10]:
        condition &= Q(**{f"{field}__contains": word})
    return queryset.filter(condition)
