"""Every page staff, leaders and collaborators can reach fits a 360-pixel phone
screen (wide tables scroll inside their box, the page never scrolls sideways) and
passes axe-core's WCAG 2.1 AA rules.

Every kind of page, that is: one report's page stands for all of them, and one
page of the queue filtered by status for every status (``page_kind``), so the
crawl reaches more kinds of page before its limit instead of the same template
again for each report.
"""

import re
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest

from conftest import PHONE, browser_login
from tests.support.pages import axe_violations

SKIP = ("/admin/", "/static/", "/i18n/", "/logout/")
MAX_PAGES = 60


def page_kind(url: str) -> str:
    """The URL with its numbers blanked and only its query's names kept."""
    parts = urlsplit(url)
    names = sorted({name for name, _ in parse_qsl(parts.query, True)})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(names)


def same_site_links(page) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "a[href]", "as => as.map(a => a.getAttribute('href'))"
    )
    links = []
    for href in hrefs:
        href = urldefrag(href)[0]
        parts = urlsplit(href)
        if (
            parts.scheme
            or parts.netloc
            or not href.startswith("/")
            or href.startswith(SKIP)
        ):
            continue
        links.append(href)
    return links


@pytest.mark.browser
@pytest.mark.parametrize("username", ["canbo", "lanhdao", "ctv01"])
def test_every_page_fits_a_phone_and_meets_wcag_aa(demo_browser, username):
    page = demo_browser(PHONE).new_page()
    browser_login(page, username)
    queue, seen, too_wide, violations = ["/"], set(), [], []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if page_kind(url) in seen:
            continue
        seen.add(page_kind(url))
        response = page.request.head(url)
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            too_wide.append(f"{url}: {width}px")
        violations += axe_violations(page)
        queue.extend(
            link for link in same_site_links(page) if page_kind(link) not in seen
        )
    assert too_wide == [], "\n".join(too_wide)
    assert violations == [], "\n".join(violations)
    assert len(seen) > 10
