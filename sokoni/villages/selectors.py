"""Reads on villages: what the public may see, and what an administrator may edit."""

from __future__ import annotations

from django.db.models import QuerySet

from sokoni.villages.models import Village
from sokoni.villages.states import VillageStatus


def village_list_public() -> QuerySet[Village]:
    """Approved villages, the only ones that exist for the public."""
    return Village.objects.filter(status=VillageStatus.APPROVED)


def village_list_featured(limit: int = 6) -> list[Village]:
    """Villages to show on the home page: featured first, then the newest approved."""
    return list(
        village_list_public().prefetch_related("photos").order_by("-is_featured", "-created_at")[:limit]
    )
