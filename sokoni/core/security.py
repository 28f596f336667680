"""Refusing bad requests: the caller's address, rate limits, and one log line per refusal.

Every request refused for what it is rather than for what it asks (over a rate limit, a body
too big or malformed, a path outside the storage, a bad signature) is logged on the
``sokoni.security`` logger as one line, without a stack trace, and answered with a 4xx.

Rate limits are counted with django-ratelimit in the default cache (fixed windows), per
client address or per account, at the rates of ``settings.RATE_LIMITS``
("<count>/<period>", period s, m, h or d). django-ratelimit is used as a library, not an
installed app: its system check refuses a per-process cache (LocMemCache), which is what a
single-process install has; with several processes the default cache must be a shared one
(Redis) for a limit to hold across them (docs/security.md).
"""

from __future__ import annotations

import logging
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django_ratelimit.core import get_usage

log: Final = logging.getLogger("sokoni.security")


def client_ip(request: HttpRequest) -> str | None:
    """Return the caller's address: the peer's, or behind ``NUM_PROXIES`` trusted reverse
    proxies the one the nearest of them saw, read from X-Forwarded-For (each proxy appends the
    address it was called from; what a client wrote there itself comes before, and is not
    believed)."""
    proxies = settings.NUM_PROXIES
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))][:64]
    return request.META.get("REMOTE_ADDR") or None


def log_refusal(request: HttpRequest, reason: str, status: int, detail: str = "") -> None:
    """Log one refused request: why, the answer's status, what and who asked."""
    user = getattr(request, "user", None)
    log.warning(
        "refused %s %s: %s %s from %s%s%s",
        status,
        reason,
        request.method,
        request.path[:200],
        client_ip(request) or "-",
        f" user {user.pk}" if user is not None and user.is_authenticated else "",
        f" ({detail[:200]})" if detail else "",
    )


def over_limit(
    request: HttpRequest, scope: str, *, key: str | None = None, count: bool = True
) -> bool:
    """Tell whether a request is over ``RATE_LIMITS[scope]``, counted per ``key`` (an account)
    if given, else per client address.

    With ``count`` (the usual case) this request is counted first; one over the limit is
    logged and still counts, so a client that keeps trying stays refused until the window
    ends. Without it nothing is counted and the answer is whether one more would be over: for
    limits on what succeeds (accounts created), counted with ``limit_count`` once it has.
    """
    usage = _usage(request, scope, key, increment=count)
    if usage is None:  # the cache did not answer (RATELIMIT_FAIL_OPEN)
        return False
    limited = usage["count"] > usage["limit"] if count else usage["count"] >= usage["limit"]
    if limited:
        log_refusal(request, f"rate limit {scope}", 429, settings.RATE_LIMITS[scope])
    return bool(limited)


def limit_count(request: HttpRequest, scope: str, *, key: str | None = None) -> None:
    """Count one success against ``RATE_LIMITS[scope]`` (see ``over_limit``)."""
    _usage(request, scope, key, increment=True)


def _usage(
    request: HttpRequest, scope: str, key: str | None, *, increment: bool
) -> dict[str, Any] | None:
    """django-ratelimit's window for ``scope``, per ``key`` or else the client's address;
    None when the cache did not answer."""
    ident = key or client_ip(request) or "-"
    return get_usage(
        request,
        group=f"sokoni.{scope}",
        key=lambda _group, _request: ident,
        rate=settings.RATE_LIMITS[scope],
        increment=increment,
    )


def body_within(request: HttpRequest, limit: int) -> bytes | None:
    """The request's body, or None if it is longer than ``limit`` bytes (then read no further
    than Django must: a declared length over the limit is refused unread)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if declared > limit:
        return None
    try:
        body = request.body
    except RequestDataTooBig:
        return None
    return body if len(body) <= limit else None


def webhook_body(request: HttpRequest, limit: int, app: str) -> bytes | JsonResponse:
    """A signed callback's body, or the JSON refusal to answer instead: 429 over the
    ``webhook`` rate limit, 413 (code ``<app>.too_large``) over ``limit`` bytes."""
    if over_limit(request, "webhook"):
        return JsonResponse(
            {"detail": "Too many requests.", "code": "core.rate_limited"}, status=429
        )
    body = body_within(request, limit)
    if body is None:
        log_refusal(request, "webhook body too large", 413)
        return JsonResponse({"detail": "Body too large.", "code": f"{app}.too_large"}, status=413)
    return body


class WithoutTraceback(logging.Filter):
    """Drop the stack trace from a log record (refused requests are not the server's fault)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        return True
