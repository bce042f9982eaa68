"""Start-up refuses bad configuration with a message naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k" * 50


def start(env: dict) -> subprocess.CompletedProcess:
    """Import the real settings in a fresh interpreter with exactly this environment."""
    clean = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "")}
    clean.update(env)
    code = "import dluan.settings as s; print(s.DATABASES['default']['ENGINE'])"
    return subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = start(
        {"DEBUG": "0", "ALLOWED_HOSTS": "dluan.example.vn", "SECRET_KEY": ""}
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = start({"DEBUG": "0", "ALLOWED_HOSTS": "x", "SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = start({"DEBUG": "0", "SECRET_KEY": GOOD_KEY})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "nosuchdb://x/y"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("EMAIL_URL", "carrier-pigeon://coop"),
        ("EMAIL_PORT", "twenty-five"),
        ("UPLOAD_MAX_BYTES", "10MB"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(variable, value):
    result = start(
        {"DEBUG": "1", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "x", variable: value}
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr


def test_a_good_production_configuration_starts_on_postgresql():
    result = start(
        {
            "DEBUG": "off",
            "SECRET_KEY": GOOD_KEY,
            "ALLOWED_HOSTS": "dluan.example.vn",
            "DATABASE_URL": "postgres://dluan:secret@db.internal:5432/dluan",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "EMAIL_URL": "smtp://mailer:p%40ss@mail.internal:587",
        }
    )
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout


def test_without_database_url_it_runs_on_sqlite():
    result = start({"DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert "sqlite3" in result.stdout


def test_email_url_fills_the_smtp_settings():
    from dluan.env import env_email

    os.environ["DLUAN_TEST_EMAIL_URL"] = "smtps://mailer:p%40ss@mail.internal"
    try:
        config = env_email("DLUAN_TEST_EMAIL_URL")
    finally:
        del os.environ["DLUAN_TEST_EMAIL_URL"]
    assert config["EMAIL_HOST"] == "mail.internal"
    assert config["EMAIL_PORT"] == 465
    assert config["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert config["EMAIL_USE_SSL"] is True


def test_score_weights_are_read_whole_and_checked(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from dluan.env import env_weights

    default = {"reporting": 60, "meetings": 40}
    monkeypatch.setenv("W", "reporting=70, meetings=30")
    assert env_weights("W", default) == {"reporting": 70, "meetings": 30}
    for bad in ("reporting=70", "reporting=x,meetings=1", "speed=1,meetings=1"):
        monkeypatch.setenv("W", bad)
        with pytest.raises(ImproperlyConfigured, match="W"):
            env_weights("W", default)
    monkeypatch.delenv("W")
    assert env_weights("W", default) == default
