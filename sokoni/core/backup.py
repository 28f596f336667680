"""Back up the database and the uploaded media into one archive, and restore it.

An archive is an uncompressed tar (its contents are compressed already) holding:

- ``database.dump``: ``pg_dump --format=custom`` on PostgreSQL, or ``database.sqlite3``: a copy
  made with SQLite's online backup API, so both are consistent while the site runs;
- ``media/…``: every file of the media folder, when the default storage is the local file
  system (object storage keeps its own versions and is left to it);
- ``manifest.json``: when, the engine, the applied migrations, the row count of every table
  and the ``ledger_check`` outcome, all taken from the same moment as the database copy (on
  PostgreSQL, one repeatable-read transaction whose snapshot ``pg_dump`` shares), and the
  size and SHA-256 of every other member.

A restore goes into an empty database (a non-empty one is refused unless forced), checks every
checksum before it touches anything, loads the database (``pg_restore`` in one transaction, or
SQLite's backup API), puts the media back, and then verifies the row counts, the migrations,
the media checksums and ``ledger_check`` against the manifest.

This module is part of the kernel and knows no domain: it runs ``ledger_check`` by its name.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any, Final
from urllib.parse import quote

import dj_database_url
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.loader import MigrationLoader

FORMAT: Final = "sokoni-backup/1"
MANIFEST: Final = "manifest.json"
PG_DUMP: Final = "database.dump"
SQLITE_COPY: Final = "database.sqlite3"
MEDIA: Final = "media"
CHUNK: Final = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what was (not) done."""


@dataclass(frozen=True)
class Database:
    """Where a database is: its engine and connection settings (Django's settings dict)."""

    engine: str  # "postgresql" or "sqlite"
    params: dict[str, Any]

    @classmethod
    def from_settings(cls, params: dict[str, Any]) -> Database:
        engine = params["ENGINE"].rsplit(".", 1)[-1]
        if engine not in {"postgresql", "sqlite3"}:
            raise BackupError(f"backups support PostgreSQL and SQLite, not {params['ENGINE']}")
        return cls("sqlite" if engine == "sqlite3" else "postgresql", dict(params))

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls.from_settings(dict(dj_database_url.parse(url)))

    @property
    def name(self) -> str:
        return str(self.params["NAME"])

    @property
    def url(self) -> str:
        """The DATABASE_URL that names this database (for a ``manage.py`` subprocess)."""
        if self.engine == "sqlite":
            return f"sqlite:///{self.name}"
        user = quote(str(self.params.get("USER") or ""), safe="")
        password = quote(str(self.params.get("PASSWORD") or ""), safe="")
        credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = self.params.get("HOST") or ""
        port = f":{self.params['PORT']}" if self.params.get("PORT") else ""
        return f"postgres://{credentials}{host}{port}/{quote(self.name, safe='')}"

    def libpq_env(self) -> dict[str, str]:
        """The environment pg_dump and pg_restore read their connection from."""
        env = dict(os.environ)
        for key, variable in (
            ("HOST", "PGHOST"),
            ("PORT", "PGPORT"),
            ("USER", "PGUSER"),
            ("PASSWORD", "PGPASSWORD"),
            ("NAME", "PGDATABASE"),
        ):
            if self.params.get(key):
                env[variable] = str(self.params[key])
        if sslmode := (self.params.get("OPTIONS") or {}).get("sslmode"):
            env["PGSSLMODE"] = str(sslmode)
        return env

    @contextmanager
    def connect(self) -> Iterator[Any]:
        """A plain DB-API connection (autocommit on PostgreSQL), closed afterwards."""
        if self.engine == "sqlite":
            sqlite = sqlite3.connect(self.name, uri=self.name.startswith("file:"))
            try:
                yield sqlite
            finally:
                sqlite.close()
            return
        import psycopg

        keys = {"NAME": "dbname", "USER": "user", "PASSWORD": "password", "HOST": "host"}
        kwargs: dict[str, Any] = {
            keyword: self.params[key] for key, keyword in keys.items() if self.params.get(key)
        }
        if self.params.get("PORT"):
            kwargs["port"] = int(self.params["PORT"])
        with psycopg.connect(autocommit=True, **kwargs) as pg:
            yield pg


