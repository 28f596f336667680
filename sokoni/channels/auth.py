"""Only the gateway may call the channels' webhooks: a shared secret or an address list.

Set CHANNELS_SECRET (sent by the gateway as the ``X-Sokoni-Secret`` header or the ``secret``
query parameter of the callback URL configured at the provider) and/or CHANNELS_ALLOWED_IPS
(comma-separated addresses or networks, e.g. Africa's Talking's published ranges). With both
empty (development and tests), every caller is let in: set at least one in production.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def _address_allowed(request: HttpRequest) -> bool:
    networks = settings.CHANNELS_ALLOWED_IPS
    if not networks:
        return True
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net, strict=False) for net in networks)


def _secret_given(request: HttpRequest) -> bool:
    secret = settings.CHANNELS_SECRET
    if not secret:
        return True
    given = request.headers.get("X-Sokoni-Secret") or request.GET.get("secret", "")
    return hmac.compare_digest(given.encode(), secret.encode())


def gateway_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer 403 (plain text, nothing done) to any caller that is not the gateway."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not (_address_allowed(request) and _secret_given(request)):
            return HttpResponse("Forbidden", status=403, content_type="text/plain")
        return view(request, *args, **kwargs)

    return wrapped
