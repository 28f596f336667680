"""The periodic safety nets, in one long-running process (the `clock` of `make serve-prod`).

Every task is scheduled when its moment is known (a checkout's expiry, an escrow's release, a
dispute's deadline); these sweeps catch whatever a lost task or a stopped worker left behind.
Each is idempotent (conditional updates), so a second clock or a cron job running the same
commands does no harm. A failing sweep is logged and tried again at the next turn.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import dataclass
from io import StringIO
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

logger = logging.getLogger("sokoni.sweeps")


@dataclass(frozen=True)
class Sweep:
    command: str
    every_seconds: int


SWEEPS = (
    Sweep("orders_due", 120),  # unpaid checkouts, escrow releases, dispute deadlines
    Sweep("pickups_due", 300),  # parcels nobody collected at the service centre
    Sweep("sms_due", 60),  # text messages whose sending task was lost
    Sweep("payouts_due", 300),  # payouts whose sending task was lost
    Sweep("couriers_due", 300),  # export bookings and courier polls whose task was lost
    Sweep("notices_due", 120),  # unread-message texts whose task was lost
    Sweep("plan_due", 600),  # hubs' days whose daily planning was lost
    Sweep("ussd_prune", 6 * 3600),
    Sweep("request_keys_prune", 24 * 3600),
)


class Command(BaseCommand):
    help = "Run the due-work sweeps (orders_due, sms_due, couriers_due, ...) forever, or --once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run every sweep once and stop")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        last: dict[str, float] = {}
        while not stop.is_set():
            now = time.monotonic()
            for sweep in SWEEPS:
                if options["once"] or now - last.get(sweep.command, -1e12) >= sweep.every_seconds:
                    self._run(sweep)
                    last[sweep.command] = now
            if options["once"]:
                return
            stop.wait(10)

    def _run(self, sweep: Sweep) -> None:
        close_old_connections()
        started = time.perf_counter()
        out = StringIO()
        try:
            call_command(sweep.command, stdout=out)
        except Exception:
            logger.exception("sweep failed: %s", sweep.command, extra={"sweep": sweep.command})
        else:
            ms = round((time.perf_counter() - started) * 1000, 1)
            said = out.getvalue().strip()
            logger.info("%s: %s", sweep.command, said, extra={"sweep": sweep.command, "ms": ms})
