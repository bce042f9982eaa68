"""The whole journey on a 360-pixel phone: file, find, return, resubmit, issue, outcome."""

import datetime

import pytest
from django.utils import timezone

from conftest import PHONE, browser_login, screenshot
from reports.models import Direction, FollowUp, Issue, OpinionReport
from reports.tests.conftest import jpeg_with_gps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Ghe hút cát hoạt động ban đêm trên sông Bồ"


def _page(browser_context, username):
    page = browser_context(PHONE).new_page()
    browser_login(page, username)
    return page


def test_report_journey_on_a_phone(
    browser_context, live_server, collaborator, staff, leader, commune, tmp_path
):
    photo = tmp_path / "ghe-cat.jpg"
    photo.write_bytes(jpeg_with_gps().read())

    # A collaborator files an urgent report with a photo.
    ctv = _page(browser_context, collaborator.username)
    ctv.goto("/")
    ctv.locator("[data-testid=home-new-urgent]").click()
    ctv.locator("#id_title").fill(TITLE)
    ctv.locator("#id_area").select_option(str(commune.pk))
    ctv.locator("#id_occurred_on").fill(timezone.localdate().strftime("%d/%m/%Y"))
    ctv.locator("#id_description").fill("Khoảng 23 giờ, ba ghe hút cát không số hiệu.")
    ctv.locator("#id_streams-0-summary").fill("Người dân bức xúc, lo sạt lở bờ sông.")
    ctv.locator("#id_streams-0-direction").select_option("oppose")
    ctv.locator("#id_streams-0-breadth").select_option("4")
    ctv.locator("[data-testid=add-stream]").click()
    ctv.locator("#id_streams-1-summary").fill(
        "Một số người ủng hộ lực lượng chức năng."
    )
    ctv.locator("#id_streams-1-direction").select_option("support")
    ctv.locator("#id_streams-1-breadth").select_option("2")
    ctv.locator("#id_proposals").fill("Đề nghị tuần tra ban đêm.")
    # The draft reaches the server before anything is submitted.
    ctv.wait_for_function(
        "document.getElementById('autosave-status').textContent.trim().length > 0"
    )
    assert OpinionReport.objects.get().status == OpinionReport.Status.DRAFT
    ctv.locator("#id_attachments").set_input_files(str(photo))
    screenshot(ctv, "reports-01-collaborator-files-urgent")
    ctv.locator("[data-testid=submit-report]").click()
    ctv.wait_for_url("**/reports/*/")
    report = OpinionReport.objects.get()
    assert report.status == OpinionReport.Status.SUBMITTED
    assert report.attachments.count() == 1
    assert report.streams.count() == 2
    screenshot(ctv, "reports-02-collaborator-submitted")

    # Staff find it by typing its words without diacritics and return it.
    canbo = _page(browser_context, staff.username)
    canbo.goto("/reports/queue/")
    canbo.locator("#id_q").fill("ghe hut cat song bo")
    canbo.locator("[data-testid=queue-filter]").click()
    canbo.locator(f"[data-testid=queue-report-{report.pk}]").click()
    screenshot(canbo, "reports-03-staff-report-page")
    canbo.locator("[data-testid=return-toggle]").click()
    canbo.locator("#id_question").fill(
        "Đồng chí cho biết có bao nhiêu hộ bị ảnh hưởng?"
    )
    canbo.locator("[data-testid=return]").click()
    canbo.wait_for_load_state("networkidle")
    report.refresh_from_db()
    assert report.status == OpinionReport.Status.RETURNED

    # The collaborator answers and resubmits.
    ctv.goto(report.get_absolute_url())
    ctv.locator("[data-testid=edit-report]").click()
    assert "bao nhiêu hộ" in ctv.locator("[data-testid=return-question]").inner_text()
    ctv.locator("#id_answer").fill("Khoảng 12 hộ ở tổ dân phố 3.")
    screenshot(ctv, "reports-04-collaborator-answers")
    ctv.locator("[data-testid=submit-report]").click()
    ctv.wait_for_url(f"**/reports/{report.pk}/")
    report.refresh_from_db()
    assert report.status == OpinionReport.Status.SUBMITTED

    # Staff accept it, open an issue from it and add a follow-up.
    canbo.goto(report.get_absolute_url())
    canbo.locator("[data-testid=accept]").click()
    canbo.wait_for_load_state("networkidle")
    canbo.locator("[data-testid=issue-toggle]").click()
    canbo.locator("#id_title").fill("Khai thác cát trái phép trên sông Bồ")
    canbo.locator("[data-testid=open-issue]").click()
    canbo.wait_for_url("**/reports/issues/*/")
    issue = Issue.objects.get()
    canbo.locator("[data-testid=followup-toggle]").click()
    canbo.locator("#id_agency").fill("Công an thị xã Hương Trà")
    canbo.locator("#id_request").fill("Tuần tra ban đêm, xử lý ghe hút cát.")
    due = timezone.localdate() + datetime.timedelta(days=10)
    canbo.locator("#id_due_date").fill(due.strftime("%d/%m/%Y"))
    canbo.locator("[data-testid=followup-save]").click()
    canbo.wait_for_load_state("networkidle")
    assert FollowUp.objects.get().issue == issue
    report.refresh_from_db()
    assert report.status == OpinionReport.Status.ACCEPTED

    # A leader adds a direction.
    lanhdao = _page(browser_context, leader.username)
    lanhdao.goto(issue.get_absolute_url())
    lanhdao.locator("#id_direction_text").fill(
        "Giao Công an thị xã xử lý dứt điểm trong tháng."
    )
    lanhdao.locator("[data-testid=direction-save]").click()
    lanhdao.wait_for_load_state("networkidle")
    assert Direction.objects.get().author == leader
    screenshot(lanhdao, "reports-05-leader-issue-page")

    # Staff resolve the issue; the collaborator sees the outcome.
    canbo.goto(issue.get_absolute_url())
    canbo.locator("[data-testid=issue-edit-toggle]").click()
    canbo.locator("#id_status").select_option("resolved")
    canbo.locator("#id_outcome").fill(
        "Đã bắt giữ 3 ghe hút cát, xử phạt 90 triệu đồng."
    )
    canbo.locator("[data-testid=issue-save]").click()
    canbo.wait_for_load_state("networkidle")
    issue.refresh_from_db()
    assert issue.status == Issue.Status.RESOLVED

    ctv.goto("/")
    ctv.locator(f"[data-testid=home-outcome-{issue.pk}]").click()
    assert "90 triệu" in ctv.locator("[data-testid=issue-outcome]").inner_text()
    screenshot(ctv, "reports-06-collaborator-sees-outcome")
    overflow = ctv.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert overflow is False


