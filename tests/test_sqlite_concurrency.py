"""The SQLite default that `make run` serves stands a small board's concurrent use.

Twenty people at once (16 collaborators filing through the real form, 4 staff
sessions reviewing) against ``manage.py runserver`` on a fresh SQLite file: no
server error, no "database is locked", every report answered as submitted is
in the database and no failed submission left one behind. ``bench/sqlite_load.py``
runs the same load for a minute; CI runs it for 20 s.
"""

import json
import subprocess
import sys

from bench import sqlite_load

DURATION = 15  # seconds of concurrent load; `make bench-sqlite` runs 60


def test_twenty_people_filing_and_reviewing_at_once_get_no_server_error(tmp_path):
    result = sqlite_load.run(DURATION, tmp_path, world="small")

    report = "\n".join(result.lines() + result.server_errors[:10])
    assert result.server_errors == [], report
    assert result.locked_in_log == 0, report
    assert result.lost == [], report
    assert result.saved_after_failure == [], report
    # The load did run: reports went in and staff reviewed some of them.
    assert result.submissions >= 20, report
    assert result.reviews >= 1, report


PRAGMAS = """
import json
import django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    found = {}
    for pragma in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys"):
        cursor.execute(f"PRAGMA {pragma}")
        found[pragma] = cursor.fetchone()[0]
found["transaction_mode"] = connection.transaction_mode
print(json.dumps(found))
"""


def test_the_sqlite_default_writes_ahead_and_waits_for_the_write_lock(tmp_path):
    env = sqlite_load.server_env(tmp_path)
    env["DJANGO_SETTINGS_MODULE"] = "dluan.settings"
    result = subprocess.run(  # noqa: S603 - our own settings, read back
        [sys.executable, "-c", PRAGMAS],
        cwd=sqlite_load.ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found == {
        "journal_mode": "wal",
        "synchronous": 1,  # NORMAL: safe with WAL, no sync on every commit
        "busy_timeout": 30_000,
        "foreign_keys": 1,
        "transaction_mode": "IMMEDIATE",
    }
