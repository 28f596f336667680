"""The cart page and its forms: add, change a quantity, remove.

Before logging in the cart lives in the session, after in the database; both are checked by
the same service rules, so the pages treat them alike. Refusals (sold out, not enough, own
product, a bad quantity) come back as messages and change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sokoni.accounts.models import User
from sokoni.catalog.delivery import shop_quote
from sokoni.catalog.models import Product, Shop
from sokoni.core.errors import DomainError
from sokoni.core.request_keys import REPLAYED, once
from sokoni.orders import selectors
from sokoni.orders.destinations import (
    destination_chosen,
    destination_options,
    destination_remember,
)
from sokoni.orders.errors import InvalidQuantity, UnknownProduct
from sokoni.orders.forms import CartLineForm, CartRemoveForm
from sokoni.orders.services.cart import (
    cart_add,
    cart_remove,
    session_cart,
    session_cart_add,
    session_cart_remove,
)
from sokoni.orders.views.common import safe_next
from sokoni.shipping.errors import NoRoute
from sokoni.shipping.promise import promise_label
from sokoni.shipping.quotes import Destination, Quote


@dataclass
class CartLine:
    product: Product
    quantity: int
    problem: str = ""

    @property
    def line_total(self) -> int:
        return self.product.price_minor * self.quantity


@dataclass
class CartGroup:
    """The lines of one shop: they become one order and one parcel, priced by the network."""

    shop: Shop
    lines: list[CartLine] = field(default_factory=list)
    quote: Quote | None = None
    no_route: str = ""

    @property
    def currency(self) -> str:
        return self.shop.currency

    @property
    def subtotal(self) -> int:
        return sum(line.line_total for line in self.lines)

    @property
    def shipping(self) -> int:
        return self.quote.price_minor if self.quote else 0

    @property
    def promise(self) -> str:
        return promise_label(self.quote.earliest, self.quote.latest) if self.quote else ""

    def price_delivery(self, destination: Destination | None) -> None:
        """Quote this shop's parcel to ``destination`` (a refusal is kept to show)."""
        if destination is None:
            return
        try:
            self.quote = shop_quote(
                self.shop,
                [(line.product, line.quantity) for line in self.lines],
                destination,
                now=timezone.now(),
            )
        except NoRoute as error:
            self.no_route = str(error.message)

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping


def _problem(product: Product, quantity: int) -> str:
    if not product.is_listed:
        return _("No longer for sale: remove it to check out.")
    if product.stock == 0:
        return _("Sold out: remove it to check out.")
    if quantity > product.stock:
        return _("Only %(count)s left in stock: lower the quantity.") % {"count": product.stock}
    return ""


def _user_or_none(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def cart_lines(request: HttpRequest) -> list[CartLine]:
    """The lines of the visitor's cart: the account's, or the session's before logging in."""
    user = _user_or_none(request)
    if user is not None:
        pairs = [(item.product, item.quantity) for item in selectors.cart_items(user)]
    else:
        wanted = session_cart(request)
        products = Product.objects.filter(pk__in=list(wanted)).select_related("shop").in_bulk()
        pairs = [(products[pk], qty) for pk, qty in wanted.items() if pk in products]
    return [CartLine(product, quantity, _problem(product, quantity)) for product, quantity in pairs]


def cart_groups(lines: list[CartLine]) -> list[CartGroup]:
    """Lines grouped by shop, in the order the shops first appear."""
    groups: dict[int, CartGroup] = {}
    for line in lines:
        shop = line.product.shop
        groups.setdefault(shop.pk, CartGroup(shop)).lines.append(line)
    return list(groups.values())


@require_http_methods(["GET", "HEAD"])
def cart_page(request: HttpRequest) -> HttpResponse:
    groups = cart_groups(cart_lines(request))
    choice = destination_chosen(request, groups[0].shop if groups else None)
    for group in groups:
        group.price_delivery(choice.destination if choice else None)
    return render(
        request,
        "orders/cart.html",
        {
            "groups": groups,
            "deliver_to": choice,
            "places": destination_options(choice.value if choice else ""),
            "has_problems": any(line.problem for group in groups for line in group.lines),
        },
    )


@require_POST
def destination_set(request: HttpRequest) -> HttpResponseRedirect:
    """Remember where to deliver, for the prices and dates on the product and cart pages."""
    choice = destination_remember(request, str(request.POST.get("deliver_to", "")))
    if choice is None:
        messages.error(request, _("Choose a town, a country or a service centre from the list."))
    return HttpResponseRedirect(safe_next(request, reverse("orders:cart")))


def _put(request: HttpRequest, product_id: int, quantity: int, *, replace: bool) -> str:
    """Put a product in the visitor's cart; return its name for the message."""
    user = _user_or_none(request)
    if user is not None:
        item = cart_add(user=user, product_id=product_id, quantity=quantity, replace=replace)
        return item.product.name
    return session_cart_add(request, product_id=product_id, quantity=quantity, replace=replace).name


def _line_form(request: HttpRequest) -> CartLineForm | None:
    form = CartLineForm(request.POST)
    if form.is_valid():
        return form
    if "product_id" in form.errors:
        messages.error(request, str(UnknownProduct.default_message))
    else:
        messages.error(request, str(InvalidQuantity.default_message))
    return None


@require_POST
def cart_add_view(request: HttpRequest) -> HttpResponse:
    """Add to the cart from a product page, then go back there with a message.

    A replayed request key (the offline queue sending a form twice) adds nothing more and
    answers as the first time did.
    """
    cart_url = reverse("orders:cart")
    form = _line_form(request)
    if form is None:
        return HttpResponseRedirect(safe_next(request, cart_url))
    product_id = form.cleaned_data["product_id"]
    try:
        # A form queued offline may be sent twice: its request key adds it once.
        name = once(
            request,
            lambda: _put(request, product_id, form.cleaned_data["quantity"], replace=False),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if name is REPLAYED:
            name = str(Product.objects.filter(pk=product_id).values_list("name", flat=True).first())
        messages.success(request, _("Added to your cart: %(name)s.") % {"name": name})
    return HttpResponseRedirect(safe_next(request, cart_url))


@require_POST
def cart_update_view(request: HttpRequest) -> HttpResponse:
    """Set the quantity of a cart line."""
    form = _line_form(request)
    if form is not None:
        try:
            name = _put(
                request,
                form.cleaned_data["product_id"],
                form.cleaned_data["quantity"],
                replace=True,
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Quantity changed: %(name)s.") % {"name": name})
    return HttpResponseRedirect(reverse("orders:cart"))


@require_POST
def cart_remove_view(request: HttpRequest) -> HttpResponse:
    form = CartRemoveForm(request.POST)
    try:
        if not form.is_valid():
            raise UnknownProduct()
        product_id = form.cleaned_data["product_id"]
        user = _user_or_none(request)
        if user is None:
            session_cart_remove(request, product_id=product_id)
        else:
            item_id = (
                selectors.cart_items(user)
                .filter(product_id=product_id)
                .values_list("pk", flat=True)
                .first()
            )
            if item_id is None:
                raise UnknownProduct()
            cart_remove(user=user, item_id=item_id)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Removed from your cart."))
    return HttpResponseRedirect(reverse("orders:cart"))
