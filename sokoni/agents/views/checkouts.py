"""An assisted checkout after placing: take the cash, or wait for the villager's mobile-money
approval; pay another way, or cancel. Today's assisted orders."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sokoni.agents import selectors, services
from sokoni.agents.forms import CashForm, DayForm, PayForm
from sokoni.agents.selectors import Desk
from sokoni.agents.views.common import operator_page, visible
from sokoni.core.errors import DomainError
from sokoni.core.money import format_money
from sokoni.orders.states import OrderStatus, awaits_payment
from sokoni.payments.states import PaymentMethod, PaymentStatus


def start_payment(request: HttpRequest, desk: Desk, checkout_id: int, method: str) -> bool:
    """Start the villager's payment; tell the operator when it could not start."""
    try:
        intent = services.assisted_checkout_pay(
            operator=desk.operator, checkout_id=checkout_id, method=method
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return False
    if intent.status == PaymentStatus.FAILED:
        messages.error(
            request,
            _("The payment did not start: %(why)s. Try again or take cash.")
            % {"why": intent.failure_message or _("declined")},
        )
        return False
    return True


@require_http_methods(["GET", "HEAD", "POST"])
@operator_page
def checkout_detail(request: HttpRequest, desk: Desk, pk: int) -> HttpResponse:
    """The checkout's orders and payment; a POST is the cash the operator took."""
    checkout = visible(lambda: selectors.checkout_get(desk, pk))
    cash = CashForm(request.POST if request.method == "POST" else None, currency=checkout.currency)
    if request.method == "POST" and cash.is_valid():
        try:
            intent = services.assisted_cash_confirm(
                operator=desk.operator,
                checkout_id=checkout.pk,
                amount_minor=cash.cleaned_data["amount"],
            )
        except DomainError as exc:
            field = exc.field or ("amount" if exc.code == "payments.mismatch" else None)
            cash.add_error(field if field in cash.fields else None, str(exc.message))
        else:
            money = format_money(
                intent.amount_minor, intent.currency, translation.get_language() or "en"
            )
            if intent.status == PaymentStatus.SUCCEEDED:
                messages.success(
                    request,
                    _("Cash received: %(amount)s. The order is paid and held by Sokoni.")
                    % {"amount": money},
                )
            else:  # the orders were cancelled meanwhile: the payment was refunded at once
                messages.warning(
                    request,
                    _("Nothing is due any more: the order was cancelled. Give %(amount)s back.")
                    % {"amount": money},
                )
            return redirect("agents:checkout_detail", pk=checkout.pk)
    orders = list(checkout.orders.select_related("shop").prefetch_related("lines"))
    latest = selectors.checkout_latest_payment(checkout)
    payable = awaits_payment(o.status for o in orders) and timezone.now() < checkout.reserved_until
    pending = latest is not None and latest.status == PaymentStatus.PENDING
    waiting_cash = pending and latest is not None and latest.method == PaymentMethod.CASH
    waiting_phone = pending and not waiting_cash
    return render(
        request,
        "agents/checkout.html",
        {
            "desk": desk,
            "checkout": checkout,
            "villager": checkout.buyer,
            "orders": orders,
            "latest": latest,
            "cash": cash if waiting_cash and payable else None,
            "waiting_phone": waiting_phone and payable,
            "pay": PayForm() if payable and not pending else None,
            "can_cancel": any(o.status == OrderStatus.PENDING_PAYMENT for o in orders),
            "ledger": selectors.payment_ledger_lines(desk, latest)
            if latest is not None and latest.status == PaymentStatus.SUCCEEDED
            else [],
        },
    )


@require_POST
@operator_page
def checkout_pay(request: HttpRequest, desk: Desk, pk: int) -> HttpResponse:
    checkout = visible(lambda: selectors.checkout_get(desk, pk))
    form = PayForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how the villager pays."))
        return redirect("agents:checkout_detail", pk=checkout.pk)
    start_payment(request, desk, checkout.pk, form.cleaned_data["method"])
    return redirect("agents:checkout_detail", pk=checkout.pk)


@require_POST
@operator_page
def checkout_cancel(request: HttpRequest, desk: Desk, pk: int) -> HttpResponse:
    checkout = visible(lambda: selectors.checkout_get(desk, pk))
    try:
        cancelled = services.assisted_checkout_cancel(
            operator=desk.operator, checkout_id=checkout.pk
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if cancelled:
            messages.success(request, _("The order is cancelled; its goods are back on sale."))
        else:
            messages.error(request, _("There is nothing left to cancel here."))
    return redirect("agents:checkout_detail", pk=checkout.pk)


@require_http_methods(["GET", "HEAD"])
@operator_page
def orders_today(request: HttpRequest, desk: Desk) -> HttpResponse:
    """The assisted orders of a day (today unless another day is chosen), with commissions."""
    form = DayForm(request.GET if request.GET else None)
    day = form.chosen_day()
    orders = selectors.assisted_orders_on(desk, day)
    earned: dict[str, int] = {}
    for order in orders:
        if order.agent_commission_minor:
            earned[order.currency] = earned.get(order.currency, 0) + order.agent_commission_minor
    return render(
        request,
        "agents/orders.html",
        {
            "desk": desk,
            "form": form,
            "day": day,
            "is_today": day == timezone.localdate(),
            "orders": orders,
            "earned": sorted(earned.items()),
        },
    )
