"""Village statuses and the transitions allowed between them."""

from collections.abc import Mapping
from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class VillageStatus(models.TextChoices):
    APPLIED = "applied", _("Applied, waiting for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")


TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    VillageStatus.APPLIED: frozenset({VillageStatus.APPROVED, VillageStatus.REJECTED}),
    VillageStatus.APPROVED: frozenset({VillageStatus.SUSPENDED}),
    VillageStatus.SUSPENDED: frozenset({VillageStatus.APPROVED}),
    VillageStatus.REJECTED: frozenset(),
}
