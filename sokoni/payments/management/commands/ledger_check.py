"""Verify every ledger invariant over the whole database; exit non-zero listing what is wrong."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from sokoni.payments.selectors import ledger_problems


class Command(BaseCommand):
    help = "Check that the ledger balances and that stored balances match the postings."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = ledger_problems()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} ledger problem(s)")
        self.stdout.write("ledger ok")
