"""Backups (sokoni.core.backup): a round trip of the demo world, and refusals that restore nothing.

The module seeds the demo world once (villages, shops, products with photos stored as files,
orders in every state with their ledger transactions), committed so that pg_dump and a
second SQLite connection can read it, and writes one archive. Each test restores it into a
fresh target: a new PostgreSQL database (dropped afterwards) or a new SQLite file, and a new
media folder. The source is flushed at the end of the module.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings

from sokoni.catalog.search import product_reindex_all
from sokoni.core.backup import MANIFEST, Database

pytestmark = pytest.mark.django_db

PRODUCTS = 12


def _is_postgres():
    return connection.vendor == "postgresql"


def _pg_url(name: str) -> str:
    """The URL of database ``name`` on the test database's server."""
    return Database.from_settings({**connection.settings_dict, "NAME": name}).url


@dataclass
class Source:
    archive: Path
    counts: dict[str, int]
    ledger: str
    media: dict[str, str]


def _file_digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _source_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table.startswith("sqlite_"):
                continue
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (introspected names)
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture(scope="module")
def source(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo world, committed, with its photos in a media folder, and its backup archive."""
    media = tmp_path_factory.mktemp("media")
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
    }
    with override_settings(STORAGES=storages, MEDIA_ROOT=media), django_db_blocker.unblock():
        try:
            call_command("seed_demo", "--products", str(PRODUCTS), stdout=io.StringIO())
            out = io.StringIO()
            call_command("ledger_check", stdout=out)
            out_dir = tmp_path_factory.mktemp("backups")
            call_command("backup", "--output-dir", str(out_dir), stdout=io.StringIO())
            (archive,) = out_dir.glob("sokoni-backup-*.tar")
            yield Source(archive, _source_counts(), out.getvalue().strip(), _file_digests(media))
        finally:
            call_command("flush", "--no-input", verbosity=0)
            # The search index and vocabulary are tables no model owns: the flush left them.
            product_reindex_all()


@dataclass
class Target:
    """A fresh, empty database to restore into, read without Django."""

    url: str
    engine: str
    name: str

    def counts(self) -> dict[str, int]:
        if self.engine == "sqlite":
            db = sqlite3.connect(self.name)
            sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        else:
            import psycopg

            db = psycopg.connect(_pg_url(self.name), autocommit=True)
            sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        try:
            tables = [row[0] for row in db.execute(sql).fetchall()]
            count = 'SELECT COUNT(*) FROM "{}"'
            return {t: db.execute(count.format(t)).fetchone()[0] for t in tables}
        finally:
            db.close()

    def execute(self, sql: str) -> None:
        if self.engine == "sqlite":
            db = sqlite3.connect(self.name)
            db.execute(sql)
            db.commit()
            db.close()
        else:
            import psycopg

            with psycopg.connect(_pg_url(self.name), autocommit=True) as db:
                db.execute(sql)

    def ledger_check(self) -> str:
        """``manage.py ledger_check`` against this database, in its own process."""
        env = {**os.environ, "DATABASE_URL": self.url, "PYTHONPATH": str(settings.BASE_DIR)}
        result = subprocess.run(  # noqa: S603 (a fixed command)
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "ledger_check"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        return (result.stdout + result.stderr).strip()


@pytest.fixture
def target(source, tmp_path):
    if not _is_postgres():
        path = tmp_path / "restored.sqlite3"
        yield Target(f"sqlite:///{path}", "sqlite", str(path))
        return
    import psycopg

    name = f"sokoni_restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_pg_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield Target(_pg_url(name), "postgresql", name)
    finally:
        with psycopg.connect(_pg_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def media_target(tmp_path):
    path = tmp_path / "media-restored"
    path.mkdir()
    return path


def restore(archive, target, media, *extra):
    out = io.StringIO()
    call_command(
        "restore",
        str(archive),
        "--database-url",
        target.url,
        "--media-root",
        str(media),
        *extra,
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


def _round_trip(source, target, media_target):
    # when
    said = restore(source.archive, target, media_target)
    # then
    assert target.counts() == source.counts
    assert target.ledger_check() == source.ledger == "ledger ok"
    assert _file_digests(media_target) == source.media
    assert "row counts, migrations and checksums match; ledger ok" in said


def test_round_trip_on_sqlite(source, target, media_target):
    """A SQLite backup restored into a new file holds the same rows in every table, the same
    ledger_check result and the same media files, byte for byte."""
    if _is_postgres():
        pytest.skip("the SQLite round trip runs on the SQLite suite")
    _round_trip(source, target, media_target)


@pytest.mark.postgres
def test_round_trip_on_postgresql(source, target, media_target):
    """pg_dump restored into a new database holds the same rows in every table, the same
    ledger_check result and the same media files, byte for byte."""
    if not _is_postgres():
        pytest.skip("needs PostgreSQL: pg_dump and pg_restore")
    _round_trip(source, target, media_target)


def test_the_manifest_describes_the_backup(source):
    """Row counts, migrations, ledger_check and a checksum for every other member."""
    # when
    with tarfile.open(source.archive) as archive:
        manifest = json.loads(archive.extractfile(MANIFEST).read())
        members = {m.name: m for m in archive.getmembers() if m.name != MANIFEST}
    # then
    assert manifest["format"] == "sokoni-backup/1"
    assert manifest["engine"] == ("postgresql" if _is_postgres() else "sqlite")
    assert manifest["row_counts"] == source.counts
    assert manifest["ledger_check"] == {"ok": True, "output": "ledger ok"}
    assert "0001_initial" in manifest["migrations"]["orders"]
    assert set(manifest["files"]) == set(members)
    assert manifest["media"]["files"] == len(source.media) > 0
    assert source.counts["orders_order"] > 0
    assert source.counts["payments_posting"] > 0


def test_a_missing_archive_is_refused(target, media_target, tmp_path):
    """A path with no file behind it: a clear error, and no database is created."""
    # when
    with pytest.raises(CommandError, match="no such backup archive"):
        restore(tmp_path / "nothing.tar", target, media_target)
    # then
    assert target.counts() == {}


def test_a_file_that_is_not_an_archive_is_refused(target, media_target, tmp_path):
    """Random bytes are not taken for a backup."""
    # given
    junk = tmp_path / "junk.tar"
    junk.write_bytes(os.urandom(4096))
    # when
    with pytest.raises(CommandError, match=r"not a backup archive|no readable manifest"):
        restore(junk, target, media_target)
    # then
    assert target.counts() == {}


def _damaged_copy(archive: Path, tmp_path: Path, member_name: str) -> Path:
    copy = tmp_path / f"damaged-{archive.name}"
    shutil.copyfile(archive, copy)
    with tarfile.open(copy) as tar:
        member = tar.getmember(member_name)
    with copy.open("r+b") as handle:
        handle.seek(member.offset_data + member.size // 2)
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0xFF]))
    return copy


@pytest.mark.parametrize("part", ["database", "media"])
def test_a_damaged_archive_restores_nothing(source, target, media_target, tmp_path, part):
    """One flipped byte, in the database copy or in a photo: the checksum mismatch is found
    before anything is written, so the database and the media folder stay empty."""
    # given
    with tarfile.open(source.archive) as archive:
        names = [m.name for m in archive.getmembers() if m.name != MANIFEST]
    name = next(n for n in names if n.startswith("media/") == (part == "media"))
    damaged = _damaged_copy(source.archive, tmp_path, name)
    # when
    with pytest.raises(CommandError, match=re.escape(f"checksum mismatch for {name}")):
        restore(damaged, target, media_target)
    # then
    assert target.counts() == {}
    assert list(media_target.iterdir()) == []


def test_a_target_that_is_not_empty_is_refused(source, target, media_target):
    """A database that holds a table is left alone without --force; with it, it is replaced."""
    # given
    target.execute("CREATE TABLE keepsake (id integer)")
    target.execute("INSERT INTO keepsake VALUES (1)")
    # when
    with pytest.raises(CommandError, match="is not empty"):
        restore(source.archive, target, media_target)
    # then
    assert target.counts() == {"keepsake": 1}
    assert list(media_target.iterdir()) == []
    # and --force restores over it
    restore(source.archive, target, media_target, "--force")
    restored = target.counts()
    restored.pop("keepsake", None)  # PostgreSQL keeps tables the dump does not drop
    assert restored == source.counts


def test_a_non_empty_media_folder_is_refused(source, target, media_target):
    """Files already in the media folder are not overwritten without --force."""
    # given
    (media_target / "photo.webp").write_bytes(b"mine")
    # when
    with pytest.raises(CommandError, match=r"media folder .* is not empty"):
        restore(source.archive, target, media_target)
    # then
    assert target.counts() == {}
    assert _file_digests(media_target) == {"photo.webp": hashlib.sha256(b"mine").hexdigest()}


def _with_manifest(archive: Path, copy: Path, change) -> Path:
    """A copy of ``archive`` whose manifest ``change`` edited (the other members as they were)."""
    with tarfile.open(archive) as old, tarfile.open(copy, "w") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read()
            if member.name == MANIFEST:
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            new.addfile(member, io.BytesIO(data))
    return copy


def test_a_backup_from_newer_code_is_refused(source, target, media_target, tmp_path):
    """A backup whose migrations this code does not know is not restored (it would not run)."""
    # given
    newer = _with_manifest(
        source.archive,
        tmp_path / "newer.tar",
        lambda manifest: manifest["migrations"]["orders"].append("9999_from_the_future"),
    )
    # when
    with pytest.raises(CommandError, match=r"orders\.9999_from_the_future"):
        restore(newer, target, media_target)
    # then
    assert target.counts() == {}


def test_a_garbled_manifest_is_refused(source, target, media_target, tmp_path):
    """A manifest without its list of files cannot vouch for anything: nothing is restored."""
    # given
    garbled = _with_manifest(
        source.archive, tmp_path / "garbled.tar", lambda manifest: manifest.pop("files")
    )
    # when
    with pytest.raises(CommandError, match="the manifest lacks or garbles files"):
        restore(garbled, target, media_target)
    # then
    assert target.counts() == {}
    assert list(media_target.iterdir()) == []
