"""`manage.py restore PATH`: bring back an archive made by `manage.py backup`.

Everything is checked before anything changes: the manifest's format, that the
archive's database engine is this site's, that its migrations are known to this
code, that every file is listed, stays inside MEDIA_ROOT and matches its SHA-256.
A database that already holds tables is replaced only with ``--force``.
PostgreSQL is restored with ``pg_restore`` in one transaction; SQLite with its
backup API. The uploaded files are then put in place under MEDIA_ROOT.
"""

import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader

from dluan.management.commands.backup import (
    CHUNK,
    DATABASE_FILES,
    FORMAT,
    MANIFEST,
    MEDIA,
    postgres_arguments,
    run_tool,
    sha256_of,
)

ENGINE_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


def _safe_path(raw: object) -> PurePosixPath:
    """A relative path that stays inside its folder, or a refusal."""
    path = PurePosixPath(str(raw))
    if not str(raw) or path.is_absolute() or ".." in path.parts or "\\" in str(raw):
        raise CommandError(f"The archive names an unsafe file path: {raw!r}.")
    return path


class Command(BaseCommand):
    help = (
        "Restore the database and the uploaded files from an archive made by "
        "`manage.py backup`, into an empty database (or any with --force)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the archive made by `manage.py backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that already holds tables, and existing files",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="the database alias to restore into (default: default)",
        )

    def handle(self, *args, path, force, database, **options):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"{source} does not exist or is not a file.")
        connection = connections[database]
        try:
            archive = tarfile.open(source, "r:")  # noqa: SIM115 - closed below
        except (tarfile.TarError, OSError):
            raise CommandError(
                f"{source} is not an archive made by `manage.py backup`."
            ) from None
        with archive, tempfile.TemporaryDirectory() as work:
            self.stdout.write(f"Checking {source} ...")
            manifest = self._manifest(archive)
            self._check_engine(manifest, connection)
            pending = self._check_migrations(manifest)
            work = Path(work)
            dump = self._extract_database(archive, manifest, work)
            media_root = Path(settings.MEDIA_ROOT)
            media_root.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=media_root) as staging:
                files = self._extract_media(archive, manifest, Path(staging))
                self._check_target(connection, media_root, files, force)
                self.stdout.write(
                    f"Restoring the {ENGINE_NAMES[manifest['engine']]} database ..."
                )
                if manifest["engine"] == "postgresql":
                    self._restore_postgres(connection, dump)
                else:
                    self._restore_sqlite(connection, dump)
                self.stdout.write(f"Putting {len(files)} uploaded file(s) in place ...")
                for relative, staged in files:
                    target = media_root / relative
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(staged, target)
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the database and {len(files)} file(s) from {source} "
                f"(made {manifest['created_at']})."
            )
        )
        if pending:
            self.stdout.write(
                f"This code has {pending} migration(s) the backup had not applied: "
                "run `python manage.py migrate` now."
            )

    def _manifest(self, archive: tarfile.TarFile) -> dict:
        try:
            member = archive.getmember(MANIFEST)
            manifest = json.loads(archive.extractfile(member).read())
        except (KeyError, AttributeError, ValueError, tarfile.TarError):
            raise CommandError(
                "The archive has no readable manifest.json: it was not made by "
                "`manage.py backup`."
            ) from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise CommandError(
                f"The archive's format ({manifest.get('format')!r}) is not one this "
                f"version of dluan reads ({FORMAT})."
                if isinstance(manifest, dict)
                else "The archive's manifest.json is not a manifest."
            )
        try:
            manifest["database"]["name"]
            manifest["database"]["sha256"]
            for entry in manifest["media"]:
                entry["path"], entry["sha256"]
            manifest["migrations"].items()
            manifest["created_at"]
        except (KeyError, TypeError, AttributeError):
            raise CommandError("The archive's manifest.json is incomplete.") from None
        return manifest

    def _check_engine(self, manifest: dict, connection) -> None:
        engine = manifest.get("engine")
        if engine not in DATABASE_FILES:
            raise CommandError(f"The archive names an unknown database: {engine!r}.")
        if engine != connection.vendor:
            raise CommandError(
                f"This backup is of a {ENGINE_NAMES[engine]} database, but this site "
                f"uses {ENGINE_NAMES.get(connection.vendor, connection.vendor)}: "
                "restore it on a site with the same database (check DATABASE_URL)."
            )
        if manifest["database"]["name"] != DATABASE_FILES[engine]:
            raise CommandError("The archive's manifest names the wrong database file.")

    def _check_migrations(self, manifest: dict) -> int:
        """Refuse a backup made by newer code; count migrations it lacks."""
        known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
        recorded = {
            (app, name)
            for app, names in manifest["migrations"].items()
            for name in names
        }
        ours = {key for key in known if key[0] in manifest["migrations"]}
        unknown = sorted(recorded - known)
        if unknown:
            names = ", ".join(f"{app}.{name}" for app, name in unknown[:5])
            raise CommandError(
                "The backup was made by a newer version of dluan (migrations this "
                f"code does not have: {names}); update the code first."
            )
        return len(ours - recorded)

    def _copy_member(self, archive, name: str, entry: dict, target: Path) -> None:
        try:
            member = archive.getmember(name)
        except KeyError:
            raise CommandError(f"The archive lacks {name}.") from None
        if not member.isfile():
            raise CommandError(f"{name} in the archive is not a plain file.")
        with archive.extractfile(member) as stream, target.open("wb") as out:
            shutil.copyfileobj(stream, out, CHUNK)
        if sha256_of(target) != entry["sha256"]:
            raise CommandError(
                f"{name} in the archive does not match its checksum: the archive is "
                "damaged or was changed."
            )

    def _extract_database(self, archive, manifest: dict, work: Path) -> Path:
        name = manifest["database"]["name"]
        dump = work / name
        self._copy_member(archive, name, manifest["database"], dump)
        return dump

    def _extract_media(
        self, archive, manifest: dict, staging: Path
    ) -> list[tuple[PurePosixPath, Path]]:
        listed = {MANIFEST, manifest["database"]["name"]}
        files = []
        for index, entry in enumerate(manifest["media"]):
            relative = _safe_path(entry["path"])
            name = f"{MEDIA}/{relative}"
            listed.add(name)
            staged = staging / str(index)
            self._copy_member(archive, name, entry, staged)
            files.append((relative, staged))
        unlisted = [m.name for m in archive.getmembers() if m.name not in listed]
        if unlisted:
            raise CommandError(
                f"The archive holds files its manifest does not list: {unlisted[:5]}."
            )
        return files

    def _check_target(self, connection, media_root, files, force: bool) -> None:
        if force:
            return
        tables = connection.introspection.table_names()
        if tables:
            raise CommandError(
                f"The database {connection.settings_dict['NAME']} already holds "
                f"{len(tables)} table(s). Restore into a new, empty database, or add "
                "--force to replace everything in it."
            )
        clashes = [str(rel) for rel, _ in files if (media_root / rel).exists()]
        if clashes:
            raise CommandError(
                f"{len(clashes)} file(s) already exist under {media_root} (such as "
                f"{clashes[0]}); add --force to replace them."
            )

    def _restore_postgres(self, connection, dump: Path) -> None:
        arguments, env = postgres_arguments(connection)
        connection.close()
        run_tool(
            [
                "pg_restore",
                *("--clean", "--if-exists", "--no-owner", "--no-privileges"),
                *("--single-transaction", "--exit-on-error"),
                *arguments,
                str(dump),
            ],
            env,
        )

    def _restore_sqlite(self, connection, dump: Path) -> None:
        """Copy the archived database over this one with SQLite's backup API."""
        connection.ensure_connection()
        copy = sqlite3.connect(dump)
        try:
            with connection.wrap_database_errors:
                copy.backup(connection.connection)
        finally:
            copy.close()
        connection.close()
