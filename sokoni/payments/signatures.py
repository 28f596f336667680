"""Webhook signatures: ``Sokoni-Signature: t=<unix>,v1=<hex>``, HMAC-SHA256 over "t.body".

A signature is accepted only within a window around the receiver's clock (5 minutes), which
bounds replays; replays inside the window are the webhook handler's idempotency to absorb.
Several v1 values may be sent while a secret is being rotated; any one matching is enough.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

from django.utils.translation import gettext_lazy as _

from sokoni.core.errors import DomainError

HEADER = "Sokoni-Signature"
HEX64 = re.compile(r"[0-9a-fA-F]{64}")
TOLERANCE_SECONDS = 300


class SignatureInvalid(DomainError):
    code = "payments.signature_invalid"
    default_message = _("The webhook signature is missing, malformed, stale or wrong.")


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(*, body: bytes, secret: str, timestamp: int | None = None) -> str:
    """The header value a sender puts on ``body``."""
    moment = int(time.time()) if timestamp is None else timestamp
    return f"t={moment},v1={_digest(secret, moment, body)}"


def verify(*, header: str | None, body: bytes, secret: str, now: float | None = None) -> int:
    """Check a signature header against the body; return its timestamp or raise."""
    if not header or len(header) > 1000 or not secret:
        raise SignatureInvalid()
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _sep, value = part.strip().partition("=")
        if key == "t" and value.isascii() and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif key == "v1" and HEX64.fullmatch(value):
            candidates.append(value.lower())
    if timestamp is None or not candidates:
        raise SignatureInvalid()
    current = time.time() if now is None else now
    if abs(current - timestamp) > TOLERANCE_SECONDS:
        raise SignatureInvalid(reason="stale")
    expected = _digest(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise SignatureInvalid(reason="mismatch")
    return timestamp
