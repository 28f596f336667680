"""The API's rate limits (settings.RATE_LIMITS): per client address on every call, per account
(all its tokens together) on signed-in calls, and on token requests; a refused call is a JSON
429, logged, and does nothing."""

import json

import pytest
from django.test import Client

from sokoni.accounts.models import ApiToken
from sokoni.accounts.tests.factories import PASSWORD, UserFactory
from sokoni.orders.models import CartItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    def set_limits(**rates):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, **rates}

    return set_limits


def token_for(client, user):
    response = client.post(
        "/api/v1/auth/token",
        data=json.dumps({"phone": user.phone, "password": PASSWORD}),
        content_type="application/json",
    )
    assert response.status_code == 200
    return {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}


def assert_too_many(response):
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Too many requests."}


def test_calls_from_one_address_past_the_limit_are_429(limits, caplog):
    """Three calls a minute allowed: the fourth from that address is refused and logged;
    another address is not affected."""
    # given
    limits(api_address="3/m")
    here = Client(REMOTE_ADDR="203.0.113.7")
    for _call in range(3):
        assert here.get("/api/v1/villages").status_code == 200
    # when
    with caplog.at_level("WARNING", logger="sokoni.security"):
        refused = here.get("/api/v1/villages")
    elsewhere = Client(REMOTE_ADDR="203.0.113.8").get("/api/v1/villages")
    # then
    assert_too_many(refused)
    assert elsewhere.status_code == 200
    assert "refused 429 rate limit api_address: GET /api/v1/villages from 203.0.113.7" in (
        caplog.text
    )


def test_a_forwarded_for_header_does_not_dodge_the_address_limit(limits):
    """With no trusted proxy (NUM_PROXIES=0), X-Forwarded-For is the client's own word and
    is not counted as its address."""
    # given
    limits(api_address="2/m")
    here = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(2):
        here.get("/api/v1/villages", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    # when
    response = here.get("/api/v1/villages", HTTP_X_FORWARDED_FOR="198.51.100.99")
    # then
    assert_too_many(response)


def test_an_account_past_its_limit_is_429_whatever_token_or_address(limits):
    """Calls with a token count against the account: a second token, from another address,
    is refused too, and the refused call adds nothing to the cart."""
    # given
    limits(api_account="2/m")
    user = UserFactory()
    first = token_for(Client(REMOTE_ADDR="203.0.113.7"), user)
    second = token_for(Client(REMOTE_ADDR="203.0.113.9"), user)
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _call in range(2):
        assert client.get("/api/v1/me", **first).status_code == 200
    # when
    refused = Client(REMOTE_ADDR="203.0.113.9").post(
        "/api/v1/cart/items",
        data=json.dumps({"product_id": 1, "quantity": 1}),
        content_type="application/json",
        **second,
    )
    other_user = token_for(Client(REMOTE_ADDR="203.0.113.9"), UserFactory())
    # then
    assert_too_many(refused)
    assert CartItem.objects.count() == 0
    assert Client().get("/api/v1/me", **other_user).status_code == 200


def test_token_requests_past_their_limit_are_429_and_issue_nothing(limits):
    """Even with the right password: no token past the limit."""
    # given
    limits(api_token="2/m")
    user = UserFactory()
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _call in range(2):
        client.post(
            "/api/v1/auth/token",
            data=json.dumps({"phone": user.phone, "password": "wrong"}),
            content_type="application/json",
        )
    # when
    response = client.post(
        "/api/v1/auth/token",
        data=json.dumps({"phone": user.phone, "password": PASSWORD}),
        content_type="application/json",
    )
    # then
    assert_too_many(response)
    assert ApiToken.objects.count() == 0


def test_behind_a_trusted_proxy_the_address_it_saw_is_counted(limits, settings):
    """NUM_PROXIES=1: the client is the last X-Forwarded-For hop (what the proxy appended);
    a hop the client wrote before it changes nothing."""
    # given
    settings.NUM_PROXIES = 1
    limits(api_address="2/m")
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for forged in ("1.1.1.1", "2.2.2.2"):
        proxy.get("/api/v1/villages", HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7")
    # when
    refused = proxy.get("/api/v1/villages", HTTP_X_FORWARDED_FOR="3.3.3.3, 203.0.113.7")
    other = proxy.get("/api/v1/villages", HTTP_X_FORWARDED_FOR="203.0.113.8")
    # then
    assert_too_many(refused)
    assert other.status_code == 200
