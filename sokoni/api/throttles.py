"""The API's rate limits: per client address on every call, per account on signed-in ones.

They plug into django-ninja's throttling (a refused call is a JSON 429 "Too many requests.")
but count through ``sokoni.core.security.over_limit`` (django-ratelimit), like the site's own
limits, at the rates of ``settings.RATE_LIMITS`` read on each call. A token's calls count
against its account, so minting more tokens buys no more calls.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from sokoni.core.security import over_limit


class PerAddress(BaseThrottle):
    """At most ``RATE_LIMITS[scope]`` calls from one client address."""

    def __init__(self, scope: str) -> None:
        self.scope = scope

    def allow_request(self, request: HttpRequest) -> bool:
        return not over_limit(request, self.scope)


class PerAccount(BaseThrottle):
    """At most ``RATE_LIMITS[scope]`` calls by one account (calls without a token pass)."""

    def __init__(self, scope: str) -> None:
        self.scope = scope

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "auth", None)
        if user is None:
            return True
        return not over_limit(request, self.scope, key=f"account:{user.pk}")
