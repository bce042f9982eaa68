"""`manage.py backup` and `manage.py restore`: the same rows and files come back.

The round trip restores into a new database (a new PostgreSQL database when the
suite runs on PostgreSQL, a new SQLite file otherwise) and a new MEDIA_ROOT, in
another process with that configuration, as an administrator would on a new
machine. A damaged, foreign or hostile archive is refused before anything changes.
"""

import datetime
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from reports.models import Attachment, OpinionReport
from reports.tests.factories import (
    OpinionReportFactory,
    OpinionStreamFactory,
    ReportingPeriodFactory,
)
from summaries import services

ROOT = Path(__file__).resolve().parents[2]
COUNT_ROWS = """
import json
from django.db import connection
with connection.cursor() as cursor:
    counts = {}
    for table in sorted(connection.introspection.table_names()):
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
print(json.dumps(counts))
"""


def _row_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - our tables
            counts[table] = cursor.fetchone()[0]
    return counts


def _files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


@pytest.fixture
def world(media, town, staff, collaborator):
    """Reports with attachments and a summary with its PDF, on disk."""
    period = ReportingPeriodFactory(
        start=datetime.date(2026, 9, 1),
        end=datetime.date(2026, 10, 31),
        deadline=datetime.date(2026, 10, 25),
    )
    for index in range(3):
        report = OpinionReportFactory(
            author=collaborator.collaborator,
            period=period,
            status=OpinionReport.Status.ACCEPTED,
            title=f"Tranh chấp đất đai ở thôn {index}",
        )
        OpinionStreamFactory(report=report)
        Attachment.objects.create(
            report=report,
            file=SimpleUploadedFile(
                f"bien-ban-{index}.pdf", b"%PDF-1.4 " * (index + 9)
            ),
            original_name=f"biên bản {index}.pdf",
            content_type="application/pdf",
            size=9 * (index + 9),
            uploaded_by=collaborator,
        )
    summary = services.summary_request(
        unit=town, period=period, user=staff, enqueue=False
    )
    summary.pdf.save("tong-hop.pdf", ContentFile(b"%PDF-1.7 tong hop " * 100))
    return summary


def _restore_env(tmp_path: Path) -> dict[str, str]:
    """A new site: a new, empty database and MEDIA_ROOT, the real settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}
        and not key.startswith("DJANGO_")
    }
    env.update(DEBUG="1", MEDIA_ROOT=str(tmp_path / "restored-media"))
    if connection.vendor == "postgresql":
        name = f"{connection.settings_dict['NAME']}_restored"
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        url = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(url._replace(path=f"/{name}"))
    else:
        env["SQLITE_PATH"] = str(tmp_path / "restored.sqlite3")
    return env


def _drop_restored():
    if connection.vendor == "postgresql":
        name = f"{connection.settings_dict['NAME']}_restored"
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _manage(env, *arguments) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_backup_restored_into_a_new_database_has_the_same_rows_and_files(
    transactional_db, world, media, tmp_path
):
    archive = tmp_path / "dluan.tar"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "Backed up the database and 4 file(s)" in out.getvalue()
    rows, files = _row_counts(), _files(media)
    assert rows["reports_attachment"] == 3 and rows["summaries_summary"] == 1
    assert len(files) == 4

    env = _restore_env(tmp_path)
    try:
        printed = _manage(env, "restore", str(archive))
        counted = _manage(env, "shell", "-c", COUNT_ROWS)
        restored_rows = json.loads(counted.strip().splitlines()[-1])
    finally:
        _drop_restored()

    assert "Restored the database and 4 file(s)" in printed
    assert restored_rows == rows
    assert _files(tmp_path / "restored-media") == files


def _archive(path: Path, manifest: dict, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w") as archive:
        for name, data in {"manifest.json": json.dumps(manifest).encode()}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _entry(data: bytes) -> dict:
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def _manifest(engine: str, media: list[dict] | None = None) -> dict:
    name = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}[engine]
    return {
        "format": 1,
        "engine": engine,
        "created_at": "2026-12-01T00:00:00+00:00",
        "migrations": {},
        "database": {"name": name, **_entry(b"db")},
        "media": media or [],
    }


def _refused(path, *options) -> str:
    with pytest.raises(CommandError) as refusal:
        call_command("restore", str(path), *options, stdout=io.StringIO())
    return str(refusal.value)


@pytest.fixture
def unchanged(db, world, media):
    """The database and files before a refused restore; checked after it."""
    before = (_row_counts(), _files(media))
    yield
    assert (_row_counts(), _files(media)) == before


def test_restore_refuses_a_database_that_already_holds_data(
    transactional_db, unchanged, media, tmp_path
):
    archive = tmp_path / "dluan.tar"
    call_command("backup", str(archive), stdout=io.StringIO())
    message = _refused(archive)
    assert "already holds" in message and "--force" in message


def test_restore_refuses_a_backup_of_the_other_database_engine(unchanged, tmp_path):
    other = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    name = _manifest(other)["database"]["name"]
    archive = _archive(tmp_path / "other.tar", _manifest(other), {name: b"db"})
    message = _refused(archive, "--force")
    assert "This backup is of a" in message and "check DATABASE_URL" in message


def test_restore_refuses_a_damaged_archive(unchanged, tmp_path):
    engine = connection.vendor
    manifest = _manifest(engine, [{"path": "attachments/a.pdf", **_entry(b"good")}])
    name = manifest["database"]["name"]
    archive = _archive(
        tmp_path / "damaged.tar",
        manifest,
        {name: b"db", "media/attachments/a.pdf": b"bad"},
    )
    assert "does not match its checksum" in _refused(archive, "--force")


@pytest.mark.parametrize("kind", ["parent", "absolute", "backslash"])
def test_restore_refuses_a_file_path_outside_media_root(unchanged, tmp_path, kind):
    escaped = tmp_path / "escaped.txt"  # MEDIA_ROOT is tmp_path / "media"
    path = {
        "parent": "../escaped.txt",
        "absolute": str(escaped),
        "backslash": "..\\escaped.txt",
    }[kind]
    engine = connection.vendor
    manifest = _manifest(engine, [{"path": path, **_entry(b"x")}])
    name = manifest["database"]["name"]
    archive = _archive(
        tmp_path / "hostile.tar", manifest, {name: b"db", f"media/{path}": b"x"}
    )
    assert "unsafe file path" in _refused(archive, "--force")
    assert not escaped.exists()


def test_restore_refuses_what_is_not_a_backup(unchanged, tmp_path):
    junk = tmp_path / "junk.tar"
    junk.write_bytes(b"not a tar file at all" * 100)
    assert "is not an archive made by" in _refused(junk)
    foreign = _archive(tmp_path / "foreign.tar", {"format": 99}, {})
    assert "format" in _refused(foreign)


def test_restore_refuses_a_backup_made_by_newer_code(unchanged, tmp_path):
    engine = connection.vendor
    manifest = _manifest(engine)
    manifest["migrations"] = {"reports": ["0001_initial", "9999_from_the_future"]}
    archive = _archive(
        tmp_path / "newer.tar", manifest, {manifest["database"]["name"]: b"db"}
    )
    assert "newer version of dluan" in _refused(archive, "--force")


def test_backup_refuses_to_overwrite_an_archive(db, media, tmp_path):
    archive = tmp_path / "dluan.tar"
    archive.write_bytes(b"an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(archive), stdout=io.StringIO())
    assert archive.read_bytes() == b"an older backup"
