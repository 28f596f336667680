"""The sweep behind ``manage.py orders_due``: everything whose time has passed."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from sokoni.orders.models import Checkout, Order
from sokoni.orders.services.checkout import checkout_expire
from sokoni.orders.services.lifecycle import order_auto_release
from sokoni.orders.states import SENT, OrderStatus


def orders_run_due(now: datetime | None = None) -> tuple[int, int]:
    """Expire checkouts past their reservation and release orders past their release date."""
    moment = now or timezone.now()
    checkouts = (
        Checkout.objects.filter(
            reserved_until__lte=moment, orders__status=OrderStatus.PENDING_PAYMENT
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    expired = 0
    for checkout_id in list(checkouts):
        checkout_expire(checkout_id=checkout_id, now=moment)
        expired += 1
    due = Order.objects.filter(status__in=SENT, auto_release_at__lte=moment).values_list(
        "pk", flat=True
    )
    released = 0
    for order_id in list(due):
        order = order_auto_release(order_id=order_id, now=moment)
        released += int(order is not None and order.status == OrderStatus.COMPLETED)
    return expired, released