def test_photo_removed_from_a_draft_and_report_linked_from_the_issue_page(
    browser_context, live_server, collaborator, other_collaborator, staff, town
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reports.models import Attachment
    from reports.tests.factories import (
        IssueFactory,
        OpinionReportFactory,
        OpinionStreamFactory,
    )

    # A collaborator takes a photo back off a draft, on a phone.
    draft = OpinionReportFactory(
        author=collaborator.collaborator,
        status=OpinionReport.Status.DRAFT,
        submitted_at=None,
    )
    OpinionStreamFactory(report=draft)
    photo = Attachment.objects.create(
        report=draft,
        file=SimpleUploadedFile("nham-anh.jpg", jpeg_with_gps().read()),
        original_name="nham-anh.jpg",
        content_type="image/jpeg",
        size=100,
        uploaded_by=collaborator,
    )
    ctv = _page(browser_context, collaborator.username)
    ctv.goto(f"/reports/{draft.pk}/edit/")
    ctv.locator(f"[data-testid=remove-attachment-{photo.pk}]").click()
    ctv.wait_for_load_state("networkidle")
    photo.refresh_from_db()
    assert photo.removed_at is not None and photo.removed_by == collaborator
    ctv.goto(f"/reports/{draft.pk}/edit/")
    assert ctv.locator(f"[data-testid=remove-attachment-{photo.pk}]").count() == 0

    # Staff find another commune's report by typing without diacritics and link it.
    issue = IssueFactory(unit=town, created_by=staff, title="Sạt lở bờ sông Hương")
    found = OpinionReportFactory(
        author=other_collaborator.collaborator, title="Sạt lở bờ sông ở Hương Toàn"
    )
    canbo = _page(browser_context, staff.username)
    canbo.goto(issue.get_absolute_url())
    canbo.locator("[data-testid=report-search]").fill("sat lo bo song")
    canbo.locator("[data-testid=report-search-submit]").click()
    canbo.locator(f"[data-testid=link-report-{found.pk}]").click()
    canbo.wait_for_load_state("networkidle")
    found.refresh_from_db()
    assert found.issue == issue
    listed = canbo.locator("[data-testid=issue-reports] li", has_text=found.title)
    assert listed.count() == 1
    screenshot(canbo, "reports-07-staff-links-from-issue-page")
