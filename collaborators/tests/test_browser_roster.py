"""Roster journeys in Chromium: staff search the roster, a collaborator acknowledges."""

import pytest
from playwright.sync_api import expect

from collaborators.models import RegulationAcknowledgement
from conftest import DESKTOP, PHONE, browser_login, screenshot


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_staff_search_the_roster_and_open_a_profile(demo_browser, viewport):
    page = demo_browser(viewport).new_page()
    browser_login(page, "canbo")
    page.goto("/collaborators/")
    page.locator("#id_q").fill("dang thi lan")
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1
    screenshot(page, f"roster-list-{viewport['width']}")
    rows.first.locator("a").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_test_id("collaborator-name").inner_text() == "Đặng Thị Lan"
    screenshot(page, f"roster-profile-{viewport['width']}")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"]


@pytest.mark.browser
def test_collaborator_acknowledges_the_regulation(demo_browser):
    page = demo_browser(PHONE).new_page()
    username = next(
        name
        for name in (f"ctv{index:02d}" for index in range(1, 21))
        if not RegulationAcknowledgement.objects.filter(
            collaborator__user__username=name
        ).exists()
    )
    browser_login(page, username)
    page.get_by_test_id("acknowledge").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("acknowledged")).to_be_visible()
    screenshot(page, "roster-collaborator-home-360")
    assert RegulationAcknowledgement.objects.filter(
        collaborator__user__username=username
    ).exists()
