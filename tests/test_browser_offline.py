"""Filing and interviewing with the network really gone (issue 22).

The browser talks only to a small TCP proxy in front of the live server. The test
switches it off (its listening socket closed, its connections dropped: the
phone's requests are refused, as with no signal) and on again on the same port.
The service worker, IndexedDB and the pages kept for offline use are the
browser's own; nothing is mocked.
"""

import contextlib
import datetime
import io
import re
import shutil
import socket
import threading
import time

import pytest
from django.contrib.sessions.models import Session
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from conftest import PHONE, browser_login
from reports.models import OpinionReport
from reports.services.review import report_return
from reports.tests.factories import OpinionReportFactory, OpinionStreamFactory
from surveys.models import Response
from surveys.tests.factories import AssignmentFactory, SurveyFactory, questionnaire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Sạt lở bờ sông Bồ đoạn qua tổ dân phố 3"
WAITING_BOTH = "1 báo cáo, 1 phiếu điều tra chờ gửi"
WAITING_ONE = "1 báo cáo chờ gửi"


class Switch:
    """A TCP proxy on its own port in front of the live server, switched off and
    on again on the same port. ``lose_answer(prefix)``: the next request
    starting with ``prefix`` reaches the server, its answer never the browser."""

    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.listener = None
        self.sockets = set()
        self.lock = threading.Lock()
        self.lose = None
        self.lost = 0
        self.on()

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    def on(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def off(self) -> None:
        # Under the lock that _accept registers a connection under: none accepted
        # just before can slip past and stay open while the network is off.
        with self.lock:
            listener, self.listener = self.listener, None
            sockets, self.sockets = self.sockets, set()
        if listener is not None:
            listener.close()
        for sock in sockets:
            self._close(sock)

    def lose_answer(self, prefix: bytes) -> None:
        self.lose = prefix

    def _accept(self, listener) -> None:
        while self.listener is listener:
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                self._close(client)
                continue
            with self.lock:
                switched_off = self.listener is not listener
                if not switched_off:
                    self.sockets |= {client, upstream}
            if switched_off:
                self._close(client)
                self._close(upstream)
                return
            state = {"losing": False}
            threading.Thread(
                target=self._pump, args=(client, upstream, state, True), daemon=True
            ).start()
            threading.Thread(
                target=self._pump, args=(upstream, client, state, False), daemon=True
            ).start()

    def _pump(self, source, target, state, upward: bool) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if upward and self.lose and data.startswith(self.lose):
                    self.lose = None
                    state["losing"] = True
                if not upward and state["losing"]:
                    # The server answered; the browser never hears it.
                    self.lost += 1
                    break
                target.sendall(data)
        except OSError:
            pass
        self._close(source)
        self._close(target)

    @staticmethod
    def _close(sock) -> None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()


@pytest.fixture
def network(live_server):
    switch = Switch(int(live_server.url.rsplit(":", 1)[1]))
    yield switch
    switch.off()


@pytest.fixture
def phone(chromium, network):
    """A fresh phone (browser context) that reaches dluan only through the switch."""
    contexts = []

    def _make():
        context = chromium.new_context(
            viewport=PHONE, locale="vi-VN", base_url=network.url
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context

    yield _make
    for context in contexts:
        context.close()


@pytest.fixture
def assigned_survey(town, staff, commune, collaborator):
    survey = SurveyFactory(unit=town, created_by=staff, title="Điều tra chuyển đổi số")
    questionnaire(survey.current_version)
    AssignmentFactory(
        survey=survey, collaborator=collaborator.collaborator, commune=commune
    )
    return survey


def photo_file(tmp_path):
    path = tmp_path / "sat-lo.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 90, 40)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return path


KEPT_PAGES = """async () => {
  const kept = [];
  for (const name of await caches.keys()) {
    if (!name.startsWith("dluan-pages-")) continue;
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const url = new URL(request.url);
      kept.push(url.pathname + url.search);
    }
  }
  return kept;
}"""

PHONE_STORAGE = """async () => ({
  caches: await caches.keys(),
  databases: (await indexedDB.databases()).map((db) => db.name),
})"""


def wait_until_kept(page, urls, seconds=20):
    """The worker has stored these pages for offline use."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        kept = page.evaluate(KEPT_PAGES)
        if all(url in kept for url in urls):
            return kept
        page.wait_for_timeout(200)
    raise AssertionError(f"pages not kept: {set(urls) - set(kept)}")


def signed_in_phone(phone, user, keep):
    page = phone().new_page()
    browser_login(page, user.username)
    page.goto("/")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    wait_until_kept(page, ["/", "/outbox/", "/outbox/?offline=1", *keep])
    return page


def file_report_offline(page, commune, title=TITLE, photo=None, day=None):
    day = day or timezone.localdate()
    page.goto(reverse("reports:report-create"))
    page.locator("#id_title").fill(title)
    page.locator("#id_area").select_option(str(commune.pk))
    page.locator("#id_occurred_on").fill(day.strftime("%d/%m/%Y"))
    page.locator("#id_description").fill("Nước lên nhanh, ba hộ phải di dời tạm.")
    page.locator("#id_streams-0-summary").fill("Người dân lo sạt lở lan rộng.")
    page.locator("#id_streams-0-direction").select_option("oppose")
    page.locator("#id_streams-0-breadth").select_option("4")
    if photo:
        page.locator("#id_attachments").set_input_files(str(photo))
    page.locator("[data-testid=submit-report]").click()
    page.wait_for_url(re.compile(r"/outbox/\?saved="))
    expect(page.get_by_test_id("outbox-notice")).to_contain_text("giữ trên máy")


def test_filed_offline_then_sent_once_each_with_its_photo(
    phone, network, collaborator, commune, assigned_survey, tmp_path
):
    offline_form = reverse("surveys:interview-offline", args=[assigned_survey.pk])
    page = signed_in_phone(
        phone, collaborator, [reverse("reports:report-create"), offline_form]
    )
    context = page.context
    network.off()

    file_report_offline(page, commune, photo=photo_file(tmp_path))

    page.goto(offline_form)
    page.locator("#id_commune").select_option(str(commune.pk))
    page.locator("input[name=sex][value=female]").check()
    page.locator("input[name=age_group][value='30-44']").check()
    page.locator("#id_occupation").select_option("farmer")
    page.locator("input[name=q-satisfied][value=yes]").check()
    page.locator("input[name=q-grid-merge][value=agree]").check()
    page.locator("[data-testid=submit-interview]").click()
    page.wait_for_url(re.compile(r"/outbox/\?saved="))

    # The page is closed; dluan is opened again, still without a network.
    page.close()
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_test_id("outbox-counter")).to_have_text(WAITING_BOTH)
    page.goto("/outbox/")
    expect(page.get_by_test_id("outbox-item")).to_have_count(2)
    expect(page.get_by_test_id("outbox-reminder")).to_be_hidden()
    # A day and more later (the phone's clock moved on), a reminder shows.
    page.evaluate(
        "() => dluanOutbox.all().then(items => Promise.all(items.map(item =>"
        " dluanOutbox.update(item.id, {created: Date.now() - 26 * 3600 * 1000}))))"
    )
    page.reload()
    expect(page.get_by_test_id("outbox-reminder")).to_contain_text("hơn một ngày")
    assert OpinionReport.objects.count() == 0
    assert Response.objects.count() == 0

    # The signal returns: the next page sends both, one at a time.
    network.on()
    page.goto("/outbox/")
    expect(page.locator("[data-testid=outbox-item][data-state=sent]")).to_have_count(2)
    expect(page.get_by_test_id("outbox-counter")).to_be_hidden()
    report = OpinionReport.objects.get()
    assert report.title == TITLE
    assert report.status == OpinionReport.Status.SUBMITTED
    assert report.author == collaborator.collaborator
    assert [a.original_name for a in report.attachments.all()] == ["sat-lo.jpg"]
    response = Response.objects.get()
    assert response.state == Response.State.SUBMITTED
    assert response.answers["satisfied"] == "yes"
    # Reloading sends nothing again.
    page.reload()
    page.goto("/")
    assert OpinionReport.objects.count() == 1
    assert Response.objects.count() == 1


def test_sent_twice_makes_one_and_a_conflict_is_the_collaborators_choice(
    phone, network, collaborator, commune, staff
):
    returned = OpinionReportFactory(author=collaborator.collaborator)
    OpinionStreamFactory(report=returned)
    report_return(
        report=returned, user=staff, version=returned.version, question="Mấy hộ?"
    )
    edit = reverse("reports:report-edit", args=[returned.pk])
    mine = returned.title
    page = signed_in_phone(
        phone, collaborator, [reverse("reports:report-create"), edit]
    )
    network.off()
    file_report_offline(page, commune)
    other = page.context.new_page()
    other.goto("/outbox/")

    # Two tabs press "send now" at once: each that still shows it waiting (the
    # other tab's send, or the outbox's own retry, may have taken it already, and
    # its button with it).
    network.on()
    for tab in (page, other):
        waiting = tab.locator(
            "[data-testid=outbox-item][data-state=waiting] [data-action=send]"
        )
        with contextlib.suppress(PlaywrightTimeoutError):
            waiting.first.click(timeout=3_000)
    for tab in (page, other):
        expect(tab.locator("[data-testid=outbox-item][data-state=sent]")).to_have_count(
            1
        )
    assert OpinionReport.objects.filter(title=TITLE).count() == 1

    # A retry after a lost answer: the server saved it, the phone never heard.
    network.off()
    file_report_offline(page, commune, title="Ghe hút cát ban đêm")
    network.lose_answer(b"POST /reports/new/")
    network.on()
    page.locator(
        "[data-testid=outbox-item][data-state=waiting] [data-action=send]"
    ).click()
    # Chromium may resend on its own when a reused connection closes unanswered;
    # else the outbox keeps it and tries again ("send now" does at once).
    item = page.locator("[data-testid=outbox-item]").first
    expect(item).to_have_attribute("data-attempts", re.compile("^[1-9]|sent"))
    if item.get_attribute("data-state") == "waiting":
        item.locator("[data-action=send]").click()
    expect(page.locator("[data-testid=outbox-item][data-state=sent]")).to_have_count(2)
    assert network.lost == 1
    assert OpinionReport.objects.filter(title="Ghe hút cát ban đêm").count() == 1
    assert OpinionReport.objects.count() == 3

    # The returned report, answered offline, changed on the server meanwhile
    # (another device): the outbox shows both and the collaborator chooses.
    network.off()
    page.goto(edit)
    page.locator("#id_answer").fill("Mười hai hộ ở tổ dân phố 3.")
    page.locator("[data-testid=submit-report]").click()
    page.wait_for_url(re.compile(r"/outbox/\?saved="))
    OpinionReport.objects.filter(pk=returned.pk).update(
        title="Sửa trên máy khác", version=F("version") + 1
    )
    network.on()
    page.goto("/outbox/")
    conflict = page.locator("[data-testid=outbox-item][data-state=conflict]")
    expect(conflict).to_contain_text("Sửa trên máy khác")
    expect(conflict).to_contain_text("Mấy hộ?")
    conflict.locator("[data-action=keep-mine]").click()
    expect(page.locator("[data-testid=outbox-item][data-state=sent]")).to_have_count(3)
    returned.refresh_from_db()
    assert returned.status == OpinionReport.Status.SUBMITTED
    assert returned.title == mine  # the phone's version, not the other device's


def test_session_ended_offline_update_then_sign_in_sends_and_sign_out_clears(
    phone, network, collaborator, commune, settings, tmp_path
):
    page = signed_in_phone(phone, collaborator, [reverse("reports:report-create")])
    network.off()
    file_report_offline(page, commune)
    # The session ends while the phone is offline.
    Session.objects.all().delete()

    # A new release of dluan: one of its static files changed, so sw.js did.
    release = tmp_path / "release"
    (release / "js").mkdir(parents=True)
    shutil.copy(settings.BASE_DIR / "static/js/outbox.js", release / "js/outbox.js")
    with open(release / "js/outbox.js", "a") as handle:
        handle.write("\n// the next release\n")
    settings.STATICFILES_DIRS = [release, *settings.STATICFILES_DIRS]
    before = page.evaluate("caches.keys()")
    network.on()
    page.goto("/outbox/")
    page.wait_for_function(
        "before => caches.keys().then(names => names.some("
        "name => name.startsWith('dluan-pages-') && !before.includes(name)))",
        arg=before,
    )
    page.goto("/outbox/")
    expect(page.get_by_test_id("outbox-counter")).to_have_text(WAITING_ONE)
    expect(page.locator("#outbox-sign-in")).to_be_visible()
    assert OpinionReport.objects.count() == 0

    # Signing in again sends it.
    browser_login(page, collaborator.username)
    page.goto("/outbox/")
    expect(page.locator("[data-testid=outbox-item][data-state=sent]")).to_have_count(1)
    assert OpinionReport.objects.get().title == TITLE
    wait_until_kept(page, [reverse("reports:report-create")])

    # An item the board refuses (a day still to come) stays, with the reason.
    network.off()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    file_report_offline(page, commune, title="Ghe hút cát ban đêm", day=tomorrow)
    network.on()
    page.goto("/outbox/")
    refused = page.locator("[data-testid=outbox-item][data-state=refused]")
    expect(refused).to_have_count(1)
    assert OpinionReport.objects.count() == 1

    # Signing out with an item waiting warns first, then clears the phone.
    page.goto("/reports/")
    page.locator("form[data-outbox-logout]").evaluate("form => form.requestSubmit()")
    dialog = page.locator("#outbox-logout-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(WAITING_ONE)
    page.get_by_test_id("logout-anyway").click()
    page.wait_for_url("**/login/")
    storage = page.evaluate(PHONE_STORAGE)
    assert storage == {"caches": [], "databases": []}
    assert OpinionReport.objects.count() == 1
