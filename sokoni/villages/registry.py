"""Handlers that higher layers register to hear about village changes (no upward imports).

The catalogue registers a handler in its AppConfig.ready() to refresh the search text of a
village's products when the village's name, region or specialities change.
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
