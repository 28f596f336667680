"""A parcel's stay at a service centre, and the moves allowed (STYLE.md section 5)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class PickupStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting at the centre")
    COLLECTED = "collected", _("Collected")
    RETURNED = "returned", _("Not collected, going back to the seller")


TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    PickupStatus.WAITING: frozenset({PickupStatus.COLLECTED, PickupStatus.RETURNED}),
    PickupStatus.COLLECTED: frozenset(),
    PickupStatus.RETURNED: frozenset(),
}
