from django.utils.translation import pgettext_lazy

from dluan.registry import EVERYONE, NavItem

NAV = [
    NavItem(
        pgettext_lazy("navigation", "Briefings"),
        "meetings:meeting-list",
        EVERYONE,
        order=40,
        prefix="/meetings/",
        # Grouped: with summaries the board's menu no longer fits a 1280 px screen.
        group=pgettext_lazy("navigation", "Briefings and documents"),
    ),
    NavItem(
        pgettext_lazy("navigation", "Reference documents"),
        "meetings:document-list",
        EVERYONE,
        order=45,
        prefix="/meetings/documents/",
        group=pgettext_lazy("navigation", "Briefings and documents"),
    ),
]
