"""The briefing journey in Chromium: staff prepare, invite, record and export; a
collaborator answers the invitation and confirms reading a document."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from conftest import DESKTOP, PHONE, SCREENSHOTS, browser_login, screenshot
from meetings import services
from meetings.models import Attendance, DocumentReceipt, Invitation, Meeting
from reports.tests.factories import IssueFactory
from tests.support.pages import axe_violations
from tests.support.pdf import pdf_text

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CONCLUSIONS = (
    "Đồng chí Trưởng ban kết luận: theo dõi sát dư luận về sạt lở bờ sông Hương."
)


@pytest.fixture
def setting(transactional_db, staff, town, collaborator, other_collaborator):
    IssueFactory(unit=town, created_by=staff, title="Sạt lở bờ sông Hương ở Hương Hồ")
    services.document_hand_out(
        user=staff,
        title="Hướng dẫn định hướng dư luận về sắp xếp đơn vị hành chính",
        source="Ban Tuyên giáo và Dân vận Tỉnh ủy",
        upload=SimpleUploadedFile("huong-dan.pdf", PDF_BYTES),
        collaborators=[collaborator.collaborator],
    )


def _no_horizontal_scroll(page, viewport):
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.browser
def test_briefing_journey(
    setting, browser_context, staff, collaborator, other_collaborator
):
    # Staff plan an ad hoc briefing, accept the proposed agenda and invite.
    desk = browser_context(DESKTOP).new_page()
    browser_login(desk, staff.username)
    desk.goto("/meetings/new/")
    desk.locator("#id_title").fill("Giao ban đột xuất về sạt lở bờ sông Hương")
    day = timezone.localdate() + datetime.timedelta(days=2)
    desk.locator("#id_starts_on").fill(day.strftime("%d/%m/%Y"))
    desk.locator("#id_starts_time").fill("09:00")
    desk.locator("#id_place").fill("Hội trường Thị ủy Hương Trà")
    desk.locator("#id_chair").fill("Trần Văn Hùng")
    desk.get_by_test_id("meeting-save").click()
    desk.wait_for_load_state("networkidle")
    meeting = Meeting.objects.get()
    assert meeting.kind == Meeting.Kind.AD_HOC
    desk.get_by_test_id("agenda-accept").click()
    desk.wait_for_load_state("networkidle")
    assert desk.get_by_test_id("agenda-item").count() == 1
    desk.get_by_test_id("invitees-link").click()
    desk.wait_for_load_state("networkidle")
    desk.get_by_test_id("invitees-save").click()
    desk.wait_for_load_state("networkidle")
    assert meeting.invitations.sent().count() == 2
    screenshot(desk, "meetings-staff-detail-1280")
    violations = axe_violations(desk)

    # The collaborator sees the invitation on the home page, answers, reads a document.
    phone = browser_context(PHONE).new_page()
    browser_login(phone, collaborator.username)
    panel = phone.get_by_test_id("panel-invitations")
    assert meeting.title in panel.inner_text()
    screenshot(phone, "meetings-collaborator-home-360")
    panel.locator("a").first.click()
    phone.wait_for_load_state("networkidle")
    phone.locator("#id_response_0").check()  # will attend
    phone.get_by_test_id("respond-submit").click()
    phone.wait_for_load_state("networkidle")
    invitation = Invitation.objects.get(
        meeting=meeting, collaborator__user=collaborator
    )
    assert invitation.response == Invitation.Response.ATTEND
    screenshot(phone, "meetings-collaborator-meeting-360")
    violations += axe_violations(phone)
    phone.goto("/meetings/documents/")
    phone.get_by_test_id("document-row").locator("a").first.click()
    phone.wait_for_load_state("networkidle")
    phone.get_by_test_id("confirm-read").click()
    phone.wait_for_load_state("networkidle")
    expect(phone.get_by_test_id("read-confirmed")).to_be_visible()
    assert DocumentReceipt.objects.get().read_at is not None

    # Staff record attendance on a phone, one tap per row and one POST.
    staff_phone = browser_context(PHONE).new_page()
    browser_login(staff_phone, staff.username)
    staff_phone.goto(f"/meetings/{meeting.pk}/attendance/")
    absent_id = other_collaborator.collaborator.pk
    staff_phone.locator(f"label[for=status_{absent_id}_excused]").click()
    staff_phone.locator(f"#reason_{absent_id}").fill("Đi tập huấn ở Huế")
    _no_horizontal_scroll(staff_phone, PHONE)
    screenshot(staff_phone, "meetings-attendance-360")
    violations += axe_violations(staff_phone)
    staff_phone.get_by_test_id("attendance-save").click()
    staff_phone.wait_for_load_state("networkidle")
    statuses = dict(
        Attendance.objects.values_list("collaborator__user__username", "status")
    )
    assert statuses == {
        collaborator.username: Attendance.Status.PRESENT,
        other_collaborator.username: Attendance.Status.EXCUSED,
    }

    # Conclusions, then the minutes as PDF.
    staff_phone.goto(f"/meetings/{meeting.pk}/minutes/")
    staff_phone.locator("#id_conclusions").fill(CONCLUSIONS)
    staff_phone.get_by_test_id("minutes-save").click()
    staff_phone.wait_for_load_state("networkidle")
    assert staff_phone.get_by_test_id("conclusions").inner_text() == CONCLUSIONS
    _no_horizontal_scroll(staff_phone, PHONE)
    screenshot(staff_phone, "meetings-detail-360")
    violations += axe_violations(staff_phone)
    assert violations == []
    with staff_phone.expect_download() as download_info:
        staff_phone.get_by_test_id("minutes-pdf").click()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / "meetings-minutes.pdf"
    download_info.value.save_as(str(target))
    text = pdf_text(target)
    assert CONCLUSIONS in " ".join(text.split())
