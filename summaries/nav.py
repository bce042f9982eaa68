from django.utils.translation import pgettext_lazy

from dluan.registry import MANAGERS, NavItem

NAV = [
    NavItem(
        pgettext_lazy("navigation", "Summaries"),
        "summaries:summary-list",
        MANAGERS,
        47,
        "/summaries/",
    ),
]
