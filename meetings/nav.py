from django.utils.translation import pgettext_lazy

from dluan.registry import EVERYONE, NavItem

NAV = [
    NavItem(
        pgettext_lazy("navigation", "Briefings"),
        "meetings:meeting-list",
        EVERYONE,
        order=40,
    ),
    NavItem(
        pgettext_lazy("navigation", "Reference documents"),
        "meetings:document-list",
        EVERYONE,
        order=45,
        prefix="/meetings/documents/",
    ),
]
