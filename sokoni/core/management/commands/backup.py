"""`manage.py backup`: one archive of the database and the local media (sokoni.core.backup)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sokoni.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a dated backup archive: the database (pg_dump, or SQLite's online backup), the "
        "local media, and a manifest with row counts, migrations, ledger_check and checksums."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=None,
            help="Where to write the archive (default: BACKUP_DIR, var/backups).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = options["output_dir"] or Path(settings.BACKUP_DIR)
        try:
            archive = backup_create(directory=directory)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = archive.stat().st_size
        self.stdout.write(self.style.SUCCESS(f"backup written: {archive} ({size:,} bytes)"))
