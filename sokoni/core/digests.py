"""Keyed digests of short secrets (PINs, pickup codes): HMAC-SHA256 under a key derived from
SECRET_KEY for one purpose, so a digest made for one use never matches another."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def keyed_digest(purpose: str, *parts: object) -> str:
    """The hex HMAC-SHA256 of ``parts`` joined by ``:``, keyed for ``purpose``."""
    key = hashlib.sha256(f"sokoni-{purpose}:{settings.SECRET_KEY}".encode()).digest()
    message = ":".join(str(part) for part in parts)
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()
