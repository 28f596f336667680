"""The shop's flat delivery fee per order, and the commission rate of a category."""

import pytest
from django.urls import reverse

from sokoni.catalog.selectors import commission_bp_for
from sokoni.catalog.tests.factories import CategoryFactory, ShopFactory

pytestmark = pytest.mark.django_db


def _edit(client, shop, fee):
    return client.post(
        reverse("catalog:shop_edit", args=[shop.slug]),
        {"name": shop.name, "description": "", "shipping_fee": fee},
    )


def test_seller_sets_the_delivery_fee_in_the_shop_currency(client):
    """250 typed for a KES shop is 25000 minor units."""
    # given
    shop = ShopFactory(currency="KES")
    client.force_login(shop.owner)
    # when
    response = _edit(client, shop, "250")
    # then
    assert response.status_code == 302
    shop.refresh_from_db()
    assert shop.shipping_fee_minor == 25_000


def test_empty_fee_means_free_delivery(client):
    # given
    shop = ShopFactory(shipping_fee_minor=5_000)
    client.force_login(shop.owner)
    # when
    _edit(client, shop, "")
    # then
    shop.refresh_from_db()
    assert shop.shipping_fee_minor == 0


@pytest.mark.parametrize(
    ("currency", "fee"), [("KES", "-5"), ("KES", "abc"), ("KRW", "10.5"), ("KES", "1e20")]
)
def test_bad_fee_is_a_form_error_and_changes_nothing(client, currency, fee):
    """Negative, not a number, decimals a currency has not, absurd: refused."""
    # given
    shop = ShopFactory(currency=currency, shipping_fee_minor=700)
    client.force_login(shop.owner)
    # when
    response = _edit(client, shop, fee)
    # then
    assert response.status_code == 200
    assert "shipping_fee" in response.context["form"].errors
    shop.refresh_from_db()
    assert shop.shipping_fee_minor == 700


def test_edit_form_shows_the_current_fee(client):
    # given
    shop = ShopFactory(currency="KES", shipping_fee_minor=15_050)
    client.force_login(shop.owner)
    # when
    response = client.get(reverse("catalog:shop_edit", args=[shop.slug]))
    # then
    assert response.context["form"].initial["shipping_fee"] == pytest.approx(150.50)


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
