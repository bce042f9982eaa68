from django.utils.translation import gettext_lazy as _

from dluan.registry import EVERYONE, NavItem

NAV = [
    NavItem(_("Briefings"), "meetings:meeting-list", EVERYONE, order=40),
    NavItem(
        _("Reference documents"),
        "meetings:document-list",
        EVERYONE,
        order=45,
        prefix="/meetings/documents/",
    ),
]
