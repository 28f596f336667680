"""Checkout and paying: place the orders of the cart, then pay, retry, or cancel.

One form places the orders (``checkout_place``: nothing is created when it refuses) and starts
the payment (``checkout_pay``). A payment that cannot start, or is declined, leaves the orders
waiting for payment: the buyer lands on the pay page, which says what happened and offers to
pay another way until the stock reservation runs out.
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sokoni.accounts.models import User
from sokoni.catalog.forms import apply_domain_error
from sokoni.catalog.models import Product
from sokoni.core.errors import DomainError
from sokoni.core.money import Money
from sokoni.orders import reasons, selectors
from sokoni.orders.destinations import Choice, choice_from, destination_chosen
from sokoni.orders.errors import IdempotencyKeyReused
from sokoni.orders.forms import CheckoutForm, PayForm
from sokoni.orders.models import Checkout, Order
from sokoni.orders.services.checkout import (
    Delivery,
    checkout_cancel,
    checkout_pay,
    checkout_place,
    request_fingerprint,
)
from sokoni.orders.states import DeliveryMethod, OrderStatus, awaits_payment
from sokoni.orders.views.cart import CartGroup, cart_groups, cart_lines
from sokoni.orders.views.common import post_only, user_of, visible
from sokoni.payments.fx import FxRateMissing, fx_convert
from sokoni.payments.models import PaymentIntent
from sokoni.payments.states import PaymentMethod, PaymentStatus
from sokoni.shipping.selectors import parse_destination
from sokoni.villages.models import ServiceCentre
from sokoni.villages.states import VillageStatus


def _open_centres() -> list[ServiceCentre]:
    """Open service centres in approved villages, by village: where to pick up or pay cash."""
    return list(
        ServiceCentre.objects.filter(is_active=True, village__status=VillageStatus.APPROVED)
        .select_related("village")
        .order_by("village__name", "name", "pk")
    )


def _sandbox() -> dict[str, bool]:
    providers = settings.PAYMENT_PROVIDERS
    return {
        "card": str(providers.get("card", "")).startswith("sandbox"),
        "mobile": str(providers.get("mobile_money", "")).startswith("sandbox"),
    }


def _preferred_currency(user: User) -> str:
    return user.currency if user.currency in settings.CURRENCIES else settings.DEFAULT_CURRENCY


@dataclass(frozen=True)
class Estimate:
    """What the cart costs in the currency chosen, with the rates used."""

    currency: str
    total_minor: int
    rates: list[tuple[str, Decimal, str, Any]]  # (shop currency, rate, source, date)


def _estimate(groups: list[CartGroup], currency: str) -> Estimate | None:
    """Convert each shop's total as the checkout will; None when a rate is missing."""
    total, rates = 0, {}
    try:
        for group in groups:
            conversion = fx_convert(Money(group.total, group.currency), currency)
            total += conversion.money.minor
            if group.currency != currency:
                rates[group.currency] = (
                    group.currency,
                    conversion.rate,
                    conversion.source,
                    conversion.as_of,
                )
    except FxRateMissing:
        return None
    return Estimate(currency=currency, total_minor=total, rates=list(rates.values()))


def _payment_args(data: dict[str, Any]) -> dict[str, Any]:
    method = data["method"]
    return {
        "method": method,
        "phone": data.get("phone", "") if method == PaymentMethod.MOBILE_MONEY else "",
        "card_number": data.get("card_number", "") if method == PaymentMethod.CARD else "",
        "centre_id": data.get("centre") if method == PaymentMethod.CASH else None,
    }


def _pay(request: HttpRequest, checkout: Checkout, user: User, data: dict[str, Any]) -> None:
    """Start a payment and say how it went; raise the service's refusal."""
    intent = checkout_pay(checkout=checkout, actor=user, **_payment_args(data))
    if intent.status == PaymentStatus.SUCCEEDED:
        messages.success(request, _("Paid. Thank you! The sellers are told to send your order."))
    elif intent.status == PaymentStatus.FAILED:
        messages.error(
            request,
            _("The payment did not go through: %(why)s. You can try again or pay another way.")
            % {"why": intent.failure_message or _("declined")},
        )


