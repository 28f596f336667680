"""Payment and courier webhooks are limited per calling address (RATE_LIMITS["webhook"]): past
the limit a JSON 429, logged, and nothing is settled, even for a well-signed callback."""

import pytest
from django.test import Client

from sokoni.payments.gateways.base import webhook_secret
from sokoni.payments.gateways.sandbox import callback_body
from sokoni.payments.models import PaymentIntent
from sokoni.payments.signatures import sign
from sokoni.payments.states import PaymentStatus

pytestmark = pytest.mark.django_db


def post(client, path, body, header):
    return client.post(
        path, data=body, content_type="application/json", headers={"Sokoni-Signature": header}
    )


def test_a_signed_callback_past_the_limit_is_429_and_settles_nothing(waiting, settings, caplog):
    _checkout, intent = waiting
    # given
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "webhook": "2/m"}
    client = Client(REMOTE_ADDR="198.51.100.20")
    for _call in range(2):
        assert post(client, "/payments/webhooks/sandbox-mobile/", b"{}", "bad").status_code == 400
    body = callback_body(intent.provider_ref, "EV-1")
    # when
    with caplog.at_level("WARNING", logger="sokoni.security"):
        response = post(
            client,
            "/payments/webhooks/sandbox-mobile/",
            body,
            sign(body=body, secret=webhook_secret("sandbox-mobile")),
        )
    # then
    assert response.status_code == 429
    assert response.json()["code"] == "core.rate_limited"
    assert PaymentIntent.objects.get(pk=intent.pk).status == PaymentStatus.PENDING
    assert "refused 429 rate limit webhook: POST /payments/webhooks/sandbox-mobile/" in (
        caplog.text
    )
    assert "refused 400 payments." in caplog.text  # the bad signatures were logged too


def test_courier_events_past_the_limit_are_429(settings):
    # given
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "webhook": "1/m"}
    client = Client(REMOTE_ADDR="198.51.100.21")
    post(client, "/logistics/courier/sandbox/events/", b"{}", "bad")
    # when
    response = post(client, "/logistics/courier/sandbox/events/", b"{}", "bad")
    # then
    assert response.status_code == 429
    assert response.json()["code"] == "core.rate_limited"


def test_a_body_over_the_upload_limit_is_413_json_not_an_error_page(settings):
    """Bigger than DATA_UPLOAD_MAX_MEMORY_SIZE: refused as JSON like any too-large body."""
    # given
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    # when
    response = Client().post(
        "/payments/webhooks/sandbox-mobile/",
        data=b"{" + b" " * 5000 + b"}",
        content_type="application/json",
    )
    # then
    assert response.status_code == 413
    assert response.json()["code"] == "payments.too_large"
