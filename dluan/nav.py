"""The foundation's own navigation entry, collected like an app's ``nav.py``."""

from django.utils.translation import pgettext_lazy

from dluan.registry import STAFF, NavItem

NAV = [
    NavItem(
        pgettext_lazy("navigation", "Audit trail"),
        "audit-trail",
        STAFF,
        59,
        "/audit/",
        pgettext_lazy("navigation", "Monitoring"),
    ),
]
