"""WCAG 2.1 AA checks with axe-core (vendored for the tests only) in Chromium, on the
pages each role opens first, at desktop width (tests/test_phone_layout.py runs the
same rules on every page each role reaches at phone width)."""

import pytest

from conftest import DESKTOP, browser_login, screenshot
from tests.support.pages import axe_violations


def nav_links(page) -> list[str]:
    return page.eval_on_selector_all(
        "#main-nav a.nav-link[href^='/']:not([href^='/admin']), "
        "#main-nav a.dropdown-item[href^='/']",
        "links => links.map(a => a.getAttribute('href'))",
    )


@pytest.mark.browser
@pytest.mark.parametrize("username", ["canbo", "lanhdao", "ctv01"])
def test_pages_in_the_navigation_meet_wcag_aa(demo_browser, username):
    viewport = DESKTOP
    page = demo_browser(viewport).new_page()
    page.goto("/login/")
    violations = axe_violations(page)
    browser_login(page, username)
    for url in ["/", *nav_links(page)]:
        page.goto(url)
        violations += axe_violations(page)
        name = url.strip("/").replace("/", "-") or "home"
        screenshot(page, f"nav-{username}-{name}-{viewport['width']}")
    assert violations == []


@pytest.mark.browser
def test_keyboard_reaches_the_main_content_first(demo_browser):
    page = demo_browser(DESKTOP).new_page()
    browser_login(page, "canbo")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
