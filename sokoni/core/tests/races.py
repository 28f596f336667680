"""Real races for tests on PostgreSQL: calls released together, each in its own thread and
therefore its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def race(*calls: Callable[[], object], timeout: float | None = 60) -> list[object]:
    """Start every call at the same moment; return what each returned or raised, in order."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[object] = [None] * len(calls)

    def run(number: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            outcomes[number] = call()
        except Exception as error:  # noqa: BLE001 - the outcome under test
            outcomes[number] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return outcomes
