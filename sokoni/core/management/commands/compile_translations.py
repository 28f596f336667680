"""Compile every .po file under the locale folder into .mo with Babel (no gettext needed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile the shipped translations (.po) into .mo files."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for folder in settings.LOCALE_PATHS:
            for po_path in sorted(Path(folder).glob("*/LC_MESSAGES/*.po")):
                mo_path = po_path.with_suffix(".mo")
                if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                    continue
                with po_path.open("rb") as handle:
                    catalog = read_po(handle, locale=po_path.parent.parent.name)
                with mo_path.open("wb") as handle:
                    write_mo(handle, catalog, use_fuzzy=False)
                count += 1
        self.stdout.write(f"compiled {count} translation file(s)")
