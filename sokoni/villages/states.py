"""Village statuses, the transitions allowed between them, and audited actions."""

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


class VillageAction(models.TextChoices):
    """What a VillageEvent records."""

    APPLIED = "applied", _("Applied")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")
    UPDATED = "updated", _("Page edited")
    PHOTO_ADDED = "photo_added", _("Photo added")
    PHOTO_REMOVED = "photo_removed", _("Photo removed")
    CENTRE_CREATED = "centre_created", _("Service centre added")
    CENTRE_UPDATED = "centre_updated", _("Service centre changed")
