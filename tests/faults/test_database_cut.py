"""PostgreSQL restarting during a checkout burst, and the pages meanwhile.

Restarting the real server would cut every other database on this shared machine, so the
tests do to the test database exactly what a restart does to it: every connection to it is
ended (``pg_terminate_backend``), and while "down" it refuses new ones (``ALLOW_CONNECTIONS
false``). The burst runs real threads, each on its own connection, through the checkout and
card-payment services; the pages are served by gunicorn (the production server, sync worker,
persistent connections) on the same database.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Sum
from django.test import Client

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.models import Product
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.orders.errors import NotEnoughStock
from sokoni.orders.models import Checkout, Order, OrderLine
from sokoni.orders.services.checkout import checkout_pay, checkout_place_or_replay
from sokoni.orders.services.due import orders_run_due
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import delivery, later
from sokoni.payments.models import JournalTransaction, PaymentIntent, SandboxTransaction
from sokoni.payments.selectors import ledger_problems
from sokoni.payments.states import PaymentMethod, PaymentStatus
from tests.faults.conftest import (
    admin_connection,
    cut_connections,
    database_down,
    free_port,
    http_get,
    process_env,
    wait_until,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CUT = (OperationalError, InterfaceError)
BUYERS = 12
STOCK = 8


@pytest.fixture(autouse=True)
def _postgresql(postgresql_only):
    pass


def _buy(buyer, products, seen: Counter) -> None:
    """One buyer: place a checkout and pay it by card, clicking again after a cut, as a
    person whose page failed would (the checkout's idempotency key makes the retry a replay)."""
    items = [(product.pk, 1) for product in random.sample(products, 2)]
    key = f"faults-{buyer.pk}"
    checkout = None
    for _attempt in range(8):
        try:
            if checkout is None:
                checkout, _replay = checkout_place_or_replay(
                    buyer=buyer,
                    items=items,
                    currency="KES",
                    delivery=delivery(),
                    idempotency_key=key,
                )
            checkout_pay(
                checkout=checkout,
                actor=buyer,
                method=PaymentMethod.CARD,
                card_number="4242424242424242",
            )
            seen["done"] += 1
            return
        except CUT:
            seen["cut"] += 1
            connection.close()  # what Django does at the end of a request that broke it
        except NotEnoughStock:
            seen["sold out"] += 1
            return
        except Exception as error:  # noqa: BLE001 - a refusal after a cut (paid meanwhile, ...)
            seen[type(error).__name__] += 1
            return
        time.sleep(0.05)


def test_connections_cut_during_a_checkout_burst_lose_and_double_nothing():
    """Twelve buyers check out and pay by card while every connection to the database is cut
    four times: afterwards (and once the sweep has settled what was left waiting) every
    checkout is whole (all its orders paid, or all cancelled), the stock adds up, no card is
    charged without the money being held or refunded, and the ledger balances."""
    # given
    products = [ProductFactory(stock=STOCK) for _ in range(3)]
    buyers = UserFactory.create_batch(BUYERS)
    for product in products:
        product.refresh_from_db()
    seen: Counter = Counter()
    cuts: list[int] = []
    threads = [threading.Thread(target=_buy, args=(b, products, seen)) for b in buyers]
    # when
    with admin_connection() as admin:
        for thread in threads:
            thread.start()
        for _ in range(4):
            time.sleep(0.15)
            cuts.append(cut_connections(admin))
        for thread in threads:
            thread.join(timeout=60)
    connection.close()  # this process's own connection was cut too
    orders_run_due(now=later(minutes=60))  # the clock: what was left waiting is settled
    # then: the faults happened, in the middle of the work
    assert all(not thread.is_alive() for thread in threads)
    assert sum(cuts) > 0, cuts
    assert seen["cut"] > 0, seen
    # and nothing failed but the cuts and the refusals a buyer may meet after one
    assert set(seen) <= {"cut", "done", "sold out", "PaymentInProgress", "CheckoutNotPayable"}
    # every checkout whole, every order with its lines
    for checkout in Checkout.objects.all():
        statuses = set(checkout.orders.values_list("status", flat=True))
        assert statuses in ({OrderStatus.PAID}, {OrderStatus.CANCELLED}), (checkout.pk, statuses)
    for order in Order.objects.all():
        lines = OrderLine.objects.filter(order=order)
        assert lines.exists()
    # the stock adds up: what is left plus what paid orders hold is what there was
    for product in products:
        sold = (
            OrderLine.objects.filter(product=product, order__status=OrderStatus.PAID).aggregate(
                n=Sum("quantity")
            )["n"]
            or 0
        )
        assert Product.objects.get(pk=product.pk).stock + sold == STOCK
    # no payment lost or taken twice
    assert not PaymentIntent.objects.filter(status=PaymentStatus.PENDING).exists()
    for charge in SandboxTransaction.objects.filter(state="succeeded"):
        intent = PaymentIntent.objects.get(reference=charge.reference)
        assert intent.status in {PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED}, charge
    for checkout in Checkout.objects.all():
        held = PaymentIntent.objects.filter(
            purpose="checkout", purpose_id=checkout.pk, status=PaymentStatus.SUCCEEDED
        ).count()
        paid = checkout.orders.filter(status=OrderStatus.PAID).exists()
        assert held == int(paid), checkout.pk
        assert (
            JournalTransaction.objects.filter(
                idempotency_key__startswith=f"checkout:{checkout.pk}:paid:"
            ).count()
            == held
        )
    assert ledger_problems() == []
    print(f"\ncuts: {cuts}, buyers: {dict(seen)}")  # noqa: T201 - shown with -s


@pytest.fixture
def gunicorn(processes, request):
    """The production server (one sync worker, persistent connections) on the test
    database, with the test settings' static files (no collected manifest needed); the
    test's parameter, if any, is more of its environment."""
    port = free_port()
    extra = getattr(request, "param", {})
    server = processes(
        "gunicorn",
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "-c",
            "deploy/gunicorn.conf.py",
            "sokoni.wsgi",
        ],
        process_env(
            DJANGO_SETTINGS_MODULE="sokoni.settings_test",
            BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY="1",
            CONN_MAX_AGE="60",
            **extra,
        ),
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            return http_get(f"{base}/healthz", timeout=2)[0] == 200
        except OSError:
            return False

    wait_until(up, timeout=30, what=f"gunicorn to answer; it said:\n{server.output()}")
    server.base = base
    return server


def test_pages_answer_503_while_the_database_is_down_and_recover_by_themselves(gunicorn):
    """A signed-in page and the API: 200; while the database refuses connections, the 503
    page saying to try again (JSON on the API), never a 500 or a traceback; once it is back,
    the next request succeeds with no restart. A restart between two requests (connections
    cut, the server back at once) costs no visitor a failed page."""
    # given
    client = Client()
    client.force_login(UserFactory())
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    page, api = f"{gunicorn.base}/orders/", f"{gunicorn.base}/api/v1/products"
    assert http_get(page, cookie)[0] == 200
    assert http_get(api)[0] == 200
    with admin_connection() as admin:
        # when: the database goes down under the server's open connection
        with database_down(admin):
            status, body, headers = http_get(page, cookie)
            api_status, api_body, api_headers = http_get(api)
            health = http_get(f"{gunicorn.base}/healthz")
        # then
        assert status == 503, body
        assert "We cannot reach our records right now" in body
        assert "Traceback" not in body
        assert headers["Retry-After"] == "30"
        assert api_status == 503
        assert "We cannot reach our records right now" in api_body
        assert api_headers["Content-Type"] == "application/json"
        assert health[0] == 503
        assert '"database": {"ok": false' in health[1]
        # when: it is back: the very next requests succeed, nobody restarted anything
        assert http_get(page, cookie)[0] == 200
        assert http_get(api)[0] == 200
        # when: a restart between two requests (every connection cut, back at once)
        assert cut_connections(admin) >= 1
        # then: the next request does not fail on the dead connection
        assert http_get(page, cookie)[0] == 200
        assert http_get(api)[0] == 200
    connection.close()


@pytest.mark.parametrize("gunicorn", [{"CONN_HEALTH_CHECKS": "0"}], indirect=True)
def test_without_health_checks_one_request_fails_cleanly_after_a_restart(gunicorn):
    """With CONN_HEALTH_CHECKS=0 (Django's default), the first request after a restart runs
    on the dead connection: it gets the clear 503, the process drops the connection, and the
    request after it succeeds by itself (what made health checks the default)."""
    # given
    page = f"{gunicorn.base}/api/v1/products"
    assert http_get(page)[0] == 200
    # when
    with admin_connection() as admin:
        assert cut_connections(admin) >= 1
    status, body, _headers = http_get(page)
    # then
    assert status == 503
    assert "We cannot reach our records right now" in body
    assert http_get(page)[0] == 200
    connection.close()
