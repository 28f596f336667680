"""Staff acting on one shop at the same moment: the database decides, exactly one wins."""

import threading

import pytest
from django.db import connection

from sokoni.accounts.tests.factories import StaffFactory
from sokoni.catalog import services
from sokoni.catalog.models import Product, Shop
from sokoni.catalog.states import ShopStatus
from sokoni.catalog.tests.factories import ProductFactory, ShopFactory
from sokoni.core.errors import StaleState

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def race(*actions):
    """Run the actions in threads released together; return what each ended with."""
    barrier = threading.Barrier(len(actions))
    outcomes = []

    def run(action):
        try:
            barrier.wait()
            action()
            outcomes.append("done")
        except StaleState:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_concurrent_approve_and_reject_of_a_shop_only_one_wins():
    """Two reviewers decide a pending shop at once: one decision, one event, a consistent flag."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    # given
    shop = ShopFactory(status=ShopStatus.PENDING)
    product = ProductFactory(shop=shop)
    staff = StaffFactory()
    first, second = (Shop.objects.get(pk=shop.pk) for _ in range(2))
    # when
    outcomes = race(
        lambda: services.shop_approve(shop=first, actor=staff),
        lambda: services.shop_reject(shop=second, actor=staff, reason="Incomplete"),
    )
    # then
    assert outcomes == ["done", "stale"]
    shop.refresh_from_db()
    assert shop.status in {ShopStatus.APPROVED, ShopStatus.REJECTED}
    assert shop.events.count() == 1
    assert Product.objects.get(pk=product.pk).is_listed == (shop.status == ShopStatus.APPROVED)


def test_concurrent_suspensions_record_one_event():
    """Suspending an approved shop twice at once moves it once."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    shop = ShopFactory()
    ProductFactory(shop=shop)
    staff = StaffFactory()
    first, second = (Shop.objects.get(pk=shop.pk) for _ in range(2))
    outcomes = race(
        lambda: services.shop_suspend(shop=first, actor=staff, reason="Complaints"),
        lambda: services.shop_suspend(shop=second, actor=staff, reason="Complaints"),
    )
    assert outcomes == ["done", "stale"]
    assert shop.events.filter(to_status=ShopStatus.SUSPENDED).count() == 1
    assert not Product.objects.filter(shop=shop, is_listed=True).exists()
