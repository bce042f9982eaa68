"""Keyset pages: ``?cursor=…`` names the last row of the page before.

A page is ``WHERE id < :last ORDER BY id DESC LIMIT :size + 1`` (ascending for a
view that says so): the 400th page costs what the first does, never an OFFSET,
and nothing counts the rows. The next page's address is in ``next`` and in the
``Link`` header (``rel="next"``), for CSV too.
"""

import base64
import binascii

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
CURSOR = "cursor"
PAGE_SIZE = "page_size"


def encode_cursor(key: int) -> str:
    """The cursor of the page that starts after the row ``key``."""
    return base64.urlsafe_b64encode(f"k{key}".encode()).decode().rstrip("=")


def decode_cursor(value: str) -> int:
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    if not text.startswith("k") or not text[1:].isdecimal() or len(text) > 20:
        raise exceptions.NotFound(_("This page cursor is not valid."))
    return int(text[1:])


class KeysetPagination(BasePagination):
    """Pages of ``page_size`` rows (up to 1,000; 100 by default) by their id."""

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = request.query_params.get(PAGE_SIZE, "")
        if size == "":
            self.page_size = DEFAULT_PAGE_SIZE
        elif size.isascii() and size.isdecimal() and 1 <= int(size) <= MAX_PAGE_SIZE:
            self.page_size = int(size)
        else:
            raise exceptions.ValidationError(
                {
                    PAGE_SIZE: _("A whole number from 1 to %(most)d.")
                    % {"most": MAX_PAGE_SIZE}
                }
            )
        ascending = getattr(view, "keyset_ascending", False)
        queryset = queryset.order_by("pk" if ascending else "-pk")
        cursor = request.query_params.get(CURSOR)
        if cursor:
            after = decode_cursor(cursor)
            queryset = queryset.filter(**{"pk__gt" if ascending else "pk__lt": after})
        rows = list(queryset[: self.page_size + 1])
        self.next_key = None
        if len(rows) > self.page_size:
            last = rows[self.page_size - 1]
            self.next_key = last if isinstance(last, int) else last.pk
        return rows[: self.page_size]

    def get_next_link(self) -> str | None:
        if self.next_key is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, CURSOR, encode_cursor(self.next_key))

    def get_first_link(self) -> str:
        return remove_query_param(self.request.build_absolute_uri(), CURSOR)

    def get_paginated_response(self, data):
        link = self.get_next_link()
        headers = {"Link": f'<{link}>; rel="next"'} if link else {}
        return Response({"next": link, "results": data}, headers=headers)

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": str(_("The next page, or null on the last page.")),
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": CURSOR,
                "required": False,
                "in": "query",
                "description": str(
                    _("The page to read, from the previous page's next.")
                ),
                "schema": {"type": "string"},
            },
            {
                "name": PAGE_SIZE,
                "required": False,
                "in": "query",
                "description": str(_("Rows per page: 1 to 1,000 (100 by default).")),
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_PAGE_SIZE,
                    "default": DEFAULT_PAGE_SIZE,
                },
            },
        ]
