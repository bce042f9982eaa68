"""Concurrent filing and review against the SQLite default that `make run` serves.

Migrates and seeds a fresh SQLite file (``seed_demo``), serves it with
``manage.py runserver --noreload`` (threaded, as `make run` serves it), signs in
16 collaborators (``ctv01`` … ``ctv16``) and 4 board staff sessions (``canbo``),
then for ``--duration`` seconds each collaborator opens the report form and
submits a report through it (CSRF included), and each staff session opens the
review queue, a submitted report, and accepts it or returns it with a question.

Afterwards it reads the database: every report whose submission answered with
success must be there and submitted (or reviewed since), and every submission
that failed must have saved nothing. It prints the counts and exits 1 on any
server error, lost report or failure that saved something.

    python bench/sqlite_load.py [--duration 60] [--directory PATH] [--world small]

``tests/test_sqlite_concurrency.py`` runs the same load for a shorter time.
"""

import argparse
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "dluan-demo-2026"  # the demo's published password
COLLABORATORS = [f"ctv{index:02d}" for index in range(1, 17)]
STAFF = ["canbo"] * 4
TITLE_PREFIX = "Tải thử đồng thời"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
AREA = re.compile(r'<select name="area".*?</select>', re.S)
OPTION = re.compile(r'<option value="(\d+)"')
TOPIC = re.compile(r'name="topics" value="(\d+)"')
REPORT_LINK = re.compile(r'href="/reports/(\d+)/"')
ACCEPT_VERSION = re.compile(
    r'action="/reports/\d+/accept/">.*?name="version" value="(\d+)"', re.S
)


@dataclass
class Outcome:
    """What the clients saw: answers by kind, and each submission's fate."""

    answers: int = 0
    server_errors: list[str] = field(default_factory=list)
    client_errors: list[str] = field(default_factory=list)
    submitted: dict[str, bool] = field(default_factory=dict)  # title: succeeded
    reviews: int = 0
    started: float = 0.0
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, method: str, url: str, response: requests.Response | None):
        with self.lock:
            self.answers += 1
            if response is None:
                self.server_errors.append(f"{method} {url}: no answer")
            elif response.status_code >= 500:
                self.server_errors.append(f"{method} {url}: {response.status_code}")
            elif response.status_code >= 400:
                self.client_errors.append(f"{method} {url}: {response.status_code}")


@dataclass
class Result:
    """The load run's figures and what the database holds afterwards."""

    duration: float
    requests: int
    server_errors: list[str]
    client_errors: list[str]
    submissions: int
    reviews: int
    lost: list[str]  # answered success, not in the database as submitted
    saved_after_failure: list[str]  # answered failure, yet in the database
    locked_in_log: int  # "database is locked" in the server's log

    @property
    def ok(self) -> bool:
        return not (self.server_errors or self.lost or self.saved_after_failure)

    def lines(self) -> list[str]:
        errors = Counter(error.split(":")[-1].strip() for error in self.server_errors)
        return [
            f"duration            {self.duration:.0f} s",
            f"requests            {self.requests}",
            f"reports submitted   {self.submissions}",
            f"reviews             {self.reviews}",
            f"server errors       {len(self.server_errors)} {dict(errors) or ''}",
            f"client errors       {len(self.client_errors)}",
            f"'database is locked' in the log: {self.locked_in_log}",
            f"lost reports        {len(self.lost)}",
            f"saved after failure {len(self.saved_after_failure)}",
        ]


