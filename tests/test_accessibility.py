"""The keyboard reaches the main content first. axe-core's WCAG 2.1 AA rules run in
tests/test_browser_csp.py (each role's pages at desktop width) and
tests/test_phone_layout.py (every kind of page at phone width)."""

import pytest

from conftest import DESKTOP, browser_login


@pytest.mark.browser
def test_keyboard_reaches_the_main_content_first(
    transactional_db, browser_context, staff
):
    page = browser_context(DESKTOP).new_page()
    browser_login(page, staff.username)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
