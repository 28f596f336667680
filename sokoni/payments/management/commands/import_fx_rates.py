"""Load exchange rates from a file in the European Central Bank's daily (or historical) CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sokoni.core.errors import DomainError
from sokoni.payments.fx import fx_import_ecb


class Command(BaseCommand):
    help = "Import exchange rates from the ECB's eurofxref CSV file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        try:
            count = fx_import_ecb(text)
        except DomainError as exc:
            raise CommandError(f"{path}: {exc.message} {exc.context or ''}".strip()) from exc
        self.stdout.write(f"imported {count} rate(s) from {path}")
