"""Row locks of the trust app (STYLE.md section 1.5)."""

from __future__ import annotations

from django.db.models import QuerySet

from sokoni.accounts.models import User


def sender_qs_for_update(user_id: int) -> QuerySet[User]:
    """The sender's row, locked: their messages are counted against the rate limit one at a
    time, so two processes cannot both send the twentieth message."""
    return User.objects.filter(pk=user_id).select_for_update(of=("self",))
