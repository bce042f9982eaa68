"""First journey: each demo role logs in, lands on its home page and logs out."""

import pytest
from playwright.sync_api import expect

from conftest import DESKTOP, PHONE, browser_login, screenshot

ROLES = [
    ("admin", "Quản trị hệ thống"),
    ("canbo", "Nguyễn Thị Hoài Trang"),
    ("lanhdao", "Trần Văn Hùng"),
    ("ctv01", "Nguyễn Văn An"),
]


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_each_demo_role_logs_in_and_out(demo_site, demo_browser, viewport):
    context = demo_browser(viewport)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    for username, full_name in ROLES:
        browser_login(page, username)
        assert page.url == f"{demo_site}/", f"{username} did not land on home"
        assert page.locator("main h1").count() == 1
        # The navigation bar names the signed-in person (behind the menu on a phone).
        toggler = page.locator("button.navbar-toggler")
        if toggler.is_visible():
            toggler.click()
        menu = page.get_by_test_id("account-menu")
        menu.wait_for(state="visible")
        assert full_name in menu.inner_text()
        screenshot(page, f"home-{username}-{viewport['width']}")
        # Nothing on the page is wider than the screen.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{username}: page is {width}px wide"
        menu.click()
        page.get_by_test_id("logout").click()
        page.wait_for_url("**/login/")
        expect(page.locator("#id_username")).to_be_visible()
    assert errors == []
