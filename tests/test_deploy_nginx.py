"""Debian's nginx with deploy/nginx/dluan.conf in front of gunicorn, as installed.

The site is the committed file with a few strings swapped for the test's own
(ports on 127.0.0.1, a self-signed certificate made here with openssl, the static
root); gunicorn runs ``dluan.wsgi`` with BEHIND_PROXY=1 on the test database. The
client connects from 127.0.0.2, so the address nginx sees differs from the one
gunicorn sees (nginx's, 127.0.0.1), and it sends a forged X-Forwarded-For on
every request. Root only, as in CI: nginx is started as root.
"""

import http.client
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pytest
from auditlog.models import LogEntry
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.urls import reverse

from dluan.models import UserSession
from dluan.tests.factories import DEMO_PASSWORD
from reports.models import Attachment
from reports.tests.factories import OpinionReportFactory

pytestmark = pytest.mark.xdist_group("nginx")

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx" / "dluan.conf"
NGINX = Path("/usr/sbin/nginx")
CLIENT = "127.0.0.2"  # the client's address; nginx itself reaches gunicorn from .1
FORGED = "203.0.113.9"
HASHED_CSS = "css/dluan.0123456789ab.css"
WAIT = 15


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args[0]} exited:\n{log.read_text(errors='replace')}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"nothing answers on port {port}:\n{log.read_text(errors='replace')}")


