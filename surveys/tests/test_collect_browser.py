"""The interviewer's form on a 360-pixel phone: a show-if question appears, the
draft saves itself, and a double tap on "submit" makes one response."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import PHONE, browser_login, screenshot
from surveys.models import Response
from surveys.tests.factories import AssignmentFactory
from tests.support.pages import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_interview_on_a_phone(
    browser_context, live_server, collaborator, survey, commune
):
    AssignmentFactory(
        survey=survey, collaborator=collaborator.collaborator, commune=commune
    )
    page = browser_context(PHONE).new_page()
    browser_login(page, collaborator.username)
    page.goto(reverse("surveys:interview-new", args=[survey.pk]))
    page.wait_for_url(re.compile(r"/interviews/[0-9a-f-]{36}/$"))

    why_not = page.locator("[data-testid=question-why_not]")
    zalo = page.locator("[data-testid=question-zalo_group]")
    expect(why_not).to_be_hidden()
    expect(zalo).to_be_hidden()

    page.locator("#id_commune").select_option(str(commune.pk))
    page.locator("input[name=sex][value=male]").check()
    page.locator("input[name=age_group][value='45-59']").check()
    page.locator("#id_occupation").select_option("farmer")
    page.locator("input[name=q-satisfied][value=no]").check()
    expect(why_not).to_be_visible()
    page.locator("#q-why_not").fill("Phải đi lại nhiều lần, mạng chậm.")
    page.locator("input[name=q-channels][value=zalo]").check()
    expect(zalo).to_be_visible()
    page.locator("input[name=q-channels][value=zalo]").uncheck()
    expect(zalo).to_be_hidden()
    page.locator("input[name=q-grid-merge][value=agree]").check()
    page.locator("#q-visited_on").fill("02/09/2026")

    # The draft saves itself a moment after the typing stops.
    expect(page.locator("[data-testid=autosave-status]")).to_have_text(
        re.compile(r"\d\d:\d\d")
    )
    draft = Response.objects.get()
    assert draft.state == Response.State.DRAFT
    assert draft.answers["why_not"] == "Phải đi lại nhiều lần, mạng chậm."
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(page) == []
    screenshot(page, "surveys-interview-phone")

    page.locator("[data-testid=submit-interview]").dblclick()
    page.wait_for_url(f"**{reverse('surveys:interview-list', args=[survey.pk])}")
    expect(page.locator("[data-testid=submitted-row]")).to_have_count(1)
    response = Response.objects.get()
    assert response.state == Response.State.SUBMITTED
    assert response.answers["satisfied"] == "no"
    assert "zalo_group" not in response.answers
    assert response.sex == "male"
