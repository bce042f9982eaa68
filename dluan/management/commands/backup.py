"""`manage.py backup PATH`: the database and the uploaded files in one archive.

The archive is a tar file holding ``manifest.json`` (format, database engine,
when it was made, the applied migrations, and each file's size and SHA-256), the
database (PostgreSQL: ``pg_dump`` in its custom format; SQLite: a copy made with
SQLite's backup API, consistent while the site runs) and every file under
``MEDIA_ROOT``. ``manage.py restore PATH`` checks it and brings it back.

The archive is written next to PATH and renamed into place when complete, so an
interrupted backup leaves no half archive under the name asked for.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
MEDIA = "media"
CHUNK = 1024 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def applied_migrations(connection) -> dict[str, list[str]]:
    """The migrations recorded in the database, by app."""
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def postgres_arguments(connection) -> tuple[list[str], dict[str, str]]:
    """Connection arguments and environment for pg_dump and pg_restore."""
    params = connection.settings_dict
    arguments = ["--dbname", params["NAME"]]
    if params.get("HOST"):
        arguments += ["--host", str(params["HOST"])]
    if params.get("PORT"):
        arguments += ["--port", str(params["PORT"])]
    if params.get("USER"):
        arguments += ["--username", str(params["USER"])]
    env = {**os.environ}
    if params.get("PASSWORD"):
        env["PGPASSWORD"] = str(params["PASSWORD"])
    if sslmode := params.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = str(sslmode)
    return arguments, env


def run_tool(command: list[str], env: dict[str, str]) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise CommandError(
            f"{command[0]} was not found: install the PostgreSQL client tools "
            "of the server's major version (Debian: postgresql-client)."
        )
    result = subprocess.run(  # noqa: S603 - a fixed tool; arguments from settings
        [tool, *command[1:]], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise CommandError(f"{command[0]} failed: {result.stderr.strip()}")


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files (MEDIA_ROOT) into one archive "
        "that `manage.py restore` brings back."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive to write, e.g. dluan.tar")
        parser.add_argument(
            "--force", action="store_true", help="replace an existing archive"
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="the database alias to back up (default: default)",
        )

    def handle(self, *args, path, force, database, **options):
        target = Path(path).resolve()
        if target.exists() and not force:
            raise CommandError(
                f"{target} already exists; choose another name or add --force."
            )
        if not target.parent.is_dir():
            raise CommandError(f"The folder {target.parent} does not exist.")
        connection = connections[database]
        engine = connection.vendor
        if engine not in DATABASE_FILES:
            raise CommandError(f"Backing up a {engine} database is not supported.")
        with tempfile.TemporaryDirectory(dir=target.parent) as work:
            work = Path(work)
            dump = work / DATABASE_FILES[engine]
            self.stdout.write(f"Copying the {engine} database ...")
            if engine == "postgresql":
                arguments, env = postgres_arguments(connection)
                run_tool(
                    ["pg_dump", "--format=custom", "--file", str(dump), *arguments],
                    env,
                )
            else:
                self._copy_sqlite(connection, dump)
            media_root = Path(settings.MEDIA_ROOT)
            media = sorted(
                p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink()
            )
            self.stdout.write(f"Reading {len(media)} uploaded file(s) ...")
            manifest = {
                "format": FORMAT,
                "engine": engine,
                "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
                "migrations": applied_migrations(connection),
                "database": {
                    "name": dump.name,
                    "size": dump.stat().st_size,
                    "sha256": sha256_of(dump),
                },
                "media": [
                    {
                        "path": p.relative_to(media_root).as_posix(),
                        "size": p.stat().st_size,
                        "sha256": sha256_of(p),
                    }
                    for p in media
                ],
            }
            (work / MANIFEST).write_text(json.dumps(manifest, indent=2))
            partial = work / "archive.tar"
            self.stdout.write(f"Writing {target} ...")
            with tarfile.open(partial, "w") as archive:
                archive.add(work / MANIFEST, arcname=MANIFEST)
                archive.add(dump, arcname=dump.name)
                for entry, source in zip(manifest["media"], media, strict=True):
                    archive.add(source, arcname=f"{MEDIA}/{entry['path']}")
            os.replace(partial, target)
        size = target.stat().st_size
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the database and {len(media)} file(s) to {target} "
                f"({size / 1024 / 1024:.1f} MB)."
            )
        )

    def _copy_sqlite(self, connection, dump: Path) -> None:
        """SQLite's backup API: a consistent copy, even while others write."""
        if connection.in_atomic_block:
            # The copy would wait for this very transaction to end.
            raise CommandError("Run the backup outside a database transaction.")
        connection.ensure_connection()
        copy = sqlite3.connect(dump)
        try:
            with connection.wrap_database_errors:
                connection.connection.backup(copy)
        finally:
            copy.close()
