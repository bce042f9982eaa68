"""The outbox load run: phones coming back online at once, each sending what waited.

Each phone is a collaborator signed in beforehand (the password hash is costly
and would blur the figures). When all are in, they send at the same instant, as
the outbox does (``dluan/outbox.py``): one item after another, each the report
form's multipart POST with ``X-Dluan-Outbox: 1`` and the item's ``client_id``,
some with a photo. One item of each phone is sent a second time after its answer,
as a phone does when the first answer was lost on the way; it must be answered
``duplicate``.

Errors are answers other than those (201 for a first send, 200 for the repeat);
duplicates are reports (or photos) saved more than once for an item; lost are
items answered as saved that the database does not hold, submitted, once.
"""

import io
import os
import random
import re
import threading
import time
import uuid

from bench.core import Bench, BenchError, log, p95
from bench.load import load_accounts
from bench.measure import login

LOAD_P95_TARGET = 500  # ms
HEADERS = {"X-Dluan-Outbox": "1"}
AREA = re.compile(r'<select name="area"[^>]*>(.*?)</select>', re.S)
OPTION = re.compile(r'<option value="(\d+)"')
SAMPLES = 10


def _photo() -> bytes:
    """A phone photo's stand-in: a small JPEG that the upload checks read."""
    from PIL import Image

    image = Image.effect_noise((320, 240), 64).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


class Phone:
    """One collaborator's phone: their session, token, areas and waiting items."""

    def __init__(self, base_url: str, username: str, items: int, prefix: str):
        self.base_url = base_url
        self.username = username
        self.session = login(base_url, username)
        form = self.session.get(f"{base_url}/reports/new/", timeout=60)
        block = AREA.search(form.text)
        self.areas = OPTION.findall(block.group(1)) if block else []
        if form.status_code != 200 or not self.areas:
            raise BenchError(f"{username}: no report form with an area to choose")
        self.token = self.session.cookies.get("csrftoken")
        self.items = [
            {
                "client_id": str(uuid.uuid4()),
                "title": f"{prefix}{uuid.uuid4().hex[:12]}",
                "photo": index % 2 == 0,
            }
            for index in range(items)
        ]
        self.repeat = random.randrange(items)  # the item whose answer is "lost"
        self.delay = 0.0  # seconds after the signal returns before the first send

    def fields(self, item: dict, today: str) -> dict:
        return {
            "csrfmiddlewaretoken": self.token,
            "client_id": item["client_id"],
            "kind": "periodic",
            "urgency": "1",
            "title": item["title"],
            "area": random.choice(self.areas),
            "occurred_on": today,
            "description": "Ghe hút cát hoạt động ban đêm gần bến đò thôn.",
            "proposals": "Đề nghị kiểm tra giấy phép khai thác.",
            "streams-TOTAL_FORMS": "1",
            "streams-INITIAL_FORMS": "0",
            "streams-0-summary": "Người dân lo sạt lở bờ sông vào mùa mưa.",
            "streams-0-direction": "concern",
            "streams-0-breadth": "3",
            "streams-0-intensity": "2",
            "action": "submit",
        }


class Outcome:
    def __init__(self):
        self.lock = threading.Lock()
        self.posts = []  # milliseconds
        self.saved = set()  # client ids answered created or duplicate
        self.errors = 0
        self.samples = []

    def add(self, ms: float, client_id: str, status: int, expected: int, text: str):
        with self.lock:
            self.posts.append(ms)
            if status == expected:
                self.saved.add(client_id)
                return
            self.errors += 1
            if len(self.samples) < SAMPLES:
                self.samples.append(f"{status} (expected {expected}): {text[:200]}")


def _send_all(phone: Phone, start: threading.Barrier, outcome: Outcome, today, photo):
    start.wait()
    time.sleep(phone.delay)
    for index, item in enumerate(phone.items):
        data = phone.fields(item, today)
        for expected in (201, 200) if index == phone.repeat else (201,):
            files = {"attachments": ("anh.jpg", photo, "image/jpeg")}
            started = time.perf_counter()
            try:
                response = phone.session.post(
                    f"{phone.base_url}/reports/new/",
                    data=data,
                    files=files if item["photo"] else None,
                    headers=HEADERS,
                    allow_redirects=False,
                    timeout=120,
                )
                status, text = response.status_code, response.text
            except Exception as error:  # a network error counts as an error
                status, text = 0, repr(error)
            ms = (time.perf_counter() - started) * 1000
            outcome.add(ms, item["client_id"], status, expected, text)


def run_outbox_load(
    bench: Bench, *, phones: int, items: int, spread: float | None = None
) -> None:
    """``spread``: each phone starts within that many seconds of the others: the
    phone's own random wait after the signal returns (``ONLINE_SPREAD_SECONDS`` in
    static/js/outbox.js, 30 s); 0, all in the same instant. ``BENCH_OUTBOX_SPREAD``
    sets it when not given."""
    from django.utils import timezone

    from reports.models import Attachment, OpinionReport

    if spread is None:
        spread = float(os.environ.get("BENCH_OUTBOX_SPREAD", "30"))
    name = f"outbox · {phones} phones back online at once, {items} waiting items each"
    if spread:
        name += f", starting within {spread:g} s"
    prefix = f"bench-outbox {uuid.uuid4().hex[:8]} "
    log(f"{name}: signing in")
    accounts = load_accounts(phones)
    fleet = [
        Phone(bench.base_url, accounts[i % len(accounts)], items, prefix)
        for i in range(phones)
    ]
    for phone in fleet:
        phone.delay = random.uniform(0, spread)
    today = timezone.localdate().strftime("%d/%m/%Y")
    photo = _photo()
    outcome = Outcome()
    start = threading.Barrier(phones + 1)
    threads = [
        threading.Thread(
            target=_send_all, args=(phone, start, outcome, today, photo), daemon=True
        )
        for phone in fleet
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.monotonic()
    for thread in threads:
        thread.join(timeout=600)
    window = time.monotonic() - began

    sent = {item["client_id"]: item for phone in fleet for item in phone.items}
    filed = OpinionReport.objects.filter(title__startswith=prefix)
    rows = list(filed.values_list("client_id", "status"))
    held = {str(client_id) for client_id, status in rows if status == "submitted"}
    duplicates = len(rows) - len({client_id for client_id, _status in rows})
    photos = Attachment.objects.filter(report__in=filed).count()
    photos_sent = sum(1 for item in sent.values() if item["photo"])
    duplicates += max(0, photos - photos_sent)
    lost = len(outcome.saved - held) + max(0, photos_sent - photos)
    errors = outcome.errors + len(set(sent) - outcome.saved)
    bench.record(f"{name} · throughput", len(outcome.posts) / (window or 1), "req/s")
    bench.record(
        f"{name} · send p95",
        p95(outcome.posts) if outcome.posts else 0.0,
        "ms",
        target=LOAD_P95_TARGET,
    )
    bench.record(f"{name} · errors", errors, "count", target=0)
    bench.record(f"{name} · duplicates", duplicates, "count", target=0)
    bench.record(f"{name} · items lost", lost, "count", target=0)
    log(
        f"  {len(outcome.posts)} sends ({len(sent)} items, {phones} repeats) in "
        f"{window:.1f} s, {len(rows)} reports and {photos} photos saved, "
        f"{errors} errors, {duplicates} duplicates, {lost} lost"
    )
    for sample in outcome.samples:
        log(f"  failure: {sample}")
    if bench.smoke and (errors or duplicates or lost):
        bench.failures.append(
            f"the smoke outbox load run had {errors} errors, {duplicates} duplicates, "
            f"{lost} lost"
        )