def _get_directly(port: int, path: str) -> None:
    """A GET straight to gunicorn, not through nginx."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    connection.request("GET", path)
    connection.getresponse().read()
    connection.close()


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # both stop at once, not gracefully
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def render_site(text: str, swaps: dict[str, str]) -> str:
    """The committed site with each placeholder swapped; each must be there."""
    for old, new in swaps.items():
        assert old in text, f"deploy/nginx/dluan.conf no longer has {old!r}"
        text = text.replace(old, new)
    return "\n".join(line for line in text.splitlines() if "listen [::]" not in line)


@dataclass
class Site:
    https: int
    http: int
    app: int  # gunicorn's port
    cafile: Path
    gunicorn_log: Path

    def gunicorn_saw(self, what: str) -> bool:
        """Whether a request line containing ``what`` has reached gunicorn.

        gunicorn logs a request once it has answered: a request of our own made
        straight to it, and logged, means every one before it is in the log.
        """
        mark = f"/healthz?mark={time.monotonic_ns()}"
        _get_directly(self.app, mark)
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            log = self.gunicorn_log.read_text(errors="replace")
            if mark in log:
                return what in log
            time.sleep(0.05)
        pytest.fail("gunicorn does not log its requests")


@pytest.fixture(scope="module")
def site(tmp_path_factory, django_db_setup, django_db_blocker):
    if os.geteuid() != 0:
        pytest.fail(
            "tests/test_deploy_nginx.py starts Debian's nginx and must run as root, "
            "as it does in CI (.ci/run)"
        )
    if not NGINX.exists():
        pytest.fail("nginx is missing: scripts/system-deps.sh installs it, as root")
    tmp = tmp_path_factory.mktemp("nginx")
    subprocess.run(  # noqa: S603 (a certificate for 127.0.0.1)
        [
            *("openssl", "req", "-x509", "-nodes", "-days", "1"),
            *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
            *("-keyout", str(tmp / "privkey.pem"), "-out", str(tmp / "fullchain.pem")),
        ],
        check=True,
        capture_output=True,
    )
    static = tmp / "staticfiles"
    (static / "css").mkdir(parents=True)
    (static / HASHED_CSS).write_text("body { color: #212529; }\n")
    (static / "css" / "dluan.css").write_text("body { color: #212529; }\n")

    app_port, https, plain = _free_port(), _free_port(), _free_port()
    (tmp / "nginx_site_settings.py").write_text(
        textwrap.dedent(f"""\
            from dluan.settings_test import *  # noqa: F403

            DATABASES["default"]["NAME"] = {connection.settings_dict["NAME"]!r}  # noqa: F405
            MEDIA_ROOT = Path({str(settings.MEDIA_ROOT)!r})  # noqa: F405
            """)
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "nginx_site_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp), str(ROOT)]),
        "BEHIND_PROXY": "1",
        "PROXY_COUNT": "1",
    }
    gunicorn_log = tmp / "gunicorn.log"
    gunicorn = subprocess.Popen(  # noqa: S603 (our own application)
        [
            *(str(Path(sys.executable).parent / "gunicorn"), "dluan.wsgi"),
            *("--bind", f"127.0.0.1:{app_port}", "--workers", "1", "--timeout", "30"),
            *("--access-logfile", str(gunicorn_log), "--error-logfile", "-"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp / "gunicorn.err").open("wb"),
    )
    site = render_site(
        SITE.read_text(),
        {
            "listen 443 ssl http2;": f"listen 127.0.0.1:{https} ssl http2;",
            "listen 80;": f"listen 127.0.0.1:{plain};",
            "server_name dluan.example.vn;": "server_name 127.0.0.1;",
            "/etc/ssl/dluan/": f"{tmp}/",
            "/srv/dluan/staticfiles/": f"{static}/",
            "server 127.0.0.1:8000;": f"server 127.0.0.1:{app_port};",
        },
    )
    (tmp / "dluan.conf").write_text(site)
    (tmp / "nginx.conf").write_text(
        textwrap.dedent(f"""\
            user root;
            worker_processes 1;
            daemon off;
            pid {tmp}/nginx.pid;
            error_log {tmp}/error.log;
            events {{ worker_connections 64; }}
            http {{
                include /etc/nginx/mime.types;
                default_type application/octet-stream;
                access_log {tmp}/access.log;
                client_body_temp_path {tmp}/body;
                proxy_temp_path {tmp}/proxy;
                fastcgi_temp_path {tmp}/fastcgi;
                uwsgi_temp_path {tmp}/uwsgi;
                scgi_temp_path {tmp}/scgi;
                include {tmp}/dluan.conf;
            }}
            """)
    )
    nginx = subprocess.Popen(  # noqa: S603 (Debian's nginx, our site)
        [
            *(str(NGINX), "-p", str(tmp), "-c", str(tmp / "nginx.conf")),
            *("-e", str(tmp / "error.log")),
        ],
        stdout=subprocess.DEVNULL,
        stderr=(tmp / "nginx.err").open("wb"),
    )
    try:
        _wait_for_port(https, nginx, tmp / "nginx.err")
        _wait_for_port(app_port, gunicorn, tmp / "gunicorn.err")
        _get_directly(app_port, "/healthz")  # the worker loads every view
        yield Site(https, plain, app_port, tmp / "fullchain.pem", gunicorn_log)
    finally:
        _stop(nginx)
        _stop(gunicorn)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class Browser:
    """HTTPS from 127.0.0.2, checking the site's certificate, keeping cookies;
    every request carries a forged X-Forwarded-For."""

    def __init__(self, site: Site):
        self.site = site
        self.origin = f"https://127.0.0.1:{site.https}"
        self.cookies: dict[str, str] = {}

    def connection(self) -> http.client.HTTPSConnection:
        context = ssl.create_default_context(cafile=str(self.site.cafile))
        return http.client.HTTPSConnection(
            "127.0.0.1",
            self.site.https,
            context=context,
            source_address=(CLIENT, 0),
            timeout=WAIT,
        )

    def headers(self, extra: dict | None = None) -> dict:
        headers = {"X-Forwarded-For": FORGED, **(extra or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _keep(self, response: http.client.HTTPResponse) -> Response:
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return Response(response.status, response.headers, response.read())

    def request(self, method: str, path: str, body=None, headers=None) -> Response:
        connection = self.connection()
        try:
            connection.request(method, path, body=body, headers=self.headers(headers))
            return self._keep(connection.getresponse())
        finally:
            connection.close()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, path: str, data: dict) -> Response:
        data = {"csrfmiddlewaretoken": self.cookies["csrftoken"], **data}
        return self.request(
            "POST",
            path,
            body=urlencode(data),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": self.origin + path,
            },
        )

    def sign_in(self, user) -> None:
        self.get("/login/")
        response = self.post_form(
            "/login/", {"username": user.username, "password": DEMO_PASSWORD}
        )
        assert response.status == 302, response.text[:2000]


def test_pages_load_over_https_with_the_security_headers_from_django(site):
    response = Browser(site).get("/login/")

    assert response.status == 200
    headers = response.headers
    # Only on a request Django knows is secure: X-Forwarded-Proto reached it.
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Server"] == "nginx"  # no version
    assert headers.get_all("Strict-Transport-Security") == [
        headers["Strict-Transport-Security"]
    ]


def test_plain_http_is_sent_to_https(site):
    connection = http.client.HTTPConnection("127.0.0.1", site.http, timeout=WAIT)
    connection.request("GET", "/reports/?page=2")
    response = connection.getresponse()
    assert response.status == 301
    assert response.headers["Location"] == "https://127.0.0.1/reports/?page=2"
    assert not site.gunicorn_saw("/reports/?page=2")


def test_http2_is_offered(site):
    context = ssl.create_default_context(cafile=str(site.cafile))
    context.set_alpn_protocols(["h2", "http/1.1"])
    with (
        socket.create_connection(("127.0.0.1", site.https), timeout=WAIT) as raw,
        context.wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        assert tls.selected_alpn_protocol() == "h2"
        assert tls.version() in ("TLSv1.2", "TLSv1.3")


def test_static_files_are_served_by_nginx_and_cached(site):
    browser = Browser(site)
    hashed = browser.get(f"/static/{HASHED_CSS}")
    plain = browser.get("/static/css/dluan.css")

    assert hashed.status == plain.status == 200
    assert hashed.headers["Content-Type"] == "text/css"
    assert hashed.headers["Cache-Control"] == f"max-age={365 * 24 * 3600}"
    assert plain.headers["Cache-Control"] == "max-age=3600"
    assert not site.gunicorn_saw("/static/")


@pytest.mark.django_db(transaction=True)
def test_uploads_go_through_dluans_view_recording_the_address_nginx_saw(
    site, staff, collaborator
):
    report = OpinionReportFactory(author=collaborator.collaborator)
    attachment = Attachment(
        report=report,
        original_name="anh-bo-song.jpg",
        content_type="image/jpeg",
        size=4,
        uploaded_by=collaborator,
    )
    attachment.file.save("anh.jpg", ContentFile(b"\xff\xd8\xff\xd9"), save=True)
    assert Path(attachment.file.path).is_file()
    browser = Browser(site)

    browser.sign_in(staff)
    response = browser.get(reverse("reports:attachment-download", args=[attachment.pk]))

    assert response.status == 200
    assert response.body == b"\xff\xd8\xff\xd9"
    # The address nginx saw, not its own (gunicorn's peer) nor the forged one.
    [session] = UserSession.objects.filter(user=staff)
    assert session.ip_address == CLIENT
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS, object_id=attachment.pk)
    assert entry.actor == staff
    assert entry.remote_addr == CLIENT

    # The same file straight from MEDIA_ROOT: nginx's own 404, for anyone.
    for path in (f"/media/{attachment.file.name}", "/media/"):
        response = browser.get(path)
        assert response.status == 404, path
        assert "<center>nginx</center>" in response.text
        assert b"\xff\xd8" not in response.body
    assert not site.gunicorn_saw("/media/")


def _upload_headers(browser: Browser, path: str) -> dict:
    browser.get("/login/")  # the CSRF cookie
    return {
        "Content-Type": "multipart/form-data; boundary=dluan",
        "X-CSRFToken": browser.cookies["csrftoken"],
        "Origin": browser.origin,
        "Referer": browser.origin + path,
    }


def test_an_upload_over_the_limit_is_refused_by_nginx_with_dluans_page(site):
    browser = Browser(site)
    path = reverse("reports:report-create")
    headers = _upload_headers(browser, path)
    headers["Content-Length"] = str(settings.UPLOAD_MAX_REQUEST_BYTES + 1)
    connection = browser.connection()
    connection.putrequest("POST", path)
    for name, value in browser.headers(headers).items():
        connection.putheader(name, value)
    connection.endheaders()  # and not a byte of the body: nginx answers at once
    response = browser._keep(connection.getresponse())
    connection.close()

    assert response.status == 413
    assert '<html lang="vi"' in response.text
    assert "tổng cộng tối đa 30 MB" in response.text
    assert "Trang chủ" in response.text
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert site.gunicorn_saw('"GET /errors/413/ ')
    assert not site.gunicorn_saw(f'"POST {path} ')


def test_an_upload_at_the_limit_reaches_dluan(site):
    browser = Browser(site)
    path = reverse("reports:report-create")
    head = (
        b"--dluan\r\n"
        b'Content-Disposition: form-data; name="padding"; filename="pad.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
    )
    tail = b"\r\n--dluan--\r\n"
    padding = settings.UPLOAD_MAX_REQUEST_BYTES - len(head) - len(tail)
    response = browser.request(
        "POST",
        path,
        body=head + b"\0" * padding + tail,
        headers=_upload_headers(browser, path),
    )

    # dluan read it all (its CSRF check reads the form) and sent the anonymous
    # sender to sign in.
    assert response.status == 302
    assert response.headers["Location"].startswith("/login/?next=")
    assert site.gunicorn_saw(f'"POST {path} ')


# dluan's 413 page itself, as nginx asks for it (a GET) or anyone opens it.


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", "collaborator", "staff"])
def test_the_413_page_says_the_limits_in_mb_to_anyone(
    request, persona, client, settings
):
    settings.UPLOAD_MAX_REQUEST_BYTES = 30 * 1024 * 1024
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("error-413"))

    assert response.status_code == 413
    assert response.templates[0].name == "413.html"
    text = response.content.decode()
    assert "30 MB" in text
    assert "10 MB" in text
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
def test_the_413_page_changes_nothing_and_takes_no_post(client):
    assert Client(enforce_csrf_checks=True).post(reverse("error-413")).status_code in (
        403,
        405,
    )
    assert client.post(reverse("error-413")).status_code == 405


# The files an IT officer installs agree with each other and with the settings.

UNITS = ROOT / "deploy" / "systemd"


def _unit(name: str) -> str:
    return (UNITS / name).read_text().replace("\\\n", " ")


def test_the_units_restart_read_the_root_only_environment_and_run_as_dluan():
    names = sorted(path.name for path in UNITS.glob("*.service"))
    assert names == [
        "dluan-beat.service",
        "dluan-web.service",
        "dluan-worker-default.service",
        "dluan-worker-heavy.service",
    ]
    for name in names:
        unit = _unit(name)
        for line in (
            "Restart=on-failure",
            "EnvironmentFile=/etc/dluan/dluan.env",
            "User=dluan",
            "WorkingDirectory=/srv/dluan",
        ):
            assert f"\n{line}\n" in unit, f"{name}: {line}"
    assert "BEHIND_PROXY=1" in (ROOT / "deploy" / "dluan.env.example").read_text()


def test_one_worker_per_queue_and_the_timeouts_match():
    queues = [
        re.search(r" -Q (\w+) ", _unit(f"dluan-worker-{queue}.service"))[1]
        for queue in ("heavy", "default")
    ]
    assert sorted(queues) == sorted(settings.CELERY_TASK_QUEUES)
    timeout = int(re.search(r"--timeout (\d+)", _unit("dluan-web.service"))[1])
    site = SITE.read_text()
    for directive in ("proxy_read_timeout", "proxy_send_timeout"):
        assert re.search(rf"{directive} (\d+)s;", site)[1] == str(timeout), directive
    assert timeout * 1000 > settings.DATABASE_STATEMENT_TIMEOUT_MS
    size = re.search(r"client_max_body_size (\d+)m;", site)[1]
    assert int(size) * 1024 * 1024 == settings.UPLOAD_MAX_REQUEST_BYTES