def _delivery(data: dict[str, Any]) -> Delivery:
    pickup = data["delivery_method"] == DeliveryMethod.PICKUP
    town = None if pickup else parse_destination(data.get("town", ""))
    return Delivery(
        method=data["delivery_method"],
        recipient_name=data["recipient_name"],
        recipient_phone=data["recipient_phone"],
        address="" if pickup else data["address"],
        service_centre_id=data["service_centre"] if pickup else None,
        hub_id=town[0] if town else None,
        country=town[1] if town else "",
    )


def _chosen(form: CheckoutForm, request: HttpRequest) -> Choice | None:
    """Where the form (or, before it is filled, the visitor's earlier choice) delivers to."""
    method = form["delivery_method"].value()
    if method == DeliveryMethod.PICKUP and form["service_centre"].value():
        return choice_from(f"centre:{form['service_centre'].value()}")
    if method == DeliveryMethod.ADDRESS and form["town"].value():
        return choice_from(str(form["town"].value()))
    return destination_chosen(request)


def _unknown_product_message(exc: DomainError) -> str:
    product_id = exc.context.get("product_id")
    if not isinstance(product_id, int):
        return str(exc.message)
    name = Product.objects.filter(pk=product_id).values_list("name", flat=True).first()
    if name is None:
        return str(exc.message)
    return _("%(name)s is no longer for sale: remove it from your cart.") % {"name": name}


