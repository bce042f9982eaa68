"""The results page in Chromium: its charts draw under the strict CSP, beside their
tables, on a 360-pixel phone, with no WCAG 2.1 AA violation."""

import pytest

from conftest import DESKTOP, PHONE, browser_login, screenshot
from surveys.models import Survey
from surveys.tests.results_data import hand_set
from tests.support.pages import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_results_charts_draw_and_pass_axe(browser_context, staff, survey, viewport):
    Survey.objects.filter(pk=survey.pk).update(sample_size=100)
    survey.refresh_from_db()
    hand_set(survey)
    page = browser_context(viewport).new_page()
    refused, missing = [], []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if message.type == "error" and "Failed to load resource" not in message.text
            else None
        ),
    )
    page.on(
        "response",
        lambda response: (
            missing.append(response.url)
            if response.status >= 400 and "favicon" not in response.url
            else None
        ),
    )
    browser_login(page, staff.username)
    page.goto(f"/surveys/{survey.pk}/results/")
    page.wait_for_load_state("networkidle")
    # Chart.js marks each canvas it draws on.
    drawn = page.evaluate(
        "() => Array.from(document.querySelectorAll('canvas'))"
        ".map(c => !!Chart.getChart(c))"
    )
    assert drawn and all(drawn)
    # satisfied, channels, rating has no answer (no chart), grid.
    assert len(drawn) == 3
    assert not refused, refused
    assert not missing, missing
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= viewport["width"]
    screenshot(page, f"results-{'phone' if viewport is PHONE else 'desktop'}")
    assert axe_violations(page) == []


def test_crosstab_and_text_pages_pass_axe_on_a_phone(browser_context, staff, survey):
    Survey.objects.filter(pk=survey.pk).update(sample_size=100)
    survey.refresh_from_db()
    hand_set(survey)
    why = survey.current_version.questions.get(name="why_not")
    page = browser_context(PHONE).new_page()
    browser_login(page, staff.username)
    page.goto(f"/surveys/{survey.pk}/results/crosstab/")
    page.select_option("#id_q", "satisfied")
    page.select_option("#id_by", "sex")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=crosstab-row]").count() == 2
    screenshot(page, "results-crosstab-phone")
    assert axe_violations(page) == []
    page.goto(f"/surveys/{survey.pk}/results/text/{why.pk}/")
    page.locator("#text-search").fill("duong truyen")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=text-answer]").count() == 10
    screenshot(page, "results-text-phone")
    assert axe_violations(page) == []
