"""A logged-in reader sees prices in their own currency too, as an estimate."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.payments.models import FxRate

pytestmark = pytest.mark.django_db


def _page(client, product):
    url = reverse("web:product_detail", args=[product.pk, product.slug])
    return client.get(url).content.decode()


def test_product_page_shows_the_price_in_the_readers_currency(client):
    """A KES price read by someone who prefers GBP: about £7.50 at 150 KES to the pound."""
    # given
    FxRate.objects.create(
        base="GBP", quote="KES", rate=Decimal("150"), source="test", as_of=timezone.now().date()
    )
    product = ProductFactory(price_minor=112_500, currency="KES")
    client.force_login(UserFactory(currency="GBP"))
    # when
    page = _page(client, product)
    # then
    assert "about £7.50" in page


def test_no_estimate_in_the_same_currency_or_without_a_rate(client):
    # given
    product = ProductFactory(price_minor=112_500, currency="KES")
    client.force_login(UserFactory(currency="USD"))
    # then
    assert "about" not in _page(client, product).split("<main", 1)[-1].split("About this")[0]


def test_cart_shows_the_shop_total_in_the_readers_currency(client):
    # given
    FxRate.objects.create(
        base="GBP", quote="KES", rate=Decimal("150"), source="test", as_of=timezone.now().date()
    )
    product = ProductFactory(price_minor=150_000, currency="KES")
    user = UserFactory(currency="GBP")
    client.force_login(user)
    client.post(reverse("orders:cart_add"), {"product_id": product.pk, "quantity": 1})
    # when
    page = client.get(reverse("orders:cart")).content.decode()
    # then
    assert "about £10.00" in page
