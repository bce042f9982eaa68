"""Every page each demo role can reach: answers, is valid HTML5, is labelled, and
reading it changes nothing.

The crawler follows same-site links from the home page (GET only), so a page added
by any app is checked without being listed here.
"""

from collections import deque
from urllib.parse import urldefrag, urlsplit

import html5lib
import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from dluan.models import User

SKIP_PREFIXES = ("/admin/", "/static/", "/i18n/", "/logout/")
MAX_PAGES = 120


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def _links(document) -> list[str]:
    found = []
    for anchor in document.iter("{http://www.w3.org/1999/xhtml}a"):
        href = anchor.get("href") or ""
        href = urldefrag(href)[0]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if href.startswith(SKIP_PREFIXES):
            continue
        found.append(href)
    return found


def _problems(url: str, html: str) -> tuple[list[str], object]:
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=True)
    document = parser.parse(html)
    problems = [
        f"{url}: HTML parse error {err} at {pos}" for pos, err, _ in parser.errors
    ]
    ns = "{http://www.w3.org/1999/xhtml}"
    root = document
    if not root.get("lang"):
        problems.append(f"{url}: <html> has no lang")
    if len(list(root.iter(f"{ns}main"))) != 1:
        problems.append(f"{url}: expected exactly one <main>")
    if len(list(root.iter(f"{ns}h1"))) != 1:
        problems.append(f"{url}: expected exactly one <h1>")
    labelled = {
        label.get("for") for label in root.iter(f"{ns}label") if label.get("for")
    }
    for tag in ("input", "select", "textarea"):
        for field in root.iter(f"{ns}{tag}"):
            if field.get("type") in {"hidden", "submit", "button", "reset"}:
                continue
            if (
                field.get("aria-label")
                or field.get("aria-labelledby")
                or field.get("title")
            ):
                continue
            if field.get("id") and field.get("id") in labelled:
                continue
            problems.append(f"{url}: <{tag} name={field.get('name')}> has no label")
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        problems.append(f"{url}: duplicate ids {sorted(duplicates)}")
    return problems, document


def _counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for label in ("dluan", "collaborators", "reports", "meetings")
        for model in apps.get_app_config(label).get_models()
    } | {"auditlog": LogEntry.objects.count()}


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["admin", "canbo", "lanhdao", "ctv01"])
def test_every_reachable_page_is_sound_and_reading_changes_nothing(demo, username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    before = _counts()
    queue, seen, problems = deque(["/"]), set(), []
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code in (301, 302):
            continue
        if response.status_code != 200:
            problems.append(f"{url}: status {response.status_code}")
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        page_problems, document = _problems(url, response.content.decode())
        problems.extend(page_problems)
        queue.extend(link for link in _links(document) if link not in seen)
    assert problems == [], "\n".join(problems)
    assert _counts() == before, "a GET changed data"
    assert len(seen) > 3