def _place(request: HttpRequest, user: User, form: CheckoutForm) -> HttpResponse | None:
    """Place the orders and start paying; None (with errors on the form) when refused."""
    data = form.cleaned_data
    delivery = _delivery(data)
    items = [(item.product_id, item.quantity) for item in selectors.cart_items(user)]
    try:
        checkout = checkout_place(
            buyer=user,
            items=items,
            currency=data["currency"],
            delivery=delivery,
            idempotency_key=data["key"],
            request_hash=request_fingerprint(
                {"currency": data["currency"], "delivery": dataclasses.asdict(delivery)}
            ),
        )
    except FxRateMissing as exc:
        form.add_error("currency", str(exc.message))
        return None
    except IdempotencyKeyReused:
        # The form was sent before with other details: sending it again starts afresh.
        renewed = QueryDict(mutable=True)
        renewed.update(form.data)
        renewed["key"] = secrets.token_urlsafe(24)
        form.data = renewed
        form.add_error(None, _("This form was already sent once. Check the details and send it."))
        return None
    except DomainError as exc:
        if exc.code == "orders.unknown_product":
            form.add_error(None, _unknown_product_message(exc))
        else:
            apply_domain_error(form, exc)
        return None
    if selectors.checkout_payments(checkout).exists():  # the same form sent twice
        return redirect("orders:checkout_pay", pk=checkout.pk)
    try:
        _pay(request, checkout, user, data)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("orders:checkout_pay", pk=checkout.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def checkout_page(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    groups = cart_groups(cart_lines(request))
    if not groups and request.method != "POST":
        messages.info(request, _("Your cart is empty."))
        return redirect("orders:cart")
    centres = _open_centres()
    kwargs = {
        "pickup_centres": centres,
        "cash_centres": [c for c in centres if c.operator_id is not None],
    }
    remembered = destination_chosen(request, groups[0].shop if groups else None)
    kind, _sep, value = remembered.value.partition(":") if remembered else ("", "", "")
    initial = {
        "delivery_method": DeliveryMethod.PICKUP if kind == "centre" else DeliveryMethod.ADDRESS,
        "town": f"{kind}:{value}" if kind in ("hub", "country") else "",
        "service_centre": value if kind == "centre" else None,
        "recipient_name": user.name,
        "recipient_phone": user.phone,
        "phone": user.phone,
        "currency": _preferred_currency(user),
        "key": secrets.token_urlsafe(24),
    }
    if request.method == "POST" and "preview" in request.POST:
        # Show the total in another currency without placing anything (works without JS).
        posted = {name: request.POST.get(name, "") for name in CheckoutForm.base_fields}
        form = CheckoutForm(initial={**initial, **posted}, **kwargs)
    elif request.method == "POST":
        form = CheckoutForm(request.POST, initial=initial, **kwargs)
        if form.is_valid():
            response = _place(request, user, form)
            if response is not None:
                return response
    else:
        form = CheckoutForm(initial=initial, **kwargs)
    currency = form["currency"].value()
    if currency not in settings.CURRENCIES:
        currency = _preferred_currency(user)
    choice = _chosen(form, request)
    for group in groups:
        group.price_delivery(choice.destination if choice else None)
    return render(
        request,
        "orders/checkout.html",
        {
            "form": form,
            "groups": groups,
            "estimate": _estimate(groups, currency) if groups else None,
            "currency": currency,
            "sandbox": _sandbox(),
            "has_cash": bool(kwargs["cash_centres"]),
            "has_pickup": bool(centres),
            "reservation_minutes": settings.CHECKOUT_RESERVATION_MINUTES,
        },
    )


def _payable(checkout: Checkout, orders: list[Order]) -> bool:
    statuses = (order.status for order in orders)
    return awaits_payment(statuses) and timezone.now() < checkout.reserved_until


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pay_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The orders of a checkout, what the last payment attempt did, and paying (again)."""
    user = user_of(request)
    checkout = visible(lambda: selectors.checkout_get_for_buyer(user, pk))
    orders = list(checkout.orders.select_related("shop").prefetch_related("lines"))
    latest: PaymentIntent | None = selectors.checkout_payments(checkout).first()
    waiting_on_phone = (
        latest is not None
        and latest.status == PaymentStatus.PENDING
        and latest.method != PaymentMethod.CASH
    )
    payable = _payable(checkout, orders)
    centres = [c for c in _open_centres() if c.operator_id is not None]
    initial = {
        "method": latest.method if latest else PaymentMethod.MOBILE_MONEY,
        "phone": latest.payer_phone if latest and latest.payer_phone else user.phone,
        "centre": checkout.service_centre_id,
    }
    form = PayForm(
        request.POST if request.method == "POST" else None, initial=initial, cash_centres=centres
    )
    if request.method == "POST" and form.is_valid():
        try:
            _pay(request, checkout, user, form.cleaned_data)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            return redirect("orders:checkout_pay", pk=checkout.pk)
    return render(
        request,
        "orders/pay.html",
        {
            "checkout": checkout,
            "orders": orders,
            "latest": latest,
            "form": form,
            "can_pay": payable and not waiting_on_phone,
            "can_cancel": any(o.status == OrderStatus.PENDING_PAYMENT for o in orders),
            "refresh": waiting_on_phone and payable,
            "all_cancelled": all(o.status == OrderStatus.CANCELLED for o in orders),
            "time_up": timezone.now() >= checkout.reserved_until,
            "sandbox": _sandbox(),
            "has_cash": bool(centres),
        },
    )


@login_required
def checkout_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = user_of(request)
    checkout = visible(lambda: selectors.checkout_get_for_buyer(user, pk))
    if refused := post_only(request):
        return refused
    try:
        cancelled = checkout_cancel(
            checkout=checkout, actor=user, reason=reasons.CANCELLED_BY_BUYER
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if cancelled:
            messages.success(request, _("Your order is cancelled. Nothing was paid."))
        else:
            messages.error(request, _("There is nothing left to cancel here."))
    return redirect("orders:checkout_pay", pk=checkout.pk)
