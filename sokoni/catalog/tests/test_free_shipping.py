"""The shop's free-delivery threshold, and the commission rate of a category."""

import pytest
from django.urls import reverse

from sokoni.catalog.selectors import commission_bp_for
from sokoni.catalog.tests.factories import CategoryFactory, ShopFactory

pytestmark = pytest.mark.django_db


def _edit(client, shop, fee):
    return client.post(
        reverse("catalog:shop_edit", args=[shop.slug]),
        {"name": shop.name, "description": "", "free_shipping_over": fee},
    )


def test_seller_sets_the_free_delivery_threshold_in_the_shop_currency(client):
    """2500 typed for a KES shop is 250000 minor units."""
    # given
    shop = ShopFactory(currency="KES")
    client.force_login(shop.owner)
    # when
    response = _edit(client, shop, "2500")
    # then
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.free_shipping_over_minor == 250_000


def test_empty_threshold_means_no_free_delivery(client):
    # given
    shop = ShopFactory(free_shipping_over_minor=5_000)
    client.force_login(shop.owner)
    # when
    _edit(client, shop, "")
    # then
    shop.refresh_from_db()
    assert shop.free_shipping_over_minor is None


@pytest.mark.parametrize(
    ("currency", "fee"), [("KES", "-5"), ("KES", "abc"), ("KRW", "10.5"), ("KES", "1e20")]
)
def test_bad_fee_is_a_form_error_and_changes_nothing(client, currency, fee):
    """Negative, not a number, decimals a currency has not, absurd: refused."""
    # given
    shop = ShopFactory(currency=currency, free_shipping_over_minor=700)
    client.force_login(shop.owner)
    # when
    response = _edit(client, shop, fee)
    # then
    assert response.status_code == 200
    assert "free_shipping_over" in response.context["form"].errors
    shop.refresh_from_db()
    assert shop.free_shipping_over_minor == 700


def test_edit_form_shows_the_current_threshold(client):
    # given
    shop = ShopFactory(currency="KES", free_shipping_over_minor=15_050)
    client.force_login(shop.owner)
    # when
    response = client.get(reverse("catalog:shop_edit", args=[shop.slug]))
    # then
    assert response.context["form"].initial["free_shipping_over"] == pytest.approx(150.50)


def test_commission_is_inherited_from_the_nearest_category_that_sets_one(settings):
    """A child without a rate uses its parent's; the top of the tree uses the default."""
    # given
    settings.DEFAULT_COMMISSION_BP = 500
    crafts = CategoryFactory(slug="crafts-x", commission_bp=800)
    baskets = CategoryFactory(slug="baskets-x", parent=crafts)
    food = CategoryFactory(slug="food-x")
    # then
    assert commission_bp_for(baskets.pk) == 800
    assert commission_bp_for(crafts.pk) == 800
    assert commission_bp_for(food.pk) == 500
    assert commission_bp_for(None) == 500
