"""Redis unavailable, then back: the site keeps serving without it and recovers by itself.

The settings are those `REDIS_URL` turns on (sokoni/settings.py): both caches on django-redis
with IGNORE_EXCEPTIONS, sessions in `cached_db`, the task queue on RQ. "Down" points them at a
closed port (127.0.0.1:1); "back" at the real Redis (127.0.0.1:6379, database 15) under a key
prefix of this test's own, deleted afterwards (never a FLUSHDB on a shared server).
"""

from __future__ import annotations

import logging

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.messaging.models import OutboundSms, SmsStatus
from sokoni.orders.models import Checkout
from sokoni.orders.services.cart import cart_add
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import PAYS, frozen, later
from sokoni.orders.tests.test_views import checkout_data
from sokoni.payments.selectors import ledger_problems
from tests.faults.conftest import own_redis_name

pytestmark = pytest.mark.django_db(transaction=True)

DOWN = "redis://127.0.0.1:1/15"
UP = "redis://127.0.0.1:6379/15"


def redis_settings(url: str, prefix: str) -> dict:
    """What REDIS_URL=``url`` turns on in sokoni/settings.py, keys under ``prefix``."""
    options = {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}
    return {
        "CACHES": {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": prefix,
                "OPTIONS": options,
            },
            "pages": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": url,
                "KEY_PREFIX": f"{prefix}-pages",
                "OPTIONS": options,
            },
        },
        "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db",
        "TASK_QUEUE": "rq",
        "RQ_QUEUES": {"default": {"URL": url, "DEFAULT_TIMEOUT": 300}},
        "TASKS": {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
        "VISITOR_PAGE_SECONDS": 15,
    }


@pytest.fixture
def prefix():
    """A key prefix of this test's own on the real Redis; its keys are deleted after."""
    with own_redis_name(UP) as (client, name):
        yield name
        for key in client.scan_iter(match=f"{name}*"):
            client.delete(key)


def _health(client: Client) -> tuple[int, dict]:
    response = client.get("/healthz")
    return response.status_code, {k: v["ok"] for k, v in response.json()["parts"].items()}


def test_without_redis_the_site_serves_and_sells_and_recovers_when_it_returns(
    use_settings, prefix, caplog
):
    """Redis down: public pages 200, a visitor's cart kept (in the database), a signed-in
    checkout placed (its tasks' enqueue logged, not raised), /healthz 503 naming the cache and
    the queue. Redis back: healthz 200 and everything as before with no restart, and the
    clock's sweeps do what the lost tasks should have (the unpaid checkout expires, its stock
    comes back; the lost text messages go out)."""
    # given
    product = ProductFactory(stock=5)
    buyer = UserFactory()
    cart_add(user=buyer, product_id=product.pk, quantity=2)
    use_settings(**redis_settings(DOWN, prefix))
    visitor, signed_in = Client(), Client()
    signed_in.force_login(buyer)
    # when / then: public pages
    caplog.set_level(logging.ERROR)
    assert visitor.get("/").status_code == 200
    page = visitor.get(f"/products/{product.pk}/", follow=True)
    assert page.status_code == 200
    assert product.name in page.content.decode()
    # a visitor's cart, kept in the database-backed session
    added = visitor.post("/cart/add/", {"product_id": product.pk, "quantity": 1})
    assert added.status_code == 302
    cart = visitor.get("/cart/")
    assert cart.status_code == 200
    assert product.name in cart.content.decode()
    assert Session.objects.count() == 2  # the visitor's and the buyer's, both in the database
    # a signed-in checkout by mobile money: placed, its tasks lost
    response = signed_in.post(
        "/checkout/", checkout_data(method="mobile_money", phone=PAYS, card_number="")
    )
    assert response.status_code == 302, response.content.decode()[:500]
    checkout = Checkout.objects.get(buyer=buyer)
    assert set(checkout.orders.values_list("status", flat=True)) == {OrderStatus.PENDING_PAYMENT}
    # and one by card, paid at once: its text messages' tasks are lost
    card_buyer = UserFactory()
    cart_add(user=card_buyer, product_id=product.pk, quantity=1)
    signed_in.force_login(card_buyer)
    assert signed_in.post("/checkout/", checkout_data()).status_code == 302
    paid = Checkout.objects.get(buyer=card_buyer)
    assert set(paid.orders.values_list("status", flat=True)) == {OrderStatus.PAID}
    product.refresh_from_db()
    assert product.stock == 2
    assert "on_commit" in caplog.text  # each lost enqueue is logged
    lost_texts = OutboundSms.objects.filter(status=SmsStatus.QUEUED).count()
    assert lost_texts >= 1
    # the health check names what is missing
    status, parts = _health(visitor)
    assert (status, parts) == (503, {"database": True, "cache": False, "queue": False})

    # when: Redis is back (no restart of anything)
    use_settings(**redis_settings(UP, prefix))
    # then
    assert _health(visitor) == (200, {"database": True, "cache": True, "queue": True})
    assert visitor.get("/").status_code == 200
    assert product.name in visitor.get("/cart/").content.decode()
    assert signed_in.get("/orders/").status_code == 200
    assert signed_in.get(f"/checkout/{paid.pk}/pay/").status_code == 200
    # when: the clock's sweeps run once the reservation has run out (their own enqueues go
    # to the test queue here: Redis database 15 is shared, its "default" queue is not ours)
    use_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
    with frozen(later(minutes=45)):
        call_command("orders_due")
        call_command("sms_due")
    # then
    product.refresh_from_db()
    assert product.stock == 4  # the unpaid checkout's 2 back, the card order's 1 sold
    assert set(checkout.orders.values_list("status", flat=True)) == {OrderStatus.CANCELLED}
    assert set(paid.orders.values_list("status", flat=True)) == {OrderStatus.PAID}
    assert OutboundSms.objects.filter(status=SmsStatus.SENT).count() == lost_texts
    assert ledger_problems() == []
