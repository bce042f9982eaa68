from django.utils.translation import pgettext_lazy

from dluan.registry import COLLABORATORS, MANAGERS, STAFF, NavItem

NAV = [
    NavItem(
        pgettext_lazy("navigation", "My reports"),
        "reports:report-list",
        COLLABORATORS,
        20,
        "/reports/",
    ),
    NavItem(
        pgettext_lazy("navigation", "Review queue"),
        "reports:report-queue",
        MANAGERS,
        20,
    ),
    NavItem(
        pgettext_lazy("navigation", "Issues"),
        "reports:issue-list",
        MANAGERS,
        30,
        "/reports/issues/",
    ),
    # Figures that follow the network's work: discipline and early warnings;
    # emulation scores join this menu.
    NavItem(
        pgettext_lazy("navigation", "Reporting discipline"),
        "reports:discipline",
        MANAGERS,
        50,
        "/reports/discipline/",
        pgettext_lazy("navigation", "Monitoring"),
    ),
    NavItem(
        pgettext_lazy("navigation", "Early warnings"),
        "reports:warnings",
        MANAGERS,
        51,
        "/reports/warnings/",
        pgettext_lazy("navigation", "Monitoring"),
    ),
    NavItem(
        pgettext_lazy("navigation", "Topics"),
        "reports:topic-list",
        STAFF,
        80,
        "/reports/topics/",
        pgettext_lazy("navigation", "Catalogues"),
    ),
    NavItem(
        pgettext_lazy("navigation", "Reporting periods"),
        "reports:period-list",
        MANAGERS,
        81,
        "/reports/periods/",
        pgettext_lazy("navigation", "Catalogues"),
    ),
]
