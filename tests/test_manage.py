"""manage.py without settings: makemigrations runs on the test settings; every
other command says what the settings lack instead of Django's later error."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# DEBUG and SECRET_KEY given empty-handed: a checkout's .env (make run writes
# DEBUG=1 there) does not fill them in.
BARE = {"PATH": "/usr/bin:/bin", "HOME": str(ROOT), "DEBUG": "0", "SECRET_KEY": ""}


def _manage(*args):
    return subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=BARE,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_bare_makemigrations_check_finds_no_missing_migration():
    result = _manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_another_command_without_a_secret_says_so():
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
