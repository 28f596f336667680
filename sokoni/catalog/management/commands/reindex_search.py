"""Rebuild the search text, index and vocabulary of every product."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from sokoni.catalog.search import product_reindex_all


class Command(BaseCommand):
    help = "Rebuild the search index of every product (after a bulk import or a restore)."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        count = product_reindex_all()
        if options["verbosity"]:
            self.stdout.write(f"{count} products reindexed in {time.monotonic() - started:.1f} s.")
