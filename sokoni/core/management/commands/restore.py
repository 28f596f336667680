"""`manage.py restore ARCHIVE`: put a backup back into an empty database and verify it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sokoni.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup archive into an empty database (and the local media folder), then "
        "check row counts, migrations, media checksums and ledger_check against its manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="The .tar written by manage.py backup.")
        parser.add_argument(
            "--database-url",
            default=None,
            help="The database to restore into (default: DATABASE_URL, the site's own).",
        )
        parser.add_argument(
            "--media-root",
            type=Path,
            default=None,
            help="Where the media go (default: MEDIA_ROOT, when uploads are stored locally).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite a database or media folder that is not empty.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = backup_restore(
                archive_path=options["archive"],
                database_url=options["database_url"],
                media_root=options["media_root"],
                force=options["force"],
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        for warning in report.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(
            self.style.SUCCESS(
                f"restored {report.archive.name} (made {report.created_at}, {report.engine}): "
                f"{report.tables} tables, {report.rows:,} rows, {report.media_files} media "
                f"files; row counts, migrations and checksums match; {report.ledger_output}"
            )
        )
