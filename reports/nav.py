from django.utils.translation import gettext_lazy as _

from dluan.registry import COLLABORATORS, MANAGERS, STAFF, NavItem

NAV = [
    NavItem(_("My reports"), "reports:report-list", COLLABORATORS, 20, "/reports/"),
    NavItem(_("Review queue"), "reports:report-queue", MANAGERS, 20),
    NavItem(_("Issues"), "reports:issue-list", MANAGERS, 30, "/reports/issues/"),
    NavItem(
        _("Topics"),
        "reports:topic-list",
        STAFF,
        80,
        "/reports/topics/",
        _("Catalogues"),
    ),
    NavItem(
        _("Reporting periods"),
        "reports:period-list",
        MANAGERS,
        81,
        "/reports/periods/",
        _("Catalogues"),
    ),
]
