"""The summary journey in Chromium, through the real broker: staff compile on demand
and watch the progress until a real worker has compiled it, edit the text and
approve; a leader on a phone reads it, confirms reading and downloads the PDF."""

import datetime

import pytest
from django import db
from django.db.backends.signals import connection_created
from django.utils import timezone
from playwright.sync_api import expect

from conftest import DESKTOP, PHONE, SCREENSHOTS, browser_login, screenshot
from dluan.models import Notification
from reports.models import OpinionReport
from reports.services import period_for
from reports.tests.factories import OpinionReportFactory, OpinionStreamFactory
from summaries.models import Summary, SummaryRead
from summaries.tests.helpers import vi
from tests.support.broker import wait_until
from tests.support.pdf import flat, pdf_text

GENERAL_SITUATION = (
    "Tình hình dư luận xã hội trên địa bàn thị xã cơ bản ổn định; nhân dân đồng "
    "tình với chủ trương nạo vét sông Bồ, song còn lo ngại về sạt lở bờ sông."
)
# Long enough for a compilation on a slow runner, short enough to fail usefully.
WORKER_WAIT_MS = 60_000


@pytest.fixture
def setting(transactional_db, town, staff, leader, collaborator, other_collaborator):
    """The period before today's, past its deadline, with accepted reports."""
    period = period_for(day=timezone.localdate() - datetime.timedelta(days=60))
    assert period.deadline < timezone.localdate()
    texts = (
        (collaborator, "Người dân Tứ Hạ lo ngại sạt lở bờ sông Bồ mùa mưa lũ."),
        (other_collaborator, "Bà con Hương Toàn đồng tình với việc nạo vét kênh."),
        (collaborator, "Hộ kinh doanh phản ánh giá điện tăng cao."),
    )
    for person, text in texts:
        report = OpinionReportFactory(
            author=person.collaborator,
            period=period,
            occurred_on=period.start,
            status=OpinionReport.Status.ACCEPTED,
            reviewed_at=timezone.now(),
        )
        OpinionStreamFactory(report=report, summary=text)
    return period


