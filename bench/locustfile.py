"""The load run: collaborators filing reports through the real form, as a browser does.

Started by ``bench/run.py``, which passes through the environment:

- ``BENCH_USERS``: comma-separated usernames of active collaborators, one per
  simulated user (cycled if there are fewer accounts than users);
- ``BENCH_PASSWORD``; ``BENCH_USER_COUNT``: how many users locust starts (``-u``);
- ``BENCH_DURATION``: seconds of filing measured; ``BENCH_THINK``: ``"min,max"``
  seconds a collaborator waits between two reports;
- ``BENCH_TITLE_PREFIX``: every report's title starts with it, then a uuid;
- ``BENCH_OUTCOME``: where the outcome (JSON) is written at the end;
- ``BENCH_TODAY``: today in the app's time zone, as the form takes it.

Everyone logs in first (the password hash is costly and would blur the figures);
the measured window opens when the last user is in, and closes after
``BENCH_DURATION`` seconds: no new report is started, the ones in flight finish,
then locust quits. A success is the redirect to the submitted report; anything
else (a re-rendered form included) is a failure.
"""

import datetime
import itertools
import json
import os
import random
import re
import time
import uuid
from html.parser import HTMLParser

import gevent
from gevent.event import Event
from locust import HttpUser, events, task
from locust.exception import StopUser

USERS = [u for u in os.environ.get("BENCH_USERS", "").split(",") if u]
PASSWORD = os.environ.get("BENCH_PASSWORD", "")
USER_COUNT = int(os.environ.get("BENCH_USER_COUNT", len(USERS) or 1))
DURATION = float(os.environ.get("BENCH_DURATION", "60"))
THINK = tuple(float(x) for x in os.environ.get("BENCH_THINK", "5,15").split(","))
TITLE_PREFIX = os.environ.get("BENCH_TITLE_PREFIX", "bench-load ")
OUTCOME = os.environ.get("BENCH_OUTCOME", "")
TODAY = os.environ.get("BENCH_TODAY", "")  # dd/mm/yyyy in the app's time zone

DETAIL = re.compile(r"/reports/\d+/$")
SAMPLES = 10  # failure descriptions kept for the report


class State:
    accounts = itertools.cycle(USERS or [""])
    arrived = 0
    login_failures = 0
    go = Event()
    stopping = False
    in_flight = 0
    window_start = 0.0
    window_end = 0.0
    posts = []  # [milliseconds, ok]
    gets = 0
    get_failures = 0
    successes = []  # titles answered with the redirect
    failures = []  # samples: what went wrong


