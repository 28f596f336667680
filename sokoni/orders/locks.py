"""Row locks of the orders app, always taken in primary-key order (STYLE.md section 1.5)."""

from __future__ import annotations

from django.db.models import QuerySet

from sokoni.orders.models import Checkout, Order


def checkout_qs_for_update(pk: int) -> QuerySet[Checkout]:
    return Checkout.objects.filter(pk=pk).select_for_update(of=("self",))


def orders_qs_for_update(**filters: object) -> QuerySet[Order]:
    return (
        Order.objects.filter(**filters)
        .select_related("shop__owner")
        .order_by("pk")
        .select_for_update(of=("self",))
    )
