"""The cart: the account's in the database, the visitor's in the session, merged at login."""

from types import SimpleNamespace

import pytest

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.tests.factories import ProductFactory, ShopFactory
from sokoni.core.errors import DomainError
from sokoni.orders.errors import InvalidQuantity, NotEnoughStock, UnknownProduct
from sokoni.orders.models import CartItem
from sokoni.orders.selectors import cart_count, cart_items
from sokoni.orders.services.cart import (
    cart_add,
    cart_merge_session,
    cart_remove,
    session_cart,
    session_cart_add,
    session_cart_remove,
)
from sokoni.orders.tests.factories import world

pytestmark = pytest.mark.django_db


def visitor(cart=None):
    """A request with only a session, as the cart functions use it."""
    return SimpleNamespace(session={} if cart is None else {"cart": cart})


def test_adding_twice_adds_up_and_replacing_sets_the_quantity():
    # given
    buyer = UserFactory()
    product = ProductFactory(stock=10)
    # when
    cart_add(user=buyer, product_id=product.pk, quantity=2)
    added = cart_add(user=buyer, product_id=product.pk, quantity=3).quantity
    replaced = cart_add(user=buyer, product_id=product.pk, quantity=1, replace=True).quantity
    # then
    assert (added, replaced) == (5, 1)
    assert list(cart_items(buyer).values_list("product_id", "quantity")) == [(product.pk, 1)]
    assert cart_count(buyer) == 1


def test_the_cart_holds_goods_of_several_shops():
    # given
    buyer = UserFactory()
    products = [ProductFactory(), ProductFactory()]
    # when
    for product in products:
        cart_add(user=buyer, product_id=product.pk, quantity=1)
    # then
    assert {item.product.shop_id for item in cart_items(buyer)} == {p.shop_id for p in products}


@pytest.mark.parametrize(
    ("product_id", "quantity", "code"),
    [
        ("P", 0, "orders.invalid_quantity"),
        ("P", -2, "orders.invalid_quantity"),
        ("P", 1_000, "orders.invalid_quantity"),
        ("P", "1", "orders.invalid_quantity"),
        ("P", True, "orders.invalid_quantity"),
        ("P", 11, "orders.not_enough_stock"),
        (2**40, 1, "orders.unknown_product"),
        ("7", 1, "orders.unknown_product"),
        (-1, 1, "orders.unknown_product"),
        ("UNLISTED", 1, "orders.unknown_product"),
        ("OWN", 1, "orders.own_product"),
    ],
)
def test_a_bad_cart_line_is_refused_and_the_cart_stays_as_it_was(product_id, quantity, code):
    # given
    buyer = UserFactory()
    product = ProductFactory(stock=10)
    ids = {
        "P": product.pk,
        "UNLISTED": ProductFactory(is_published=False).pk,
        "OWN": ProductFactory(shop=ShopFactory(owner=buyer)).pk,
    }
    cart_add(user=buyer, product_id=product.pk, quantity=1)
    before = world()
    # when
    with pytest.raises(DomainError) as error:
        cart_add(user=buyer, product_id=ids.get(product_id, product_id), quantity=quantity)
    # then
    assert error.value.code == code
    assert world() == before


def test_adding_more_than_the_stock_in_two_steps_is_refused():
    """7 in the cart, 4 more of 10 in stock: refused, the 7 stay, the message says 10 left."""
    # given
    buyer = UserFactory()
    product = ProductFactory(stock=10, name="Honey")
    cart_add(user=buyer, product_id=product.pk, quantity=7)
    # when
    with pytest.raises(NotEnoughStock) as error:
        cart_add(user=buyer, product_id=product.pk, quantity=4)
    # then
    assert str(error.value.message) == "Only 10 of Honey left in stock."
    assert error.value.context == {"product_id": product.pk, "available": 10}
    assert CartItem.objects.get().quantity == 7


def test_the_cart_holds_at_most_50_lines():
    # given
    buyer = UserFactory()
    shop = ShopFactory()
    products = ProductFactory.create_batch(51, shop=shop)
    for product in products[:50]:
        cart_add(user=buyer, product_id=product.pk, quantity=1)
    # when
    with pytest.raises(InvalidQuantity):
        cart_add(user=buyer, product_id=products[50].pk, quantity=1)
    # then
    assert CartItem.objects.count() == 50


def test_a_line_of_another_cart_cannot_be_removed():
    # given
    owner, other = UserFactory(), UserFactory()
    item = cart_add(user=owner, product_id=ProductFactory().pk, quantity=1)
    # when
    with pytest.raises(UnknownProduct):
        cart_remove(user=other, item_id=item.pk)
    cart_remove(user=owner, item_id=item.pk)
    # then
    assert CartItem.objects.count() == 0


def test_the_visitors_cart_checks_lines_like_the_accounts():
    # given
    request = visitor()
    product = ProductFactory(stock=3)
    # when
    session_cart_add(request, product_id=product.pk, quantity=2)
    with pytest.raises(NotEnoughStock):
        session_cart_add(request, product_id=product.pk, quantity=2)
    with pytest.raises(InvalidQuantity):
        session_cart_add(request, product_id=product.pk, quantity=0)
    # then
    assert session_cart(request) == {product.pk: 2}
    session_cart_remove(request, product_id=product.pk)
    assert session_cart(request) == {}
    with pytest.raises(UnknownProduct):
        session_cart_remove(request, product_id=product.pk)


def test_a_tampered_session_cart_is_read_without_its_bad_lines():
    request = visitor({"12": 2, "x": 1, "13": 0, "14": 5_000, "15": "3", "16": 1})
    assert session_cart(request) == {12: 2, 16: 1}
    assert session_cart(visitor(["not", "a", "dict"])) == {}


def test_logging_in_merges_the_visitors_cart_capped_at_the_stock():
    """Quantities add up to the stock; sold-out, unlisted and own goods are dropped."""
    # given
    buyer = UserFactory()
    both = ProductFactory(stock=5)
    sold_out = ProductFactory(stock=0)
    unlisted = ProductFactory(is_published=False)
    own = ProductFactory(shop=ShopFactory(owner=buyer))
    cart_add(user=buyer, product_id=both.pk, quantity=3)
    request = visitor({str(both.pk): 4, str(sold_out.pk): 1, str(unlisted.pk): 1, str(own.pk): 1})
    # when
    cart_merge_session(request, buyer)
    # then
    assert list(cart_items(buyer).values_list("product_id", "quantity")) == [(both.pk, 5)]
    assert "cart" not in request.session
