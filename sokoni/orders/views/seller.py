"""The seller's orders (a packing slip each, ship, cancel and refund, agree to a refund) and the
seller's wallet (balances, every movement, payouts to a mobile-money number)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sokoni.accounts.models import User
from sokoni.accounts.phones import display_phone
from sokoni.catalog.forms import apply_domain_error
from sokoni.catalog.selectors import shop_list_for_owner
from sokoni.core.errors import DomainError
from sokoni.core.money import Money
from sokoni.orders import selectors
from sokoni.orders.forms import PayoutForm, ShipForm, StatementForm, StatusFilterForm
from sokoni.orders.models import Order
from sokoni.orders.services.lifecycle import dispute_refund_by_seller, order_cancel, order_ship
from sokoni.orders.states import DisputeSide, OrderStatus
from sokoni.orders.views.common import (
    dispute_context,
    filter_query,
    history,
    order_action,
    page_of,
    post_only,
    statement_submit,
    user_of,
    visible,
)
from sokoni.payments.errors import InsufficientFunds
from sokoni.payments.selectors import payouts_for, wallet_balances, wallet_movements
from sokoni.payments.services.payouts import payout_request


@login_required
@require_http_methods(["GET", "HEAD"])
def seller_order_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    shops = [(shop.pk, shop.name) for shop in shop_list_for_owner(user)]
    filters = StatusFilterForm(request.GET, shops=shops)
    orders = selectors.order_list_for_seller(
        user, status=filters.value("status"), shop_id=filters.value("shop")
    )
    return render(
        request,
        "orders/seller_order_list.html",
        {
            "page": page_of(request, orders),
            "filters": filters,
            "query": filter_query(request),
            "has_shops": bool(shops),
        },
    )


def _order(request: HttpRequest, pk: int) -> tuple[User, Order]:
    user = user_of(request)
    return user, visible(lambda: selectors.order_get_for_seller(user, pk))


def _detail(
    request: HttpRequest,
    order: Order,
    ship_form: ShipForm | None = None,
    statement_form: StatementForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "orders/seller_order_detail.html",
        {
            "order": order,
            "checkout": order.checkout,
            "lines": list(order.lines.all()),
            "history": history(order),
            "ship_form": ship_form or ShipForm(),
            "can_ship": order.status == OrderStatus.PAID,
            "can_cancel": order.status == OrderStatus.PAID,
            "can_refund": order.status == OrderStatus.DISPUTED,
            "side": DisputeSide.SELLER,
            "statement_url": reverse("orders:seller_statement", args=[order.pk]),
            **dispute_context(order, statement_form),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def seller_order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _user, order = _order(request, pk)
    return _detail(request, order)


@login_required
def seller_ship_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, order = _order(request, pk)
    if refused := post_only(request):
        return refused
    form = ShipForm(request.POST)
    if form.is_valid():
        try:
            order_ship(order=order, actor=user, tracking_ref=form.cleaned_data["tracking_ref"])
        except DomainError as exc:
            if exc.field not in form.fields:
                messages.error(request, str(exc.message))
                return redirect("orders:seller_order", pk=order.pk)
            apply_domain_error(form, exc)
        else:
            messages.success(
                request, _("Marked as shipped. The buyer is told to expect the parcel.")
            )
            return redirect("orders:seller_order", pk=order.pk)
    return _detail(request, order, ship_form=form)


def _act(
    request: HttpRequest, pk: int, action: Callable[[User, Order], Any], done: str
) -> HttpResponse:
    return order_action(request, lambda: _order(request, pk), action, done, "orders:seller_order")


@login_required
def seller_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda user, order: order_cancel(order=order, actor=user),
        _("The order is cancelled and the buyer refunded in full."),
    )


@login_required
def seller_refund_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda user, order: dispute_refund_by_seller(order=order, actor=user),
        _("You agreed to refund: the buyer gets the money back."),
    )


@login_required
def seller_statement_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The seller answers the order's dispute (a statement, photos)."""
    user, order = _order(request, pk)
    if refused := post_only(request):
        return refused
    if (form := statement_submit(request, user, order)) is None:
        return redirect("orders:seller_order", pk=order.pk)
    return _detail(request, order, statement_form=form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def wallet_page(request: HttpRequest) -> HttpResponse:
    """Balances, movements and payouts; a payout request takes money out of the wallet."""
    user = user_of(request)
    balances = wallet_balances(user)
    currencies = [currency for currency, _balance in balances]
    form = PayoutForm(
        request.POST if request.method == "POST" else None,
        currencies=currencies,
        initial={"phone": display_phone(user.phone)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        money = Money(data["amount"], data["currency"])
        try:
            payout_request(owner=user, amount=money, phone=data["phone"])
        except InsufficientFunds:
            form.add_error("amount", _("The wallet holds less than this amount."))
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Payout requested: %(amount)s to %(phone)s. It arrives in a few minutes.")
                % {
                    "amount": money.format(translation.get_language() or "en"),
                    "phone": display_phone(data["phone"]),
                },
            )
            return redirect("orders:wallet")
    return render(
        request,
        "orders/wallet.html",
        {
            "balances": balances,
            "movements": page_of(request, wallet_movements(user), per_page=50),
            "payouts": list(payouts_for(user)[:20]),
            "form": form,
        },
    )