class FormFields(HTMLParser):
    """The controls a browser would submit from ``form#report-form``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.hidden = []  # (name, value)
        self.checkboxes = {}  # name -> [values]
        self.selects = {}  # name -> ([values], selected or None)
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == "report-form"
            return
        name = attrs.get("name") or ""
        if not self.inside or "__prefix__" in name:
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind == "hidden":
                self.hidden.append((name, attrs.get("value") or ""))
            elif kind == "checkbox":
                self.checkboxes.setdefault(name, []).append(attrs.get("value", "on"))
        elif tag == "select":
            self._select = name
            self.selects[name] = ([], None)
        elif tag == "option" and self._select:
            values, selected = self.selects[self._select]
            values.append(attrs.get("value", ""))
            if "selected" in attrs:
                selected = attrs.get("value", "")
            self.selects[self._select] = (values, selected)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None

    def choice(self, name):
        values = [v for v in self.selects.get(name, ([], None))[0] if v]
        return random.choice(values) if values else ""

    def selected(self, name):
        values, selected = self.selects.get(name, ([], None))
        return selected if selected is not None else (values[0] if values else "")


def _csrf_token(html):
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    return match.group(1) if match else ""


def _first_error(html):
    match = re.search(
        r'class="[^"]*(?:invalid-feedback|alert-danger)[^"]*"[^>]*>(.*?)</', html, re.S
    )
    return (
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()[:200]
        if match
        else ""
    )


def _report_data(fields, title):
    """The form as a collaborator fills it in: one opinion stream, then submit."""
    today = TODAY or datetime.date.today().strftime("%d/%m/%Y")
    data = list(fields.hidden)
    data += [
        ("kind", fields.selected("kind")),
        ("urgency", fields.selected("urgency")),
        ("title", title),
        ("area", fields.choice("area")),
        ("occurred_on", today),
        ("description", "Bà con ở thôn bàn tán về việc khai thác cát ven sông."),
        ("proposals", "Đề nghị kiểm tra giấy phép và công khai kết quả."),
        ("streams-0-summary", "Người dân lo sạt lở bờ sông vào mùa mưa."),
        ("streams-0-direction", random.choice(["oppose", "concern"])),
        ("streams-0-breadth", fields.choice("streams-0-breadth")),
        ("streams-0-intensity", fields.selected("streams-0-intensity")),
        ("action", "submit"),
    ]
    for name in ("topics", "streams-0-social_groups", "streams-0-channels"):
        if fields.checkboxes.get(name):
            data.append((name, random.choice(fields.checkboxes[name])))
    return data


def _fail(response, what, html=""):
    reason = f"{what}: HTTP {response.status_code}"
    detail = _first_error(html)
    if detail:
        reason += f" ({detail})"
    response.failure(reason)
    if len(State.failures) < SAMPLES:
        State.failures.append(reason)


def _open_window(environment):
    environment.runner.stats.reset_all()
    State.window_start = time.monotonic()
    State.go.set()
    gevent.spawn_later(DURATION, _close_window, environment)


def _close_window(environment):
    State.stopping = True
    deadline = time.monotonic() + 30
    while State.in_flight and time.monotonic() < deadline:
        gevent.sleep(0.05)
    State.window_end = time.monotonic()
    _write_outcome()
    environment.runner.quit()


def _write_outcome():
    if not OUTCOME:
        return
    outcome = {
        "users": USER_COUNT,
        "window_seconds": round(State.window_end - State.window_start, 3),
        "posts": State.posts,
        "gets": State.gets,
        "get_failures": State.get_failures,
        "login_failures": State.login_failures,
        "in_flight_at_end": State.in_flight,
        "successes": State.successes,
        "failure_samples": State.failures,
    }
    with open(OUTCOME, "w", encoding="utf-8") as handle:
        json.dump(outcome, handle)


@events.quitting.add_listener
def _on_quitting(environment, **kwargs):
    if not State.window_end:  # stopped early (run-time cap, Ctrl-C): still report
        State.window_end = time.monotonic()
        _write_outcome()


class Collaborator(HttpUser):
    def wait_time(self):
        return random.uniform(*THINK)

    def on_start(self):
        self.username = next(State.accounts)
        ok = self._login()
        State.arrived += 1
        if State.arrived == USER_COUNT:
            _open_window(self.environment)
        if not ok:
            State.login_failures += 1
            raise StopUser
        State.go.wait()
        # Spread the first submissions rather than all at the same instant.
        gevent.sleep(random.uniform(0, THINK[1]))

    def _login(self):
        with self.client.get(
            "/login/", name="login form", catch_response=True
        ) as response:
            token = _csrf_token(response.text)
            if response.status_code != 200 or not token:
                _fail(response, "login form")
                return False
        with self.client.post(
            "/login/",
            data={
                "csrfmiddlewaretoken": token,
                "username": self.username,
                "password": PASSWORD,
            },
            name="login",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                _fail(response, f"login as {self.username}", response.text)
                return False
        return True

    @task
    def file_report(self):
        if State.stopping:
            gevent.sleep(3600)  # the window is closed: wait to be stopped
            return
        State.in_flight += 1
        try:
            self._file_report()
        finally:
            State.in_flight -= 1

    def _file_report(self):
        with self.client.get(
            "/reports/new/", name="report form", catch_response=True
        ) as response:
            State.gets += 1
            fields = FormFields()
            fields.feed(response.text)
            if response.status_code != 200 or not fields.hidden:
                State.get_failures += 1
                _fail(response, "report form")
                return
        title = f"{TITLE_PREFIX}{uuid.uuid4().hex}"
        started = time.perf_counter()
        with self.client.post(
            "/reports/new/",
            data=_report_data(fields, title),
            # No file chosen: a browser still sends the empty part.
            files={"attachments": ("", b"", "application/octet-stream")},
            name="submit report",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            elapsed = (time.perf_counter() - started) * 1000
            ok = response.status_code == 302 and bool(
                DETAIL.search(response.headers.get("Location", ""))
            )
            State.posts.append([round(elapsed, 2), ok])
            if ok:
                State.successes.append(title)
            else:
                _fail(response, "submit report", response.text)