def server_env(directory: Path) -> dict[str, str]:
    """The environment of `make run`, on a SQLite file of its own."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
        and not key.startswith("DJANGO_")
    }
    env.update(
        DEBUG="1",
        SQLITE_PATH=str(directory / "db.sqlite3"),
        MEDIA_ROOT=str(directory / "media"),
        PYTHONUNBUFFERED="1",
    )
    return env


def seed_small() -> None:
    """The accounts the load signs in, and nothing else (quicker than the demo).

    Run inside Django (``manage.py shell -c``): a town with four communes, its
    board staff ``canbo``, collaborators ``ctv01`` … ``ctv16`` and six topics.
    """
    from django.contrib.auth.hashers import make_password

    from collaborators.models import Collaborator
    from dluan.models import OrgUnit, User
    from reports.models import Topic

    password = make_password(PASSWORD)
    province = OrgUnit.objects.create(name="Thành phố Huế", kind=OrgUnit.Kind.PROVINCE)
    town = OrgUnit.objects.create(
        name="Thị xã Hương Trà", kind=OrgUnit.Kind.TOWN, parent=province
    )
    communes = [
        OrgUnit.objects.create(name=name, kind=OrgUnit.Kind.COMMUNE, parent=town)
        for name in (
            "Phường Tứ Hạ",
            "Xã Hương Toàn",
            "Phường Hương Vân",
            "Xã Bình Tiến",
        )
    ]
    User.objects.create(
        username="canbo",
        full_name="Nguyễn Văn An",
        role=User.Role.STAFF,
        org_unit=town,
        password=password,
    )
    for index, username in enumerate(COLLABORATORS):
        unit = communes[index % len(communes)]
        user = User.objects.create(
            username=username,
            full_name=f"Cộng tác viên {index + 1}",
            role=User.Role.COLLABORATOR,
            org_unit=unit,
            password=password,
        )
        collaborator = Collaborator.objects.create(
            full_name=user.full_name,
            gender=Collaborator.Gender.FEMALE,
            unit=unit,
            user=user,
        )
        collaborator.coverage_areas.add(unit)
    for name in ("Đất đai", "Giao thông", "Môi trường", "Y tế", "Giáo dục", "Giá cả"):
        Topic.objects.create(name=name)


def prepare(directory: Path, world: str = "demo") -> None:
    """A fresh SQLite database with the demo world, or the small one."""
    env = server_env(directory)
    seed = (
        ["seed_demo", "--if-empty"]
        if world == "demo"
        else ["shell", "-c", "from bench.sqlite_load import seed_small; seed_small()"]
    )
    for command in (["migrate", "--noinput", "-v0"], seed):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(directory: Path, port: int) -> subprocess.Popen:
    """`manage.py runserver --noreload`, ready to answer."""
    log = (directory / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=server_env(directory),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"runserver stopped; see {directory / 'server.log'}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).ok:
                return server
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    server.kill()
    raise RuntimeError("runserver did not answer within 60 s")


class Client:
    """One signed-in person's browser: a session with its CSRF cookie."""

    def __init__(self, base: str, outcome: Outcome):
        self.base = base
        self.outcome = outcome
        self.session = requests.Session()

    def request(self, method: str, path: str, **kwargs) -> requests.Response | None:
        kwargs.setdefault("allow_redirects", False)
        kwargs.setdefault("timeout", 60)
        if method == "POST":
            kwargs.setdefault("headers", {})["Referer"] = self.base + path
        try:
            response = self.session.request(method, self.base + path, **kwargs)
        except requests.RequestException:
            response = None
        self.outcome.answer(method, path, response)
        return response

    def sign_in(self, username: str) -> bool:
        """Sign in through the form; False when the server failed (counted)."""
        page = self.request("GET", "/login/")
        if page is None or page.status_code >= 500:
            return False
        answer = self.request(
            "POST",
            "/login/",
            data={
                "csrfmiddlewaretoken": TOKEN.search(page.text).group(1),
                "username": username,
                "password": PASSWORD,
            },
        )
        if answer is None or answer.status_code >= 500:
            return False
        if answer.status_code != 302:
            raise RuntimeError(f"{username} could not sign in: {answer.status_code}")
        return True


def _file_reports(client: Client, name: str, until: float) -> None:
    outcome = client.outcome
    number = 0
    while time.monotonic() < until:
        form = client.request("GET", "/reports/new/")
        if form is None or form.status_code != 200:
            continue
        number += 1
        title = f"{TITLE_PREFIX} {name}-{number} {uuid.uuid4().hex[:8]}"
        areas = OPTION.findall(AREA.search(form.text).group(0))
        topics = TOPIC.findall(form.text)
        answer = client.request(
            "POST",
            "/reports/new/",
            data={
                "csrfmiddlewaretoken": TOKEN.search(form.text).group(1),
                "action": "submit_confirmed",
                "kind": "periodic",
                "urgency": "1",
                "title": title,
                "area": random.choice(areas),
                "occurred_on": date.today().strftime("%d/%m/%Y"),
                "topics": random.sample(topics, 2),
                "description": "Người dân phản ánh tình trạng đường liên thôn "
                "xuống cấp sau mùa mưa.",
                "proposals": "Đề nghị sửa chữa trước Tết.",
                "streams-TOTAL_FORMS": "1",
                "streams-INITIAL_FORMS": "0",
                "streams-MIN_NUM_FORMS": "0",
                "streams-MAX_NUM_FORMS": "20",
                "streams-0-summary": "Bà con lo lắng đi lại khó khăn.",
                "streams-0-direction": "concern",
                "streams-0-breadth": "2",
                "streams-0-intensity": "2",
                "streams-0-channels": ["direct"],
            },
        )
        succeeded = (
            answer is not None
            and answer.status_code == 302
            and "/reports/new/" not in answer.headers.get("Location", "")
        )
        with outcome.lock:
            outcome.submitted[title] = succeeded
        if succeeded:
            client.request("GET", answer.headers["Location"])