@dataclass
class Snapshot:
    """What the manifest says about the database at the moment it was copied."""

    migrations: dict[str, list[str]]
    row_counts: dict[str, int]
    ledger_ok: bool
    ledger_output: str


@dataclass
class RestoreReport:
    """What a restore put back, for the command to print."""

    archive: Path
    created_at: str
    engine: str
    tables: int
    rows: int
    media_files: int
    ledger_output: str
    warnings: list[str] = field(default_factory=list)


# -- reading a database ------------------------------------------------------------------------


def _tables(cursor: Any, engine: str) -> list[str]:
    if engine == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    else:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        )
    return [str(row[0]) for row in cursor.fetchall()]


def _row_counts(cursor: Any, engine: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in _tables(cursor, engine):
        quoted = '"' + table.replace('"', '""') + '"'
        cursor.execute(f"SELECT COUNT(*) FROM {quoted}")  # noqa: S608 (a table name, quoted)
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _migrations(cursor: Any) -> dict[str, list[str]]:
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    applied: dict[str, list[str]] = {}
    for app, name in cursor.fetchall():
        applied.setdefault(str(app), []).append(str(name))
    return applied


def _read_snapshot(database: Database) -> tuple[dict[str, list[str]], dict[str, int]]:
    with database.connect() as db:
        cursor = db.cursor()
        counts = _row_counts(cursor, database.engine)
        applied = _migrations(cursor) if "django_migrations" in counts else {}
        return applied, counts


def _ledger_check_here() -> tuple[bool, str]:
    """Run ``ledger_check`` in this process, on the default connection."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("ledger_check", stdout=out, stderr=err)
    except CommandError as error:
        return False, (err.getvalue() + str(error)).strip()
    return True, out.getvalue().strip()


def _ledger_check_of(database: Database) -> tuple[bool, str]:
    """Run ``manage.py ledger_check`` against another database, in a subprocess."""
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "sokoni.settings"),
        "PYTHONPATH": os.pathsep.join(
            [str(settings.BASE_DIR), *filter(None, [os.environ.get("PYTHONPATH")])]
        ),
    }
    env.pop("DATABASE_REPLICA_URL", None)
    result = subprocess.run(  # noqa: S603 (a fixed command; the URL goes in the environment)
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "ledger_check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if result.returncode == 0:
        return True, result.stdout.strip()
    problems = [line for line in result.stderr.splitlines() if line.strip()]
    if not problems or "Traceback" in result.stderr:
        raise BackupError(f"ledger_check could not run: {result.stderr.strip()[-2000:]}")
    # As CommandError prints its message: the problems, then "CommandError: <n> problem(s)".
    return False, "\n".join(line.removeprefix("CommandError: ") for line in problems)


# -- files -------------------------------------------------------------------------------------


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _sha256_stream(handle: IO[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def local_media_root() -> Path | None:
    """The media folder when uploads are stored on the local file system, else None."""
    if isinstance(default_storage, FileSystemStorage):
        return Path(default_storage.location)
    return None


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def _safe_member(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


# -- backup ------------------------------------------------------------------------------------


def _need(program: str) -> None:
    if shutil.which(program) is None:
        raise BackupError(
            f"{program} is not installed: install the PostgreSQL client tools (postgresql-client) "
            "of the server's major version or later"
        )


def _dump_postgresql(database: Database, target: Path) -> Snapshot:
    """Dump the database and read its manifest figures in one repeatable-read snapshot."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.in_atomic_block:
        raise BackupError("a backup must run outside a transaction (it opens its own)")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = str(cursor.fetchone()[0])
        counts = _row_counts(cursor, "postgresql")
        applied = _migrations(cursor) if "django_migrations" in counts else {}
        ledger_ok, ledger_output = _ledger_check_here()
        _need("pg_dump")
        dump = subprocess.run(  # noqa: S603 (fixed arguments; libpq reads the connection from env)
            ["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(target)],  # noqa: S607 (found on PATH, like psql)
            env=database.libpq_env(),
            capture_output=True,
            text=True,
            check=False,
        )
    if dump.returncode != 0:
        raise BackupError(f"pg_dump failed: {dump.stderr.strip()}")
    return Snapshot(applied, counts, ledger_ok, ledger_output)


def _copy_sqlite(target: Path) -> Snapshot:
    """Copy the live database with SQLite's backup API, then read the figures from the copy."""
    connection = connections[DEFAULT_DB_ALIAS]
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)
        # One self-contained file: no write-ahead log beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
    finally:
        copy.close()
    database = Database("sqlite", {"NAME": str(target)})
    applied, counts = _read_snapshot(database)
    # ledger_check opens the database with the site's settings (which turn on WAL): give it a
    # scratch copy, so the archived file stays exactly as copied.
    scratch = target.with_name("ledger-check.sqlite3")
    shutil.copyfile(target, scratch)
    try:
        ledger_ok, ledger_output = _ledger_check_of(Database("sqlite", {"NAME": str(scratch)}))
    finally:
        for leftover in scratch.parent.glob(scratch.name + "*"):
            leftover.unlink()
    return Snapshot(applied, counts, ledger_ok, ledger_output)


def backup_create(*, directory: Path, now: datetime | None = None) -> Path:
    """Write a backup archive of the default database and the local media into ``directory``.

    The archive appears under its final name only once complete (it is written as
    ``….partial`` and renamed). Returns its path.
    """
    moment = now or datetime.now(tz=UTC)
    database = Database.from_settings(connections[DEFAULT_DB_ALIAS].settings_dict)
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"sokoni-backup-{moment:%Y%m%dT%H%M%SZ}.tar"
    if final.exists():
        raise BackupError(f"{final} exists already")
    partial = final.with_name(final.name + ".partial")
    with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as scratch:
        if database.engine == "postgresql":
            member = PG_DUMP
            snapshot = _dump_postgresql(database, Path(scratch) / member)
        else:
            member = SQLITE_COPY
            snapshot = _copy_sqlite(Path(scratch) / member)
        dump = Path(scratch) / member
        files: dict[str, dict[str, Any]] = {
            member: {"sha256": _sha256_of(dump), "bytes": dump.stat().st_size}
        }
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as archive:
            archive.add(dump, arcname=member)
            media = _add_media(archive, files)
            manifest = {
                "format": FORMAT,
                "created_at": moment.isoformat().replace("+00:00", "Z"),
                "engine": database.engine,
                "migrations": snapshot.migrations,
                "row_counts": snapshot.row_counts,
                "ledger_check": {"ok": snapshot.ledger_ok, "output": snapshot.ledger_output},
                "media": media,
                "files": files,
            }
            data = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(moment.timestamp())
            archive.addfile(info, io.BytesIO(data))
    partial.rename(final)
    return final


def _add_media(archive: tarfile.TarFile, files: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Add the local media files after the database copy (so every file it refers to exists)."""
    root = local_media_root()
    if root is None:
        return {"stored": "elsewhere", "storage": type(default_storage).__name__, "files": 0}
    count = size = 0
    for path in _media_files(root):
        name = f"{MEDIA}/{path.relative_to(root).as_posix()}"
        try:
            with path.open("rb") as handle:
                digest, length = _sha256_stream(handle)
                handle.seek(0)
                info = archive.gettarinfo(fileobj=handle, arcname=name)
                info.size = length
                archive.addfile(info, handle)
        except FileNotFoundError:
            continue  # deleted while we walked: its row is gone from the copy too, or never was
        files[name] = {"sha256": digest, "bytes": length}
        count += 1
        size += length
    return {"stored": "archive", "files": count, "bytes": size}


# -- restore -----------------------------------------------------------------------------------


def _open_archive(path: Path) -> tuple[tarfile.TarFile, dict[str, Any]]:
    if not path.is_file():
        raise BackupError(f"{path}: no such backup archive")
    try:
        archive = tarfile.open(path, "r:")  # noqa: SIM115 (returned open; the caller closes it)
    except (tarfile.TarError, OSError) as error:
        raise BackupError(f"{path} is not a backup archive ({error})") from error
    try:
        handle = archive.extractfile(MANIFEST)
        if handle is None:
            raise KeyError(MANIFEST)
        manifest = json.loads(handle.read())
    except (KeyError, tarfile.TarError, OSError, ValueError) as error:
        archive.close()
        raise BackupError(f"{path} has no readable {MANIFEST}: not a Sokoni backup") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        archive.close()
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise BackupError(f"{path}: unknown backup format {found!r}")
    shapes = {
        "created_at": str,
        "engine": str,
        "files": dict,
        "migrations": dict,
        "row_counts": dict,
        "ledger_check": dict,
        "media": dict,
    }
    if wrong := sorted(
        key for key, kind in shapes.items() if not isinstance(manifest.get(key), kind)
    ):
        archive.close()
        raise BackupError(f"{path}: the manifest lacks or garbles {', '.join(wrong)}")
    return archive, manifest


def _verify_members(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    """Check every member against the manifest before anything is restored."""
    expected: dict[str, dict[str, Any]] = manifest["files"]
    seen: set[str] = set()
    try:
        for member in archive:
            if member.name == MANIFEST:
                continue
            if not member.isfile() or not _safe_member(member.name):
                raise BackupError(f"unexpected member {member.name!r} in the archive")
            if member.name not in expected:
                raise BackupError(f"{member.name} is in the archive but not in its manifest")
            handle = archive.extractfile(member)
            if handle is None:
                raise BackupError(f"{member.name} cannot be read")
            digest, size = _sha256_stream(handle)
            if digest != expected[member.name]["sha256"] or size != expected[member.name]["bytes"]:
                raise BackupError(f"checksum mismatch for {member.name}: the archive is damaged")
            seen.add(member.name)
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"the archive is damaged ({error})") from error
    if missing := sorted(set(expected) - seen):
        raise BackupError(
            f"the archive lacks {len(missing)} file(s) its manifest lists: {missing[0]}"
        )


def _unknown_migrations(manifest: dict[str, Any]) -> list[str]:
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return sorted(
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    )


def _is_empty(database: Database) -> bool:
    if database.engine == "sqlite" and not Path(database.name).exists():
        return True
    with database.connect() as db:
        return not _tables(db.cursor(), database.engine)


def _load_postgresql(dump: Path, database: Database, *, clean: bool) -> None:
    command = ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction"]
    if clean:
        command += ["--clean", "--if-exists"]
    _need("pg_restore")
    result = subprocess.run(  # noqa: S603 (fixed arguments, the database name from settings)
        [*command, "--dbname", database.name, str(dump)],
        env=database.libpq_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(
            "pg_restore failed, nothing was loaded (it runs in one transaction): "
            + result.stderr.strip()[-2000:]
        )


def _load_sqlite(copy: Path, database: Database) -> None:
    Path(database.name).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(copy)
    target = sqlite3.connect(database.name)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def backup_restore(
    *,
    archive_path: Path,
    database_url: str | None = None,
    media_root: Path | None = None,
    force: bool = False,
) -> RestoreReport:
    """Restore an archive into an empty database (and media folder), then verify it.

    ``database_url`` names the target (default: the site's own ``DATABASE_URL``);
    ``media_root`` where the media go (default: the local media folder, if uploads are stored
    locally). A target that is not empty is refused unless ``force``: then PostgreSQL objects
    in the dump are dropped and recreated, a SQLite file is overwritten and media files are
    replaced. Nothing is touched before every checksum in the archive has been verified.
    """
    target = Database.from_url(database_url or settings.DATABASE_URL)
    media_target = media_root if media_root is not None else local_media_root()
    archive, manifest = _open_archive(archive_path)
    with archive:
        _verify_members(archive, manifest)
        if manifest["engine"] != target.engine:
            raise BackupError(
                f"this is a {manifest['engine']} backup; the target database is {target.engine}"
            )
        unknown = _unknown_migrations(manifest)
        if unknown and not force:
            raise BackupError(
                f"the backup has {len(unknown)} migration(s) this code does not know "
                f"({unknown[0]}, …): restore it with the version of Sokoni that made it"
            )
        media_members = [name for name in manifest["files"] if name.startswith(f"{MEDIA}/")]
        if not force:
            if not _is_empty(target):
                raise BackupError(
                    f"the target database {target.name} is not empty: restore into a new, "
                    "empty database (or use --force to overwrite it)"
                )
            if media_members and media_target is not None and _media_files(media_target):
                raise BackupError(
                    f"the media folder {media_target} is not empty (use --force to overwrite)"
                )
        with tempfile.TemporaryDirectory(prefix="sokoni-restore-") as scratch:
            member = PG_DUMP if target.engine == "postgresql" else SQLITE_COPY
            archive.extract(member, scratch, filter="data")
            if target.engine == "postgresql":
                _load_postgresql(Path(scratch) / member, target, clean=force)
            else:
                _load_sqlite(Path(scratch) / member, target)
        restored_media = 0
        if media_members and media_target is not None:
            for name in media_members:
                destination = media_target / PurePosixPath(name).relative_to(MEDIA)
                destination.parent.mkdir(parents=True, exist_ok=True)
                source = archive.extractfile(name)
                if source is None:
                    raise BackupError(f"{name} cannot be read")
                with source, destination.open("wb") as out:
                    shutil.copyfileobj(source, out, CHUNK)
                restored_media += 1
    return _verify_restore(archive_path, manifest, target, media_target, restored_media)


def _verify_restore(
    archive_path: Path,
    manifest: dict[str, Any],
    target: Database,
    media_target: Path | None,
    restored_media: int,
) -> RestoreReport:
    """Compare the restored database and media with the manifest; raise on any difference."""
    applied, counts = _read_snapshot(target)
    problems: list[str] = []
    expected_counts: dict[str, int] = manifest["row_counts"]
    for table, expected in sorted(expected_counts.items()):
        if counts.get(table) != expected:
            problems.append(f"table {table}: {counts.get(table)} rows, the backup had {expected}")
    if applied != manifest["migrations"]:
        problems.append("the applied migrations differ from the backup's")
    if media_target is not None:
        for name, entry in manifest["files"].items():
            if name.startswith(f"{MEDIA}/"):
                path = media_target / PurePosixPath(name).relative_to(MEDIA)
                if not path.is_file() or _sha256_of(path) != entry["sha256"]:
                    problems.append(f"{name} was not restored intact")
    ledger_ok, ledger_output = _ledger_check_of(target)
    if (ledger_ok, ledger_output) != (
        manifest["ledger_check"]["ok"],
        manifest["ledger_check"]["output"],
    ):
        problems.append(f"ledger_check says {ledger_output!r}, the backup's said otherwise")
    if problems:
        raise BackupError(
            "restored, but the result differs from the backup:\n  " + "\n  ".join(problems)
        )
    warnings = []
    if media_target is None and manifest["media"].get("files"):
        warnings.append("the media were not restored: uploads are not stored locally here")
    if manifest["media"].get("stored") == "elsewhere":
        warnings.append(
            f"the backup holds no media (they were in {manifest['media'].get('storage')})"
        )
    return RestoreReport(
        archive=archive_path,
        created_at=manifest["created_at"],
        engine=manifest["engine"],
        tables=len(counts),
        rows=sum(expected_counts.values()),
        media_files=restored_media,
        ledger_output=ledger_output,
        warnings=warnings,
    )
