from django.utils.translation import gettext_lazy as _

from dluan.registry import COLLABORATORS, MANAGERS, NavItem

NAV = [
    NavItem(
        _("Collaborators"),
        "collaborators:collaborator-list",
        MANAGERS,
        order=10,
        prefix="/collaborators/",
    ),
    NavItem(
        _("My profile"),
        "collaborators:my-profile",
        COLLABORATORS,
        order=90,
        prefix="/collaborators/",
    ),
]
