"""The webhooks replayed by test_webhook_replay.py are all there are: a new webhook route or
a new payment provider or courier gateway fails here until it is replayed too."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

from sokoni.logistics.gateways import GATEWAYS as COURIERS
from sokoni.payments.services.webhooks import SIGNED_PROVIDERS
from tests.faults import test_webhook_replay
from tests.faults.test_webhook_replay import COURIER_GATEWAYS, PAYMENT_PROVIDERS, WEBHOOKS


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_webhook_is_replayed():
    """Webhooks are the views outside the API that take posts without a CSRF token (the
    API's token-authenticated views are fuzzed elsewhere); each has its replay test, run for
    every provider its registry knows."""
    exempt = {
        route
        for route, view in _routes(get_resolver().url_patterns)
        if getattr(view, "csrf_exempt", False) and not route.startswith("api/")
    }
    assert exempt == set(WEBHOOKS), "a webhook is not replayed by tests/faults"
    for test_name in WEBHOOKS.values():
        assert callable(getattr(test_webhook_replay, test_name)), test_name
    assert sorted(SIGNED_PROVIDERS) == sorted(PAYMENT_PROVIDERS), "a payment provider is new"
    assert sorted(COURIERS) == sorted(COURIER_GATEWAYS), "a courier gateway is new"
