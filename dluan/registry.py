"""What each app adds to the shared pages: navigation entries and home-page panels.

An app declares ``NAV`` (a list of :class:`NavItem`) in ``<app>/nav.py`` and
``panels(request)`` in ``<app>/home.py``; the foundation collects them, so no app
edits another's templates.
"""

from dataclasses import dataclass
from functools import cache
from importlib import import_module

from django.conf import settings

PRODUCT_APPS = ("collaborators", "reports", "meetings", "surveys", "summaries")


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset  # role values allowed to see the entry
    order: int = 100
    # Highlights the entry on any URL starting with this prefix.
    prefix: str = ""
    # Entries sharing a group are shown together in one drop-down menu.
    group: str = ""


@dataclass
class Panel:
    template: str
    context: dict
    order: int = 100


def app_module(app: str, module: str):
    """``<app>.<module>``, or None when the app is not installed or has none."""
    if app not in settings.INSTALLED_APPS:
        return None
    try:
        return import_module(f"{app}.{module}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app}.{module}":
            raise
        return None


@cache
def nav_items() -> tuple[NavItem, ...]:
    """Every ``<app>/nav.py``'s entries, the foundation's own (``dluan/nav.py``) too."""
    items = []
    for app in ("dluan", *PRODUCT_APPS):
        module = app_module(app, "nav")
        if module is not None:
            items.extend(module.NAV)
    return tuple(sorted(items, key=lambda item: item.order))


def home_panels(request) -> list[Panel]:
    panels = []
    for app in PRODUCT_APPS:
        module = app_module(app, "home")
        if module is not None:
            panels.extend(module.panels(request))
    return sorted(panels, key=lambda panel: panel.order)


STAFF = frozenset({"staff", "admin"})
MANAGERS = frozenset({"staff", "admin", "leader"})
LEADERS = frozenset({"leader"})
COLLABORATORS = frozenset({"collaborator"})
EVERYONE = MANAGERS | COLLABORATORS


def score_parts(year: int, collaborator_ids=None) -> dict[str, dict[int, float]]:
    """Each app's parts of the emulation score (``<app>/scoring.py``), merged."""
    merged: dict[str, dict[int, float]] = {}
    for app in PRODUCT_APPS:
        module = app_module(app, "scoring")
        if module is not None:
            for name, values in module.parts(year, collaborator_ids).items():
                merged.setdefault(name, {}).update(values)
    return merged


def offline_pages(user) -> list[str]:
    """The URLs each app's ``<app>/offline.py`` has a collaborator's phone keep."""
    urls: list[str] = []
    for app in PRODUCT_APPS:
        module = app_module(app, "offline")
        if module is not None:
            urls.extend(module.pages(user))
    return urls
