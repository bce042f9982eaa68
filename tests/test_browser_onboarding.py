"""Onboarding on a 360-pixel phone: staff give sign-in to a collaborator with no
e-mail and print the slip; the collaborator, on a phone set to English, signs in
with the code, reads Vietnamese, sets a password and files a report."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from collaborators.models import Collaborator
from conftest import PHONE, browser_login, screenshot
from dluan.models import SignInCode, User
from reports.models import OpinionReport
from tests.support.pdf import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Mưa rơi trên sông Bồ lúc chiều tà"  # a passphrase, diacritics and all


def test_slip_to_first_report_on_a_phone_set_to_english(
    browser_context, live_server, staff, commune, tmp_path
):
    newcomer = Collaborator.objects.create(
        full_name="Hồ Thị Mai",
        gender=Collaborator.Gender.FEMALE,
        unit=commune,
        phone="0912 345 678",
    )
    newcomer.coverage_areas.add(commune)

    # Staff give sign-in from the profile and download the slip.
    canbo = browser_context(PHONE).new_page()
    browser_login(canbo, staff.username)
    canbo.goto(f"/collaborators/{newcomer.pk}/")
    canbo.locator("[data-testid=signin-give]").click()
    expect(canbo.locator("[data-testid=by-slip]")).to_be_visible()
    screenshot(canbo, "onboarding-01-staff-give-sign-in")
    with canbo.expect_download() as download:
        canbo.locator("[data-testid=give]").click()
    slip = tmp_path / "slip.pdf"
    download.value.save_as(slip)
    text = pdf_text(slip, layout=True)
    account = User.objects.get(collaborator=newcomer)
    assert account.username in text
    code = re.search(r"\b([A-Z2-9]{5}-[A-Z2-9]{5})\b", text).group(1)
    assert SignInCode.objects.filter(user=account, used_at__isnull=True).count() == 1

    # The collaborator's phone asks for English; the pages are Vietnamese anyway.
    ctv = browser_context(PHONE, locale="en-US").new_page()
    ctv.goto("/login/")
    assert ctv.locator("html").get_attribute("lang") == "vi"
    ctv.locator("#id_username").fill(account.username)
    ctv.locator("#id_password").fill(code)
    ctv.locator("main form button[type=submit]").click()
    ctv.wait_for_load_state("networkidle")
    # Before anything else: a password of their own.
    assert "/password/set/" in ctv.url or "mật khẩu" in ctv.content().lower()
    screenshot(ctv, "onboarding-02-collaborator-sets-password")
    ctv.locator("#id_new_password1").fill(NEW_PASSWORD)
    ctv.locator("#id_new_password2").fill(NEW_PASSWORD)
    ctv.locator("main form button[type=submit]").click()
    ctv.wait_for_load_state("networkidle")
    account.refresh_from_db()
    assert not account.must_change_password
    assert account.check_password(NEW_PASSWORD)
    assert ctv.locator("html").get_attribute("lang") == "vi"
    assert ctv.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The code was good once: it is spent.
    assert not SignInCode.objects.filter(user=account, used_at__isnull=True).exists()

    # Their first report, filed from the phone.
    ctv.goto("/")
    ctv.locator("[data-testid=home-new-urgent]").click()
    ctv.locator("#id_title").fill("Người dân phản ánh đường ngập sau mưa lớn")
    ctv.locator("#id_area").select_option(str(commune.pk))
    ctv.locator("#id_occurred_on").fill(timezone.localdate().strftime("%d/%m/%Y"))
    ctv.locator("#id_description").fill("Tổ dân phố 4 ngập sâu 40 cm, xe máy chết máy.")
    ctv.locator("#id_streams-0-summary").fill("Bà con lo ngại mùa mưa bão sắp tới.")
    ctv.locator("#id_streams-0-direction").select_option("concern")
    ctv.locator("#id_streams-0-breadth").select_option("3")
    ctv.locator("#id_proposals").fill("Đề nghị nạo vét cống thoát nước.")
    ctv.locator("[data-testid=submit-report]").click()
    ctv.wait_for_url("**/reports/*/")
    report = OpinionReport.objects.get(author=newcomer)
    assert report.status == OpinionReport.Status.SUBMITTED
    screenshot(ctv, "onboarding-03-first-report")

    # Signing in again with the spent code fails; the new password works.
    again = browser_context(PHONE, locale="en-US").new_page()
    again.goto("/login/")
    again.locator("#id_username").fill(account.username)
    again.locator("#id_password").fill(code)
    again.locator("main form button[type=submit]").click()
    again.wait_for_load_state("networkidle")
    assert "/login/" in again.url
    browser_login(again, account.username, NEW_PASSWORD)
    assert "/login/" not in again.url
