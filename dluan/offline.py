"""The installable app's logic: the service worker's configuration, the pages a
phone keeps, the opaque key of the person signed in, and the outbox's words.

The worker (static/js/sw.js) and the outbox (static/js/outbox.js) keep the
contract of issue 22 with the form views: see README, "Working offline".
"""

import hashlib
import json
import os
from functools import lru_cache

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dluan.registry import offline_pages

# The worker's own libraries, loaded with importScripts in this order.
WORKER_LIBRARIES = (
    "vendor/workbox/workbox-core.prod.js",
    "vendor/workbox/workbox-routing.prod.js",
    "vendor/workbox/workbox-strategies.prod.js",
    "vendor/workbox/workbox-precaching.prod.js",
    "vendor/idb/idb.umd.js",
    "js/outbox-store.js",
)
# The static shell a page needs offline: stored when the worker installs.
SHELL = (
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "vendor/idb/idb.umd.js",
    "css/dluan.css",
    "css/reports.css",
    "js/outbox-store.js",
    "js/outbox.js",
    "js/reports.js",
    "js/surveys-form.js",
    "icons/icon-192.png",
    "icons/icon-512.png",
    "icons/icon-maskable-512.png",
    "icons/apple-touch-icon.png",
)
WORKER_SOURCE = "js/sw.js"
# The form posts the worker keeps when the network fails (the contract's URLs).
OUTBOX_PATTERNS = (
    r"^/reports/new/$",
    r"^/reports/\d+/edit/$",
    r"^/surveys/\d+/interviews/offline/$",
    r"^/surveys/\d+/interviews/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}"
    r"-[0-9a-f]{12}/$",
)
# The drafts whose edit pages a phone keeps, newest first.
DRAFT_PAGES = 20
THEME_COLOUR = "#8b1a1a"
BACKGROUND_COLOUR = "#ffffff"


def user_key(user) -> str:
    """An opaque key for the person signed in (an HMAC of the id), "" if none.

    The phone compares it with its items' owner: not a secret, not the id.
    """
    if user is None or not user.is_authenticated:
        return ""
    return salted_hmac("dluan.offline.user", str(user.pk)).hexdigest()[:32]


def _revision(name: str) -> str | None:
    """None when the file's URL carries its hash; else a hash of its content."""
    if isinstance(staticfiles_storage, ManifestFilesMixin):
        return None
    path = finders.find(name)
    if path is None:
        return None
    stat = os.stat(path)
    return _content_hash(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _content_hash(path: str, mtime_ns: int, size: int) -> str:
    # Read again only when the file changed (the browser asks for sw.js often).
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()[:16]


def worker_source() -> str:
    path = finders.find(WORKER_SOURCE)
    if path is None:  # collected only: the storage holds it
        with staticfiles_storage.open(WORKER_SOURCE) as handle:
            return handle.read().decode()
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def worker_config(source: str) -> dict:
    """What sw.js is told: the files to store, a version made from them, the URLs."""
    precache = [{"url": static(name), "revision": _revision(name)} for name in SHELL]
    libraries = [static(name) for name in WORKER_LIBRARIES]
    digest = hashlib.sha256(source.encode())
    for entry in precache:
        digest.update(f"{entry['url']} {entry['revision']}\n".encode())
    for name, url in zip(WORKER_LIBRARIES, libraries, strict=True):
        digest.update(f"{url} {_revision(name)}\n".encode())
    return {
        "version": digest.hexdigest()[:12],
        "libraries": libraries,
        "precache": precache,
        "outbox": list(OUTBOX_PATTERNS),
        "pages": reverse("offline-pages"),
        "state": reverse("offline-state"),
        "outboxPage": reverse("outbox"),
        "fallback": reverse("outbox") + "?offline=1",
    }


def worker_script() -> str:
    """sw.js: its configuration on the first line, then the static source."""
    source = worker_source()
    config = json.dumps(worker_config(source), separators=(",", ":"))
    return f"self.DLUAN_CONFIG = {config};\n{source}"


def pages_for(user) -> list[str]:
    """The URLs a collaborator's phone keeps for offline use; none for others."""
    if not getattr(user, "is_collaborator", False):
        return []
    urls = [reverse("home"), reverse("outbox")]
    for url in offline_pages(user):
        if url not in urls:
            urls.append(url)
    return urls


def manifest() -> dict:
    return {
        "name": "dluan — Mạng lưới cộng tác viên dư luận xã hội",
        "short_name": "dluan",
        "description": "Mạng lưới cộng tác viên dư luận xã hội",
        "lang": "vi",
        "id": "/",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {
                "src": static("icons/icon-192.png"),
                "sizes": "192x192",
                "type": "image/png",
            },
            {
                "src": static("icons/icon-512.png"),
                "sizes": "512x512",
                "type": "image/png",
            },
            {
                "src": static("icons/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def client_strings() -> dict:
    """The words outbox.js shows, in the page's language."""
    return {
        "reportOne": ngettext("%(count)s report", "%(count)s reports", 1),
        "reportMany": ngettext("%(count)s report", "%(count)s reports", 2),
        "interviewOne": ngettext("%(count)s interview", "%(count)s interviews", 1),
        "interviewMany": ngettext("%(count)s interview", "%(count)s interviews", 2),
        "waiting": _("%(items)s waiting to be sent"),
        "signIn": _("Sign in again to send"),
        "states": {
            "waiting": _("Waiting"),
            "sending": _("Sending…"),
            "sent": _("Sent"),
            "refused": _("Refused"),
            "conflict": _("Changed on the server"),
        },
        "kinds": {"report": _("Report"), "interview": _("Survey interview")},
        "saved": _(
            "No connection: kept on this phone. It will be sent when the "
            "connection returns."
        ),
        "sent": _("Sent to the board."),
        "open": _("View"),
        "sendNow": _("Send now"),
        "remove": _("Delete"),
        "edit": _("Open to correct"),
        "created": _("Made on %(date)s"),
        "attempts": _("Tried %(count)s times; next try at %(time)s."),
        "empty": _("Nothing is waiting to be sent."),
        "signedOut": _(
            "You are signed out: sign in again to send what waits here. Nothing "
            "is lost."
        ),
        "forbidden": _("The board refused this: sign in again and send it."),
        "networkError": _("No connection to the board: it will be tried again."),
        "reminder": _(
            "Something has waited more than a day to be sent. Connect to the "
            "network and open the outbox to send it."
        ),
        "yours": _("Your version (on this phone)"),
        "theirs": _("The version on the server"),
        "keepMine": _("Send my version"),
        "takeTheirs": _("Take the server's version"),
        "question": _("The board's question"),
        "status": _("Status"),
        "title": _("Title"),
        "description": _("What happened"),
        "photoOne": ngettext("%(count)s photo", "%(count)s photos", 1),
        "photoMany": ngettext("%(count)s photo", "%(count)s photos", 2),
        "untitled": _("(no title)"),
        "outboxUrl": reverse("outbox"),
        "stateUrl": reverse("offline-state"),
        "loginUrl": _url("login"),
    }
