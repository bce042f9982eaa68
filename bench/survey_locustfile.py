"""The survey load run: anonymous respondents answering the online link at once.

Started by ``bench/survey_load.py``, which passes through the environment:

- ``BENCH_SURVEY_PATH``: the public link (``/s/<key>/``);
- ``BENCH_SURVEY_PLAN``: JSON, the answers to give: ``[{"field", "values",
  "many", "optional"}]`` per posted field of the questions (``q-<name>``,
  ``q-<name>-<row>``), "Khác (ghi rõ)" left out;
- ``BENCH_USER_COUNT``: how many respondents answer at once (locust's ``-u``);
- ``BENCH_DURATION``: seconds measured; ``BENCH_FILL``: ``"min,max"`` seconds a
  respondent takes over the form (the page refuses a form sent faster than a
  person reads it);
- ``BENCH_OUTCOME``: where the outcome (JSON) is written at the end.

Each simulated user is a phone after another: a new browser each time (no
cookie), from an address of its own (``X-Forwarded-For``, as the proxy in front
of the app writes it; the bench serves with ``BEHIND_PROXY``), so neither the
one-answer-per-browser cookie nor the per-address rate limit turns a
respondent away. The window opens once every user has started and closes after
``BENCH_DURATION`` seconds: no new form is begun, the forms in flight are sent,
then locust quits. A success is the redirect to the thank-you page; anything
else is a failure.
"""

import json
import os
import random
import re
import time
from html.parser import HTMLParser

import gevent
from gevent.event import Event
from locust import HttpUser, events, task

PATH = os.environ.get("BENCH_SURVEY_PATH", "/")
PLAN = json.loads(os.environ.get("BENCH_SURVEY_PLAN", "[]"))
USER_COUNT = int(os.environ.get("BENCH_USER_COUNT", "1"))
DURATION = float(os.environ.get("BENCH_DURATION", "60"))
FILL = tuple(float(x) for x in os.environ.get("BENCH_FILL", "15,75").split(","))
OUTCOME = os.environ.get("BENCH_OUTCOME", "")

THANKS = re.compile(r"/thanks/$")
SAMPLES = 10


class State:
    arrived = 0
    go = Event()
    stopping = False
    in_flight = 0
    window_start = 0.0
    window_end = 0.0
    posts = []  # [milliseconds, ok]
    gets = 0
    get_failures = 0
    successes = 0
    failures = []


class PublicForm(HTMLParser):
    """What a browser would send from the public form, the questions aside: the
    hidden fields, and a choice in each select and radio group about the
    respondent; text fields (the honeypot among them) stay empty."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.hidden = []
        self.radios = {}
        self.selects = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            # The answers' form, not the page's others (the language switch).
            self.inside = attrs.get("method", "").lower() == "post" and (
                attrs.get("action") in (None, "", PATH)
            )
            return
        if tag == "option" and self.inside and self._select:
            if attrs.get("value"):
                self.selects[self._select].append(attrs["value"])
            return
        name = attrs.get("name") or ""
        if not self.inside or not name or name.startswith("q-"):
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind == "hidden":
                self.hidden.append((name, attrs.get("value") or ""))
            elif kind == "radio":
                self.radios.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "select":
            self._select = name
            self.selects[name] = []

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None

    def data(self):
        data = list(self.hidden)
        for name, values in [*self.radios.items(), *self.selects.items()]:
            if values:
                data.append((name, random.choice(values)))
        for item in PLAN:
            if item.get("optional") and random.random() < 0.5:
                continue
            values = item["values"]
            if item.get("many"):
                chosen = random.sample(values, random.randint(1, min(3, len(values))))
                data += [(item["field"], value) for value in chosen]
            else:
                data.append((item["field"], random.choice(values)))
        return data


def _first_error(html):
    match = re.search(
        r'class="[^"]*(?:invalid-feedback|alert-danger)[^"]*"[^>]*>(.*?)</div',
        html,
        re.S,
    )
    if not match:
        return ""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()[:200]


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
    deadline = time.monotonic() + FILL[1] + 30
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
        "successes": State.successes,
        "in_flight_at_end": State.in_flight,
        "failure_samples": State.failures,
    }
    with open(OUTCOME, "w", encoding="utf-8") as handle:
        json.dump(outcome, handle)


@events.quitting.add_listener
def _on_quitting(environment, **kwargs):
    if not State.window_end:
        State.window_end = time.monotonic()
        _write_outcome()


class Respondent(HttpUser):
    def wait_time(self):
        return 0  # the next respondent picks up the phone at once

    def on_start(self):
        State.arrived += 1
        if State.arrived == USER_COUNT:
            _open_window(self.environment)
        State.go.wait()
        # Spread the first forms rather than all at the same instant.
        gevent.sleep(random.uniform(0, FILL[0]))

    @task
    def answer(self):
        if State.stopping:
            gevent.sleep(3600)  # the window is closed: wait to be stopped
            return
        State.in_flight += 1
        try:
            self._answer()
        finally:
            State.in_flight -= 1

    def _answer(self):
        # A new respondent: a browser without cookies, an address of its own.
        self.client.cookies.clear()
        address = ".".join(str(random.randint(1, 254)) for _ in range(4))
        headers = {"X-Forwarded-For": address}
        with self.client.get(
            PATH, name="survey form", headers=headers, catch_response=True
        ) as response:
            State.gets += 1
            form = PublicForm()
            form.feed(response.text)
            if response.status_code != 200 or not form.hidden:
                State.get_failures += 1
                _fail(response, "survey form", response.text)
                return
        gevent.sleep(random.uniform(*FILL))
        started = time.perf_counter()
        with self.client.post(
            PATH,
            data=form.data(),
            headers={**headers, "Referer": self.host + PATH},
            name="send answers",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            elapsed = (time.perf_counter() - started) * 1000
            ok = response.status_code == 302 and bool(
                THANKS.search(response.headers.get("Location", ""))
            )
            State.posts.append([round(elapsed, 2), ok])
            if ok:
                State.successes += 1
            else:
                _fail(response, "send answers", response.text)
