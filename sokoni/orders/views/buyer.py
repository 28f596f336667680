"""The buyer's orders: the list, one order with its escrow in plain words, and its actions.

Each action is a POST that calls one service; a refusal (the order moved on, a second
confirmation, an extension already used) comes back as a message and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sokoni.accounts.models import User
from sokoni.catalog.forms import apply_domain_error
from sokoni.core.errors import DomainError
from sokoni.orders import selectors
from sokoni.orders.forms import DisputeForm, ExtendForm, StatementForm, StatusFilterForm
from sokoni.orders.models import Order
from sokoni.orders.services.lifecycle import (
    order_cancel,
    order_confirm_receipt,
    order_dispute_open,
    order_extend,
)
from sokoni.orders.states import SENT, DisputeSide, OrderStatus
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


@login_required
@require_http_methods(["GET", "HEAD"])
def order_list(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    filters = StatusFilterForm(request.GET)
    orders = selectors.order_list_for_buyer(user, status=filters.value("status"))
    return render(
        request,
        "orders/order_list.html",
        {"page": page_of(request, orders), "filters": filters, "query": filter_query(request)},
    )


def _order(request: HttpRequest, pk: int) -> tuple[User, Order]:
    user = user_of(request)
    return user, visible(lambda: selectors.order_get_for_buyer(user, pk))


def _detail(
    request: HttpRequest,
    order: Order,
    dispute_form: DisputeForm | None = None,
    statement_form: StatementForm | None = None,
) -> HttpResponse:
    status = order.status
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "checkout": order.checkout,
            "lines": list(order.lines.all()),
            "history": history(order),
            "can_cancel": status in (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID),
            "can_confirm": status in SENT,
            "can_extend": status in SENT and order.extended_days == 0,
            "can_dispute": status in (OrderStatus.PAID, *SENT),
            "extend_form": ExtendForm(),
            "dispute_form": dispute_form or DisputeForm(),
            "release_days": settings.ESCROW_AUTO_RELEASE_DAYS,
            "side": DisputeSide.BUYER,
            "statement_url": reverse("orders:order_statement", args=[order.pk]),
            **dispute_context(order, statement_form),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _user, order = _order(request, pk)
    return _detail(request, order)


def _act(
    request: HttpRequest, pk: int, action: Callable[[User, Order], Any], done: str
) -> HttpResponse:
    return order_action(request, lambda: _order(request, pk), action, done, "orders:order_detail")


@login_required
def order_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda user, order: order_cancel(order=order, actor=user),
        _("The order is cancelled. Any money paid is refunded to you."),
    )


@login_required
def order_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        lambda user, order: order_confirm_receipt(order=order, actor=user),
        _("Thank you. The money is released to the seller."),
    )


@login_required
def order_extend_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = ExtendForm(request.POST)

    def extend(user: User, order: Order) -> Order:
        if not form.is_valid():
            raise DomainError(_("Choose 3, 5, 7 or 10 days."))
        return order_extend(order=order, actor=user, days=form.cleaned_data["days"])

    return _act(request, pk, extend, _("The automatic release is postponed."))


@login_required
def order_dispute_view(request: HttpRequest, pk: int) -> HttpResponse:
    user, order = _order(request, pk)
    if refused := post_only(request):
        return refused
    form = DisputeForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            order_dispute_open(
                order=order,
                actor=user,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                images=form.cleaned_data["photos"],
            )
        except DomainError as exc:
            if exc.field in form.fields:
                apply_domain_error(form, exc)
            else:
                messages.error(request, str(exc.message))
                return redirect("orders:order_detail", pk=order.pk)
        else:
            messages.success(
                request, _("Your dispute is open. The money stays frozen until staff decide.")
            )
            return redirect("orders:order_detail", pk=order.pk)
    return _detail(request, order, dispute_form=form)


@login_required
def order_statement_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The buyer adds a statement (and photos) to the order's dispute."""
    user, order = _order(request, pk)
    if refused := post_only(request):
        return refused
    if (form := statement_submit(request, user, order)) is None:
        return redirect("orders:order_detail", pk=order.pk)
    return _detail(request, order, statement_form=form)
