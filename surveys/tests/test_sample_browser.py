"""The sample's pages on a 360-pixel phone: the population typed commune by commune,
the quota fill refreshed in place by htmx, no WCAG 2.1 AA violation."""

import uuid

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PHONE, browser_login, screenshot
from surveys.models import AgeGroup, Response, Sex, SurveyCell
from tests.support.pages import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_population_and_quota_fill_on_a_phone(
    browser_context, live_server, staff, survey, commune, other_commune
):
    for unit in (commune, other_commune):
        for sex in Sex.values:
            for age in AgeGroup.values:
                SurveyCell.objects.create(
                    survey=survey, commune=unit, sex=sex, age_group=age, quota=4
                )
    page = browser_context(PHONE).new_page()
    browser_login(page, staff.username)
    page.goto(f"/surveys/{survey.pk}/population/")
    field = page.get_by_label(f"{commune.name}, Nam, Từ 18 đến 29")
    field.first.fill("1.250")
    page.locator("[data-testid=population-save]").click()
    expect(page.locator("[data-testid=population-total]")).to_have_text("1250")
    # Nothing wider than the phone but the tables' own scrolling boxes.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []
    screenshot(page, "sample-01-population")

    page.goto(f"/surveys/{survey.pk}/quotas/")
    table = page.locator("[data-testid=quota-fill-totals]")
    expect(table).to_contain_text("64")
    Response.objects.create(
        survey=survey,
        version=survey.current_version,
        mode=Response.Mode.FACE_TO_FACE,
        client_id=uuid.uuid4(),
        commune=commune,
        sex="male",
        age_group="18-29",
        state=Response.State.SUBMITTED,
        review=Response.Review.APPROVED,
        submitted_at=timezone.now(),
    )
    # The table is fetched again in place, as htmx does every 30 s.
    page.evaluate(
        "htmx.ajax('GET', window.location.pathname, "
        "{target: '#quota-fill', swap: 'outerHTML'})"
    )
    expect(page.locator("[data-testid=quota-fill-totals]")).to_contain_text("1 (2 %)")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []
    screenshot(page, "sample-02-quota-fill")
