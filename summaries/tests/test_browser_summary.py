"""The summary journey in Chromium, through the real broker: staff compile on demand
and watch the progress until a real worker has compiled it, edit the text and
approve; a leader on a phone reads it, confirms reading and downloads the PDF."""

import contextlib
import datetime
import os
import shutil
import subprocess
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django import db
from django.db.backends.signals import connection_created
from django.utils import timezone, translation
from django.utils.translation import gettext

from conftest import DESKTOP, PHONE, SCREENSHOTS, browser_login, screenshot
from dluan.celery import app
from dluan.models import Notification
from reports.models import OpinionReport
from reports.services import period_for
from reports.tests.factories import OpinionReportFactory, OpinionStreamFactory
from summaries.models import Summary, SummaryRead

GENERAL_SITUATION = (
    "Tình hình dư luận xã hội trên địa bàn thị xã cơ bản ổn định; nhân dân đồng "
    "tình với chủ trương nạo vét sông Bồ, song còn lo ngại về sạt lở bờ sông."
)
# Long enough for a compilation on a slow runner, short enough to fail usefully.
WORKER_WAIT_MS = 60_000


def vi(message: str) -> str:
    with translation.override("vi"):
        return gettext(message)


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


def _close_connection(**kwargs):
    db.connection.close()


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


def _reset_pools():
    """Drop connections pooled for another broker URL."""
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker(readers_do_not_lock):
    """The real Redis broker, with a worker the test starts when it wants:
    ``broker()`` starts it. Until then, queued tasks wait in Redis."""
    url = os.environ.get("REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must set REDIS_URL: the broker test cannot run without it.")
        pytest.skip("REDIS_URL is not set; .ci/run sets it")
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = url
    app.conf.task_always_eager = False
    _reset_pools()
    with app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()  # a dedicated database number
    # The worker thread's own database connection is closed after each task, so
    # that the test database can be flushed and dropped.
    task_postrun.connect(_close_connection)
    stack = contextlib.ExitStack()

    def start():
        stack.enter_context(
            start_worker(
                app, pool="solo", perform_ping_check=False, shutdown_timeout=10
            )
        )

    try:
        yield start
    finally:
        stack.close()
        task_postrun.disconnect(_close_connection)
        app.conf.broker_url, app.conf.task_always_eager = saved
        _reset_pools()


def _no_horizontal_scroll(page, viewport):
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def _wait_for_files(summary: Summary) -> None:
    """Until the worker has rendered the brief of the summary's current text."""
    deadline = time.monotonic() + WORKER_WAIT_MS / 1000
    while time.monotonic() < deadline:
        summary.refresh_from_db()
        if summary.files_ready:
            return
        time.sleep(0.2)
    pytest.fail("the worker did not render the brief")


def _pdf_text(path) -> str:
    text = subprocess.run(  # noqa: S603 (a fixed tool on test data)
        [shutil.which("pdftotext") or "/usr/bin/pdftotext", str(path), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    return " ".join(text.split())


@pytest.mark.browser
@pytest.mark.broker
def test_summary_journey(setting, broker, browser_context, town, staff, leader):
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
    assert progress.is_visible()
    assert vi("Waiting for the worker…") in progress.inner_text()
    assert desk.locator("#summary-progress-bar").is_visible()
    assert desk.get_by_test_id("brief").count() == 0
    # The page keeps polling; still nothing to do without a worker.
    desk.wait_for_timeout(1500)
    assert Summary.objects.get().status == Summary.Status.QUEUED
    screenshot(desk, "summaries-waiting-1280")

    # A worker starts, compiles, and the page reloads itself.
    broker()
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
    assert latest.is_visible()
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
    text = _pdf_text(target)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert GENERAL_SITUATION in text
