"""Pagination that does not count a million rows to show twenty-five.

:class:`LargePaginator` counts exactly while the rows are few (up to
``exact_limit``); past that it takes PostgreSQL's own estimate of the row count
(``EXPLAIN``), which costs a millisecond whatever the size, and the page says
"about". With ``counted=False`` (a text search, whose count would cost as much
as the search itself) it does not count at all and pages by "next" alone.

Whether a page has a next one is read from the rows themselves (one more than a
page is fetched), so an estimate never leads to an empty page. A page is read as
its keys first, then its rows with their joins: the sort never carries the joined
columns of rows it throws away.
"""

import json
from functools import cached_property

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections

EXACT, ESTIMATE, UNCOUNTED = "exact", "estimate", "uncounted"


class LargePage(Page):
    def has_next(self):
        return self._more


class LargePaginator(Paginator):
    """A paginator for lists that may hold a province's rows."""

    exact_limit = 1000

    def __init__(self, object_list, per_page, *, counted: bool = True, rows=None):
        """``rows(keys)``: the rows to show for a page's keys, with what they join.

        By default the list itself is filtered by the keys; a cheaper query that
        only eager-loads (the keys came from the scoped list) can be given.
        """
        super().__init__(object_list, per_page, allow_empty_first_page=True)
        self.counted = counted
        self.rows = rows or (lambda keys: self.object_list.filter(pk__in=keys))

    @cached_property
    def _counted(self) -> tuple[int | None, str]:
        if not self.counted:
            return None, UNCOUNTED
        queryset = self.object_list.order_by()
        capped = queryset.values("pk")[: self.exact_limit + 1].count()
        if capped <= self.exact_limit:
            return capped, EXACT
        if connections[queryset.db].vendor != "postgresql":
            return queryset.count(), EXACT
        plan = json.loads(queryset.explain(format="json"))
        estimate = int(plan[0]["Plan"]["Plan Rows"])
        return max(estimate, self.exact_limit + 1), ESTIMATE

    @cached_property
    def count(self) -> int | None:
        return self._counted[0]

    @property
    def count_kind(self) -> str:
        return self._counted[1]

    @property
    def is_estimate(self) -> bool:
        return self.count_kind == ESTIMATE

    @cached_property
    def num_pages(self) -> int | None:
        if self.count is None:
            return None
        return super().num_pages

    def validate_number(self, number):
        if self.count_kind == EXACT:
            return super().validate_number(number)
        # Without an exact count any positive page may exist.
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def get_page(self, number):
        try:
            number = self.validate_number(number)
        except PageNotAnInteger:
            number = 1
        except EmptyPage:
            number = self.num_pages if self.count_kind == EXACT else 1
        return self.page(number)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        keys = list(
            self.object_list.values_list("pk", flat=True)[
                bottom : bottom + self.per_page + 1
            ]
        )
        more, keys = len(keys) > self.per_page, keys[: self.per_page]
        found = {row.pk: row for row in self.rows(keys)}
        page = LargePage([found[key] for key in keys if key in found], number, self)
        page._more = more
        return page
