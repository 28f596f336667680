"""The assisted cart: search the whole catalogue with the villager, put products in their cart
(kept in the operator's session), and check out for pickup at the villager's centre.

Cart changes come back as messages and change nothing when refused; a refused checkout shows
its reason on the form and places nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sokoni.agents import selectors, services
from sokoni.agents.forms import (
    CartLineForm,
    CartRemoveForm,
    CatalogueSearchForm,
    CheckoutForm,
    new_form_key,
)
from sokoni.agents.selectors import Desk
from sokoni.agents.views.checkouts import start_payment
from sokoni.agents.views.common import operator_page, visible
from sokoni.catalog.delivery import shop_quote
from sokoni.catalog.models import Category, Product, Shop
from sokoni.catalog.search import product_search
from sokoni.catalog.selectors import category_choices
from sokoni.core.errors import DomainError
from sokoni.core.money import Money
from sokoni.core.text import parse_positive_int
from sokoni.orders.views.common import safe_next
from sokoni.payments.fx import FxRateMissing, fx_convert
from sokoni.payments.states import PaymentMethod
from sokoni.shipping.errors import NoRoute
from sokoni.shipping.promise import promise_label
from sokoni.shipping.quotes import Destination, Quote
from sokoni.villages.models import Resident, ServiceCentre

PER_PAGE = 12
MAX_PAGE = 1000


@dataclass
class Line:
    product: Product
    quantity: int
    problem: str = ""

    @property
    def total(self) -> int:
        return self.product.price_minor * self.quantity


@dataclass
class Group:
    """The lines of one shop: one order and one parcel to the centre, priced by the network."""

    shop: Shop
    lines: list[Line] = field(default_factory=list)
    quote: Quote | None = None
    no_route: str = ""

    @property
    def currency(self) -> str:
        return self.shop.currency

    @property
    def subtotal(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def shipping(self) -> int:
        return self.quote.price_minor if self.quote else 0

    @property
    def promise(self) -> str:
        return promise_label(self.quote.earliest, self.quote.latest) if self.quote else ""

    @property
    def total(self) -> int:
        return self.subtotal + self.shipping


def _problem(product: Product, quantity: int) -> str:
    if not product.is_listed:
        return _("No longer for sale: remove it.")
    if product.stock == 0:
        return _("Sold out: remove it.")
    if quantity > product.stock:
        return _("Only %(count)s left: lower the quantity.") % {"count": product.stock}
    return ""


def _groups(cart: dict[int, int], centre: ServiceCentre) -> list[Group]:
    products = Product.objects.filter(pk__in=list(cart)).select_related("shop").in_bulk()
    groups: dict[int, Group] = {}
    for product_id, quantity in cart.items():
        product = products.get(product_id)
        if product is None:
            continue
        group = groups.setdefault(product.shop_id, Group(product.shop))
        group.lines.append(Line(product, quantity, _problem(product, quantity)))
    destination = Destination(country=centre.village.country, centre_id=centre.pk)
    now = timezone.now()
    for group in groups.values():
        try:
            group.quote = shop_quote(
                group.shop,
                [(line.product, line.quantity) for line in group.lines],
                destination,
                now=now,
            )
        except NoRoute as error:
            group.no_route = str(error.message)
    return list(groups.values())


def _total_in(groups: list[Group], currency: str) -> int | None:
    """What the checkout will ask for, converted as it converts; None when a rate is missing."""
    try:
        return sum(fx_convert(Money(g.total, g.currency), currency).money.minor for g in groups)
    except FxRateMissing:
        return None


def _cart_url(villager_id: int, query: dict[str, Any] | None = None) -> str:
    url = reverse("agents:cart", args=[villager_id])
    pairs = {k: v for k, v in (query or {}).items() if v not in (None, "")}
    return f"{url}?{urlencode(pairs)}" if pairs else url


def _render(
    request: HttpRequest,
    desk: Desk,
    resident: Resident,
    checkout_form: CheckoutForm | None = None,
) -> HttpResponse:
    villager = resident.user
    search = CatalogueSearchForm(request.GET, categories=category_choices())
    search.is_valid()
    options = search.cleaned_data if hasattr(search, "cleaned_data") else {}
    category_id = options.get("category")
    page = parse_positive_int(request.GET.get("page"), 1, maximum=MAX_PAGE)
    result = product_search(
        query=options.get("q", ""),
        category=Category(pk=category_id) if category_id else None,
        in_stock=True,
        page=page,
        per_page=PER_PAGE,
    )
    here = {"q": options.get("q", ""), "category": category_id or ""}
    groups = _groups(services.assisted_cart(request.session, villager.pk), resident.centre)
    currency = selectors.centre_currency(resident.centre)
    form = checkout_form or CheckoutForm(
        initial={"key": new_form_key(), "method": PaymentMethod.CASH}
    )
    return render(
        request,
        "agents/cart.html",
        {
            "desk": desk,
            "resident": resident,
            "villager": villager,
            "search": search,
            "result": result,
            "back": _cart_url(villager.pk, {**here, "page": page if page > 1 else ""}),
            "previous": _cart_url(villager.pk, {**here, "page": page - 1 if page > 2 else ""})
            if result.has_previous
            else "",
            "next": _cart_url(villager.pk, {**here, "page": page + 1}) if result.has_next else "",
            "groups": groups,
            "has_problems": any(line.problem for g in groups for line in g.lines),
            "currency": currency,
            "total": _total_in(groups, currency) if groups else None,
            "form": form,
        },
    )


@require_http_methods(["GET", "HEAD"])
@operator_page
def cart_page(request: HttpRequest, desk: Desk, pk: int) -> HttpResponse:
    resident = visible(lambda: selectors.villager_get(desk, pk))
    return _render(request, desk, resident)


def _back(request: HttpRequest, villager_id: int) -> HttpResponse:
    return redirect(safe_next(request, reverse("agents:cart", args=[villager_id])))


def _put(request: HttpRequest, desk: Desk, pk: int, *, replace: bool) -> HttpResponse:
    resident = visible(lambda: selectors.villager_get(desk, pk))
    form = CartLineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a quantity from 1 to 999."))
        return _back(request, resident.user_id)
    try:
        product = services.assisted_cart_put(
            operator=desk.operator,
            session=request.session,
            villager_id=resident.user_id,
            product_id=form.cleaned_data["product_id"],
            quantity=form.cleaned_data["quantity"],
            replace=replace,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        done = _("Quantity changed: %(name)s.") if replace else _("In the cart: %(name)s.")
        messages.success(request, done % {"name": product.name})
    return _back(request, resident.user_id)


@require_POST
@operator_page
def cart_add(request: HttpRequest, desk: Desk, pk: int) -> HttpResponse:
    return _put(request, desk, pk, replace=False)


@require_POST
@operator_page
def cart_update(request: HttpRequest, desk: Desk, pk: int) -> HttpResponse:
    return _put(request, desk, pk, replace=True)


@require_POST
@operator_page
def cart_remove(request: HttpRequest, desk: Desk, pk: int) -> HttpResponse:
    resident = visible(lambda: selectors.villager_get(desk, pk))
    form = CartRemoveForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("This line is not in the cart."))
        services.assisted_cart_remove(
            operator=desk.operator,
            session=request.session,
            villager_id=resident.user_id,
            product_id=form.cleaned_data["product_id"],
        )
    except DomainError:
        messages.error(request, _("This line is not in the cart."))
    else:
        messages.success(request, _("Removed from the cart."))
    return _back(request, resident.user_id)


@require_POST
@operator_page
def checkout(request: HttpRequest, desk: Desk, pk: int) -> HttpResponse:
    """Place the assisted order, then start the payment the villager chose."""
    resident = visible(lambda: selectors.villager_get(desk, pk))
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        return _render(request, desk, resident, form)
    try:
        placed, replay = services.assisted_checkout_place(
            operator=desk.operator,
            session=request.session,
            villager_id=resident.user_id,
            key=form.cleaned_data["key"],
        )
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return _render(request, desk, resident, form)
    if replay or selectors.checkout_latest_payment(placed) is not None:
        return redirect("agents:checkout_detail", pk=placed.pk)
    if start_payment(request, desk, placed.pk, form.cleaned_data["method"]):
        messages.success(
            request,
            _("Order placed for %(name)s.") % {"name": resident.user.name or resident.user.phone},
        )
    return redirect("agents:checkout_detail", pk=placed.pk)
