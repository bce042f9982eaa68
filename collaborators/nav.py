from django.utils.translation import pgettext_lazy

from dluan.registry import COLLABORATORS, MANAGERS, NavItem

NAV = [
    NavItem(
        pgettext_lazy("navigation", "Collaborators"),
        "collaborators:collaborator-list",
        MANAGERS,
        order=10,
        prefix="/collaborators/",
    ),
    NavItem(
        pgettext_lazy("navigation", "My profile"),
        "collaborators:my-profile",
        COLLABORATORS,
        order=90,
        prefix="/collaborators/",
    ),
]
