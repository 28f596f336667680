"""Row locks of the operator area (STYLE.md section 1.5)."""

from __future__ import annotations

from django.db.models import QuerySet

from sokoni.accounts.models import User
from sokoni.agents.models import AttachRequest


def villager_qs_for_update(pk: int) -> QuerySet[User]:
    """The person being attached: confirmations for the same person, at any centre, queue
    here, so two centres cannot both become their home."""
    return User.objects.filter(pk=pk).select_for_update(of=("self",))


def attach_requests_qs_for_update(**filters: object) -> QuerySet[AttachRequest]:
    return AttachRequest.objects.filter(**filters).order_by("pk").select_for_update(of=("self",))