def _read_uncommitted(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA read_uncommitted = 1")


@pytest.fixture
def readers_do_not_lock(transactional_db):
    """On SQLite the test database is in memory, in a cache shared by the test's
    and the worker's connections, where a table being read cannot be written:
    the worker's writes would fail while the page polls. Readers there take no
    table locks (PostgreSQL needs nothing: its readers never block writers)."""
    connection_created.connect(_read_uncommitted)
    if db.connection.vendor == "sqlite":
        db.connection.ensure_connection()
        _read_uncommitted(None, db.connection)
    yield
    connection_created.disconnect(_read_uncommitted)


def _no_horizontal_scroll(page, viewport):
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def _wait_for_files(summary: Summary) -> None:
    """Until the worker has rendered the brief of the summary's current text."""

    def ready():
        summary.refresh_from_db()
        return summary.files_ready

    wait_until(ready, "the worker renders the brief", WORKER_WAIT_MS / 1000)


@pytest.mark.browser
@pytest.mark.broker
def test_summary_journey(
    setting, readers_do_not_lock, real_broker, browser_context, town, staff, leader
):
    period = setting

    # Staff compile the last period on demand; no worker runs yet.
    desk = browser_context(DESKTOP).new_page()
    browser_login(desk, staff.username)
    desk.goto("/summaries/")
    compile_form = desk.locator("form[action='/summaries/compile/']")
    compile_form.locator("#id_unit").select_option(str(town.pk))
    compile_form.locator("#id_period").select_option(str(period.pk))
    compile_form.locator("button[type=submit]").click()
    desk.wait_for_load_state("networkidle")
    summary = Summary.objects.get()
    assert (summary.unit, summary.period, summary.version) == (town, period, 1)
    assert desk.url.endswith(summary.get_absolute_url())
    progress = desk.get_by_test_id("summary-progress")
    expect(progress).to_be_visible()
    assert vi("Waiting for the worker…") in progress.inner_text()
    expect(desk.locator("#summary-progress-bar")).to_be_visible()
    assert desk.get_by_test_id("brief").count() == 0
    # The page keeps polling; still nothing to do without a worker.
    desk.wait_for_timeout(1500)
    assert Summary.objects.get().status == Summary.Status.QUEUED
    screenshot(desk, "summaries-waiting-1280")

    # A worker starts, compiles, and the page reloads itself.
    real_broker.start_worker()
    desk.get_by_test_id("brief").wait_for(timeout=WORKER_WAIT_MS)
    desk.wait_for_load_state("networkidle")
    summary.refresh_from_db()
    assert summary.status == Summary.Status.DRAFT
    assert summary.files_ready
    assert desk.get_by_test_id("summary-progress").count() == 0
    assert desk.locator("#summary-progress-bar").count() == 0
    sections = desk.get_by_test_id("brief").locator("section h3")
    assert sections.count() >= 5
    screenshot(desk, "summaries-compiled-1280")

    # Staff write the general situation, save and approve.
    desk.locator(f"a[href='/summaries/{summary.pk}/edit/']").click()
    desk.wait_for_load_state("networkidle")
    desk.locator("#id_general_situation").fill(GENERAL_SITUATION)
    desk.locator("main form button[type=submit].btn-primary").click()
    desk.wait_for_load_state("networkidle")
    summary.refresh_from_db()
    assert summary.general_situation == GENERAL_SITUATION
    assert GENERAL_SITUATION in desk.get_by_test_id("brief").inner_text()
    _wait_for_files(summary)
    desk.get_by_test_id("summary-progress").wait_for(state="detached")
    desk.wait_for_load_state("networkidle")
    desk.locator(f"form[action='/summaries/{summary.pk}/approve/'] button").click()
    desk.wait_for_load_state("networkidle")
    summary.refresh_from_db()
    assert summary.status == Summary.Status.APPROVED
    assert summary.approved_by == staff
    assert Notification.objects.filter(recipient=leader).count() == 1
    _wait_for_files(summary)
    desk.get_by_test_id("summary-progress").wait_for(state="detached")
    screenshot(desk, "summaries-approved-1280")

    # The leader, on a phone, finds it on the home page and reads it.
    phone = browser_context(PHONE, locale="en-US").new_page()
    browser_login(phone, leader.username)
    latest = phone.get_by_test_id("dashboard-summary")
    expect(latest).to_be_visible()
    _no_horizontal_scroll(phone, PHONE)
    screenshot(phone, "summaries-leader-home-360")
    latest.locator(f"a[href='{summary.get_absolute_url()}']").click()
    phone.wait_for_load_state("networkidle")
    assert GENERAL_SITUATION in phone.get_by_test_id("brief").inner_text()
    assert phone.get_by_test_id("summary-progress").count() == 0
    _no_horizontal_scroll(phone, PHONE)
    screenshot(phone, "summaries-leader-detail-360")
    phone.locator(f"form[action='/summaries/{summary.pk}/read/'] button").click()
    phone.wait_for_load_state("networkidle")
    receipt = SummaryRead.objects.get()
    assert (receipt.summary_id, receipt.user) == (summary.pk, leader)
    assert phone.locator(f"form[action='/summaries/{summary.pk}/read/']").count() == 0
    _no_horizontal_scroll(phone, PHONE)

    # The PDF is served inline: Chromium opens it in its viewer, no download.
    pdf_url = f"/summaries/{summary.pk}/files/pdf/"
    with phone.expect_response(lambda response: pdf_url in response.url) as opened:
        phone.locator(f"a[href='{pdf_url}']").first.click()
    assert opened.value.status == 200
    assert opened.value.header_value("content-type") == "application/pdf"
    body = phone.context.request.get(pdf_url).body()
    assert body.startswith(b"%PDF")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / "summaries-brief.pdf"
    target.write_bytes(body)
    text = flat(pdf_text(target))
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert GENERAL_SITUATION in text
