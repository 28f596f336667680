"""Reads on accounts."""

from __future__ import annotations

from django.utils import timezone

from sokoni.accounts.models import ApiToken, Pin, User


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


def user_by_phone(phone: str) -> User | None:
    """The active account of a phone number in E.164, or None."""
    return User.objects.filter(phone=phone, is_active=True).first()


def has_pin(user: User) -> bool:
    return Pin.objects.filter(user=user).exists()
