"""POST /api/v1/checkout under real concurrency (PostgreSQL, real threads, one connection each)."""

import json
import threading

import pytest
from django.db import connection
from django.test import Client

from sokoni.accounts.services import api_token_issue
from sokoni.accounts.tests.factories import PASSWORD, UserFactory
from sokoni.catalog.models import Product
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.orders.models import Checkout, Order
from sokoni.orders.states import OrderStatus
from sokoni.payments.models import PaymentIntent
from sokoni.payments.selectors import ledger_problems
from sokoni.shipping.tests.factories import test_hub

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")


def headers_for(user, key):
    raw, _token = api_token_issue(phone=user.phone, password=PASSWORD, ip=None)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}", "HTTP_IDEMPOTENCY_KEY": key}


def body_for(product, payment=None):
    body = {
        "items": [{"product_id": product.pk, "quantity": 1}],
        "currency": "KES",
        "delivery": {
            "method": "address",
            "address": "Box 12, Othaya",
            "town_id": test_hub("KE").pk,
            "recipient_name": "Grace Wanjiru",
            "recipient_phone": "+254722000111",
        },
    }
    if payment:
        body["payment"] = payment
    return json.dumps(body)


def race(requests):
    """Post every (headers, body) at once, each from its own thread; return the responses."""
    barrier = threading.Barrier(len(requests))
    responses = [None] * len(requests)

    def post(number, headers, body):
        try:
            barrier.wait()
            responses[number] = Client().post(
                "/api/v1/checkout", data=body, content_type="application/json", **headers
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=post, args=(n, headers, body))
        for n, (headers, body) in enumerate(requests)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def test_the_same_key_sent_eight_times_at_once_makes_one_checkout():
    """Eight copies of one request race: one checkout, one order, one unit reserved."""
    # given
    product = ProductFactory(stock=5)
    buyer = UserFactory()
    headers = headers_for(buyer, "same-key")
    # when
    responses = race([(headers, body_for(product))] * 8)
    # then
    assert all(r.status_code in (200, 201) for r in responses), [r.content for r in responses]
    assert len({r.json()["checkout_id"] for r in responses}) == 1
    assert (Checkout.objects.count(), Order.objects.count()) == (1, 1)
    assert Product.objects.get(pk=product.pk).stock == 4


def test_twenty_buyers_race_for_three_units():
    """Twenty card checkouts for the last three units: three paid, seventeen 409, none oversold."""
    # given
    product = ProductFactory(stock=3, price_minor=10_000)
    card = {"method": "card", "card_number": "4242424242424242"}
    requests = [
        (headers_for(UserFactory(), f"buyer-{n}"), body_for(product, card)) for n in range(20)
    ]
    # when
    responses = race(requests)
    # then
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 3 + [409] * 17, [r.content for r in responses]
    refused = [r.json()["code"] for r in responses if r.status_code == 409]
    assert set(refused) == {"orders.not_enough_stock"}
    assert Product.objects.get(pk=product.pk).stock == 0
    assert Order.objects.filter(status=OrderStatus.PAID).count() == 3
    assert PaymentIntent.objects.count() == 3
    assert ledger_problems() == []
