"""Headers, cookies and deployment checks with DEBUG off (the test settings' own
DEBUG=0, and the production defaults in a subprocess), and templates that need no
inline script or style under the Content-Security-Policy."""

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from dluan.tests.factories import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
# Rendered by WeasyPrint into PDF, never served to a browser.
PDF_TEMPLATES = re.compile(r"(^pdf/|_pdf\.html$)")


def _policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.django_db
def test_a_page_carries_the_security_headers(client, collaborator):
    client.force_login(collaborator)
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_the_content_security_policy_allows_only_our_own_and_nonced_scripts(client):
    response = client.get("/login/")
    policy = _policy(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    nonces = [v for v in policy["script-src"] if v.startswith("'nonce-")]
    assert policy["script-src"] == ["'self'", *nonces] and len(nonces) == 1
    everything = " ".join(value for values in policy.values() for value in values)
    assert "unsafe-inline" not in everything and "unsafe-eval" not in everything
    # The page's scripts carry this response's nonce, and the next page another.
    nonce = nonces[0][len("'nonce-") : -1]
    html = response.content.decode()
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts)
    again = _policy(client.get("/login/")["Content-Security-Policy"])
    assert again["script-src"] != policy["script-src"]


@pytest.mark.django_db
def test_cookies_are_secure_http_only_and_same_site(client, collaborator):
    form = client.get("/login/")
    response = client.post(
        "/login/",
        {"username": collaborator.username, "password": DEMO_PASSWORD},
    )
    assert response.status_code == 302
    cookies = {**form.cookies, **response.cookies}
    for name in ("sessionid", "csrftoken"):
        cookie = cookies[name]
        assert cookie["secure"] is True, name
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name


def _production(extra: dict | None = None) -> subprocess.CompletedProcess:
    """Run the settings as deployed: DEBUG off, no override from the test settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "DJANGO_", "HSTS", "CSRF_", "SESSION_"))
        and key not in {"DEBUG", "ALLOWED_HOSTS", "OTP_REQUIRED", "BEHIND_PROXY"}
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "dluan.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50)[:50],
        "ALLOWED_HOSTS": "example.vn",
        **(extra or {}),
    }
    script = (
        "import json, django; django.setup()\n"
        "from django.conf import settings as s\n"
        "from django.core.management import call_command\n"
        "call_command('check', deploy=True, fail_level='WARNING')\n"
        "print(json.dumps({name: getattr(s, name) for name in ["
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'CSRF_COOKIE_HTTPONLY', "
        "'SESSION_COOKIE_HTTPONLY', 'SESSION_COOKIE_SAMESITE', 'SECURE_HSTS_SECONDS', "
        "'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_CONTENT_TYPE_NOSNIFF', "
        "'X_FRAME_OPTIONS', 'SECURE_REFERRER_POLICY']}))\n"
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_check_deploy_finds_nothing_with_the_production_defaults():
    run = _production()
    assert run.returncode == 0, run.stderr
    assert "WARNINGS" not in run.stderr and "ERRORS" not in run.stderr
    settings = json.loads(run.stdout.strip().splitlines()[-1])
    assert settings == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
    }


def test_a_negative_hsts_duration_stops_start_up_naming_the_variable():
    run = _production({"SECURE_HSTS_SECONDS": "-1"})
    assert run.returncode != 0
    assert "SECURE_HSTS_SECONDS must be 0 or more seconds" in run.stderr


INLINE_STYLE = re.compile(r"""\sstyle\s*=|<style\b""", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=""", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)


def _browser_templates() -> list[Path]:
    return [
        path
        for path in sorted(TEMPLATES.rglob("*.html"))
        if not PDF_TEMPLATES.search(path.relative_to(TEMPLATES).as_posix())
    ]


def test_no_template_has_inline_styles_handlers_or_unnonced_scripts():
    problems = []
    for path in _browser_templates():
        name = path.relative_to(TEMPLATES).as_posix()
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if INLINE_STYLE.search(line):
                problems.append(f"{name}:{number}: inline style")
            if INLINE_HANDLER.search(line):
                problems.append(f"{name}:{number}: inline event handler")
            if JAVASCRIPT_URL.search(line):
                problems.append(f"{name}:{number}: javascript: URL")
            for tag in SCRIPT_TAG.findall(line):
                if "nonce=" not in tag:
                    problems.append(f"{name}:{number}: <script> without a nonce")
    assert len(_browser_templates()) > 50
    assert problems == [], "\n".join(problems)
