"""The cart: kept in the session before logging in, in the database after; merged at login.

Both carts check a line the same way (``_check_line``): a listed product, a quantity from 1 to
MAX_QUANTITY and no more than the stock, and never the buyer's own goods. The stock is only
reserved at checkout.
"""

from __future__ import annotations

from typing import Any, Final

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from sokoni.accounts.models import User
from sokoni.catalog.models import Product
from sokoni.orders.errors import InvalidQuantity, NotEnoughStock, OwnProduct, UnknownProduct
from sokoni.orders.models import Cart, CartItem

MAX_QUANTITY: Final = 999
MAX_LINES: Final = 50
SESSION_KEY: Final = "cart"


def _quantity(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidQuantity(field="quantity")
    if not 1 <= value <= MAX_QUANTITY:
        raise InvalidQuantity(field="quantity")
    return value


def buyable_product(product_id: Any) -> Product:
    """A product on public sale, or ``UnknownProduct``."""
    if isinstance(product_id, bool) or not isinstance(product_id, int) or product_id <= 0:
        raise UnknownProduct(field="product")
    product = Product.objects.filter(pk=product_id, is_listed=True).select_related("shop").first()
    if product is None:
        raise UnknownProduct(field="product")
    return product


def _check_line(product: Product, quantity: int, buyer: User | None) -> None:
    if buyer is not None and product.shop.owner_id == buyer.pk:
        raise OwnProduct(field="product")
    if quantity > product.stock:
        raise NotEnoughStock(
            _not_enough(product),
            field="quantity",
            product_id=product.pk,
            available=product.stock,
        )


def _not_enough(product: Product) -> str:
    if product.stock == 0:
        return _("%(name)s is sold out.") % {"name": product.name}
    return _("Only %(count)s of %(name)s left in stock.") % {
        "count": product.stock,
        "name": product.name,
    }


def _cart_for(user: User) -> Cart:
    cart = Cart.objects.filter(user=user).first()
    if cart is not None:
        return cart
    try:
        with transaction.atomic():
            return Cart.objects.create(user=user)
    except IntegrityError:
        return Cart.objects.get(user=user)


@transaction.atomic
def cart_add(*, user: User, product_id: Any, quantity: Any, replace: bool = False) -> CartItem:
    """Put ``quantity`` of a product in the cart, added to what is there or replacing it."""
    quantity = _quantity(quantity)
    product = buyable_product(product_id)
    cart = Cart.objects.select_for_update().get(pk=_cart_for(user).pk)
    item = CartItem.objects.filter(cart=cart, product=product).first()
    total = quantity if replace or item is None else item.quantity + quantity
    _quantity(total)
    _check_line(product, total, user)
    if item is None:
        if cart.items.count() >= MAX_LINES:
            raise InvalidQuantity(field="product")
        item = CartItem.objects.create(cart=cart, product=product, quantity=total)
    else:
        item.quantity = total
        item.save(update_fields=["quantity"])
    cart.save(update_fields=["updated_at"])
    return item


def cart_remove(*, user: User, item_id: int) -> None:
    """Take a line out of the user's cart; another user's line is ``UnknownProduct``."""
    deleted, _rows = CartItem.objects.filter(pk=item_id, cart__user=user).delete()
    if not deleted:
        raise UnknownProduct()


def cart_clear_products(*, user: User, product_ids: list[int]) -> None:
    CartItem.objects.filter(cart__user=user, product_id__in=product_ids).delete()


# -- the session cart (before logging in) ------------------------------------------------------


def session_cart(request: HttpRequest) -> dict[int, int]:
    """The anonymous cart as {product id: quantity}, ignoring anything malformed."""
    return cart_from_session(request.session.get(SESSION_KEY))


def cart_from_session(raw: object) -> dict[int, int]:
    """A cart kept in a session as {product id: quantity}, ignoring anything malformed."""
    if not isinstance(raw, dict):
        return {}
    out: dict[int, int] = {}
    for key, value in raw.items():
        if str(key).isdigit() and isinstance(value, int) and 1 <= value <= MAX_QUANTITY:
            out[int(key)] = value
    return out


def _save_session_cart(request: HttpRequest, cart: dict[int, int]) -> None:
    request.session[SESSION_KEY] = {str(k): v for k, v in cart.items()}


def session_cart_add(
    request: HttpRequest, *, product_id: Any, quantity: Any, replace: bool = False
) -> Product:
    """Put a product in the anonymous cart, checked as the account cart checks it; the
    product."""
    quantity = _quantity(quantity)
    product = buyable_product(product_id)
    cart = session_cart(request)
    total = quantity if replace else cart.get(product.pk, 0) + quantity
    _quantity(total)
    _check_line(product, total, None)
    if product.pk not in cart and len(cart) >= MAX_LINES:
        raise InvalidQuantity(field="product")
    cart[product.pk] = total
    _save_session_cart(request, cart)
    return product


def session_cart_remove(request: HttpRequest, *, product_id: int) -> None:
    cart = session_cart(request)
    if cart.pop(product_id, None) is None:
        raise UnknownProduct()
    _save_session_cart(request, cart)


def cart_merge_session(request: HttpRequest, user: User) -> None:
    """Move the anonymous cart into the account's cart after login.

    Quantities add up, capped at the stock; lines that cannot be bought any more (sold out,
    unlisted, the user's own goods) are dropped rather than refusing the login.
    """
    items = session_cart(request)
    for product_id, quantity in items.items():
        product = Product.objects.filter(pk=product_id, is_listed=True).first()
        if product is None:
            continue
        existing = CartItem.objects.filter(cart__user=user, product=product).first()
        wanted = min((existing.quantity if existing else 0) + quantity, product.stock, MAX_QUANTITY)
        if wanted <= 0:
            continue
        try:
            cart_add(user=user, product_id=product_id, quantity=wanted, replace=True)
        except (InvalidQuantity, NotEnoughStock, OwnProduct, UnknownProduct):
            continue
    request.session.pop(SESSION_KEY, None)
