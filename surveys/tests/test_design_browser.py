"""The questionnaire on a 360-pixel phone: the question form shows only what the
chosen kind needs, a question is added with a show-if rule, and axe finds no
WCAG 2.1 AA violation on the pages."""

import pytest
from playwright.sync_api import expect

from conftest import PHONE, browser_login, screenshot
from surveys.models import Question
from tests.support.pages import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_add_a_question_with_a_rule_on_a_phone(
    browser_context, live_server, staff, survey
):
    page = browser_context(PHONE).new_page()
    browser_login(page, staff.username)
    page.goto(f"/surveys/{survey.pk}/questions/")
    assert axe_violations(page) == []
    expect(
        page.locator("[data-testid=question-why_not] [data-testid=rule]")
    ).to_be_visible()
    page.locator("[data-testid=question-create]").click()

    choices = page.locator("#id_choices_text")
    numbers = page.locator("#id_minimum")
    page.locator("#id_kind").select_option("number")
    expect(choices).to_be_hidden()
    expect(numbers).to_be_visible()
    page.locator("#id_kind").select_option("single")
    expect(choices).to_be_visible()
    expect(numbers).to_be_hidden()
    assert axe_violations(page) == []

    page.locator("#id_name").fill("trust")
    page.locator("#id_label").fill("Ông/bà có tin tưởng chính quyền cơ sở không?")
    choices.fill("yes = Tin tưởng\nno = Chưa tin tưởng")
    page.locator("#id_if1_question").select_option("satisfied")
    page.locator("#id_if1_value").fill("no")
    screenshot(page, "survey-design-01-question-form")
    page.locator("[data-testid=question-save]").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-testid=question-trust]")).to_be_visible()
    screenshot(page, "survey-design-02-questionnaire")
    question = Question.objects.get(version=survey.current_version, name="trust")
    assert question.show_if == {"question": "satisfied", "is": "equals", "value": "no"}
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