def _review_reports(client: Client, until: float) -> None:
    outcome = client.outcome
    while time.monotonic() < until:
        queue = client.request("GET", "/reports/queue/?status=submitted")
        if queue is None or queue.status_code != 200:
            continue
        pks = REPORT_LINK.findall(queue.text)
        if not pks:
            time.sleep(0.2)
            continue
        pk = random.choice(pks)
        page = client.request("GET", f"/reports/{pk}/")
        if page is None or page.status_code != 200:
            continue
        version = ACCEPT_VERSION.search(page.text)
        if version is None:  # reviewed by another session meanwhile
            continue
        data = {
            "csrfmiddlewaretoken": TOKEN.search(page.text).group(1),
            "version": version.group(1),
        }
        if random.random() < 0.7:
            answer = client.request("POST", f"/reports/{pk}/accept/", data=data)
        else:
            data["question"] = "Đề nghị nêu rõ thôn nào bị ảnh hưởng."
            answer = client.request("POST", f"/reports/{pk}/return/", data=data)
        if answer is not None and answer.status_code == 302:
            with outcome.lock:
                outcome.reviews += 1


def load(base: str, duration: float) -> Outcome:
    """Sign everyone in, then file and review concurrently for ``duration``."""
    outcome = Outcome()
    clients = [(name, Client(base, outcome)) for name in COLLABORATORS + STAFF]
    with ThreadPoolExecutor(max_workers=4) as pool:
        signed_in = list(pool.map(lambda pair: pair[1].sign_in(pair[0]), clients))
    # Whoever the server failed to sign in is counted as an error and sits out.
    clients = [pair for pair, ok in zip(clients, signed_in, strict=True) if ok]
    outcome.started = time.monotonic()
    until = outcome.started + duration
    threads = [
        threading.Thread(
            target=_review_reports if name in STAFF else _file_reports,
            args=(client, until) if name in STAFF else (client, name, until),
        )
        for name, client in clients
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcome.elapsed = time.monotonic() - outcome.started
    return outcome


def verify(database: Path, outcome: Outcome) -> tuple[list[str], list[str]]:
    """Submissions answered success but missing, and failures that saved a row."""
    with sqlite3.connect(database) as connection:
        rows = dict(
            connection.execute(
                "SELECT title, status FROM reports_opinionreport WHERE title LIKE ?",
                [TITLE_PREFIX + "%"],
            ).fetchall()
        )
    lost = [
        title
        for title, succeeded in outcome.submitted.items()
        if succeeded and rows.get(title) in (None, "draft")
    ]
    saved = [
        title
        for title, succeeded in outcome.submitted.items()
        if not succeeded and title in rows
    ]
    return lost, saved


def run(duration: float, directory: Path, world: str = "demo") -> Result:
    """Prepare, serve, load and verify; the server is stopped before returning."""
    prepare(directory, world)
    port = free_port()
    server = serve(directory, port)
    try:
        outcome = load(f"http://127.0.0.1:{port}", duration)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    lost, saved = verify(directory / "db.sqlite3", outcome)
    log = (directory / "server.log").read_text(errors="replace")
    return Result(
        duration=outcome.elapsed,
        requests=outcome.answers,
        server_errors=outcome.server_errors,
        client_errors=outcome.client_errors,
        submissions=sum(outcome.submitted.values()),
        reviews=outcome.reviews,
        lost=lost,
        saved_after_failure=saved,
        locked_in_log=log.count("database is locked"),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument(
        "--directory", type=Path, help="where the database goes (a new temp folder)"
    )
    parser.add_argument(
        "--world",
        choices=["demo", "small"],
        default="demo",
        help="seed_demo, or only the accounts the load signs in",
    )
    args = parser.parse_args()
    directory = args.directory or Path(tempfile.mkdtemp(prefix="dluan-sqlite-load-"))
    directory.mkdir(parents=True, exist_ok=True)
    print(
        f"{len(COLLABORATORS)} collaborators and {len(STAFF)} staff sessions "
        f"for {args.duration:.0f} s on {directory / 'db.sqlite3'}"
    )
    result = run(args.duration, directory, args.world)
    print("\n".join(result.lines()))
    for error in result.server_errors[:10]:
        print("  server error:", error)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
