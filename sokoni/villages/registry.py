"""Handlers that higher layers register to hear about village changes (no upward imports).

The catalogue registers handlers in its AppConfig.ready(): one refreshes the search text of a
village's products after the village's name, region or specialities change; one, run inside the
transaction that moves the village's status, takes its products on or off the public listings.
"""

from __future__ import annotations

from collections.abc import Callable

VillageChangedHandler = Callable[[int], None]
_village_changed: list[VillageChangedHandler] = []


def on_village_changed(handler: VillageChangedHandler) -> None:
    """Register a handler called with a village id after its public text changed."""
    if handler not in _village_changed:
        _village_changed.append(handler)


def village_changed(village_id: int) -> None:
    """Call every registered handler (services call this after commit)."""
    for handler in _village_changed[:]:  # a handler may register another
        handler(village_id)


_status_changed: list[VillageChangedHandler] = []


def on_village_status_changed(handler: VillageChangedHandler) -> None:
    """Register a handler called with a village id inside the transaction that moved its status."""
    if handler not in _status_changed:
        _status_changed.append(handler)


def village_status_changed(village_id: int) -> None:
    """Call every status handler; services call this in the same transaction as the move."""
    for handler in _status_changed[:]:
        handler(village_id)
