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
        pgettext_lazy("navigation", "Emulation scores"),
        "collaborators:scores",
        MANAGERS,
        order=52,
        prefix="/collaborators/scores/",
        group=pgettext_lazy("navigation", "Monitoring"),
    ),
    NavItem(
        pgettext_lazy("navigation", "My emulation score"),
        "collaborators:scores",
        COLLABORATORS,
        order=85,
        prefix="/collaborators/scores/",
    ),
    NavItem(
        pgettext_lazy("navigation", "My profile"),
        "collaborators:my-profile",
        COLLABORATORS,
        order=90,
        prefix="/collaborators/",
    ),
]
