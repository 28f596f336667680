"""Install (or refresh) the default category tree with its icons and translations."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sokoni.catalog.services import category_tree_install


class Command(BaseCommand):
    help = "Install or refresh the default category tree (idempotent: update or create by slug)."

    def handle(self, *args: Any, **options: Any) -> None:
        count = category_tree_install()
        if options["verbosity"]:
            self.stdout.write(f"{count} categories installed.")
