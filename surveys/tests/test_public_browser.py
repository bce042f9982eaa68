"""The public survey page on a 360-pixel phone: answered with JavaScript off, and
checked against WCAG 2.1 AA with it on."""

import pytest

from conftest import PHONE, screenshot
from surveys.models import Response, Survey
from tests.support.pages import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def online_survey(survey, commune):
    Survey.objects.filter(pk=survey.pk).update(mode=Survey.Mode.ONLINE)
    survey.refresh_from_db()
    return survey


def _fits(page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_answer_on_a_phone_without_javascript(
    chromium, live_server, online_survey, commune, settings
):
    settings.SURVEY_PUBLIC_MIN_SECONDS = 0
    context = chromium.new_context(
        viewport=PHONE, java_script_enabled=False, base_url=live_server.url
    )
    try:
        page = context.new_page()
        page.goto(f"/s/{online_survey.public_key}/")
        assert _fits(page)
        page.select_option("#id_commune", str(commune.pk))
        page.check("#id_sex_1")
        page.check("#id_age_group_0")
        page.select_option("#id_occupation", "student")
        # No script hides "why not": answering it after "satisfied" is refused.
        page.check("input[name=q-satisfied][value=yes]")
        page.fill("#q-why_not", "Chậm")
        page.click("[data-testid=submit-answers]")
        assert page.locator("#q-why_not-error").is_visible()
        assert Response.objects.count() == 0
        page.fill("#q-why_not", "")
        page.click("[data-testid=submit-answers]")
        page.wait_for_url(f"**/s/{online_survey.public_key}/thanks/")
        screenshot(page, "surveys-public-01-thanks-phone")
        assert Response.objects.filter(mode=Response.Mode.ONLINE).count() == 1
        page.goto(f"/s/{online_survey.public_key}/")
        assert page.locator("[data-testid=message-heading]").is_visible()
        assert page.locator("[data-testid=public-form]").count() == 0
    finally:
        context.close()


def test_public_page_meets_wcag_on_a_phone(browser_context, online_survey):
    page = browser_context(PHONE).new_page()
    page.goto(f"/s/{online_survey.public_key}/")
    # With JavaScript, "why not" shows only once "not satisfied" is chosen.
    assert not page.locator("#question-why_not").is_visible()
    page.check("input[name=q-satisfied][value=no]")
    assert page.locator("#question-why_not").is_visible()
    assert _fits(page)
    screenshot(page, "surveys-public-02-form-phone")
    assert axe_violations(page) == []
