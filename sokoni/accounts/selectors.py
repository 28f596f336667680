"""Reads on accounts."""

from __future__ import annotations

from django.utils import timezone

from sokoni.accounts.models import ApiToken, User


def user_for_token(raw: str) -> User | None:
    """Return the active user a bearer token belongs to, or None."""
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=ApiToken.digest_of(raw), expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token.user
