"""Statuses of an operator's request to become someone's home centre."""

from collections.abc import Mapping
from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class AttachStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the code")
    CONFIRMED = "confirmed", _("Confirmed with the code")
    REPLACED = "replaced", _("Replaced by a newer code")
    LOCKED = "locked", _("Too many wrong codes")


TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    AttachStatus.PENDING: frozenset(
        {AttachStatus.CONFIRMED, AttachStatus.REPLACED, AttachStatus.LOCKED}
    ),
    AttachStatus.CONFIRMED: frozenset(),
    AttachStatus.REPLACED: frozenset(),
    AttachStatus.LOCKED: frozenset(),
}
