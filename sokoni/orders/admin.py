"""Orders in the admin: read-only. Staff decide disputes on /staff/disputes/ (a service call
with a note), never by editing a status."""

from __future__ import annotations

from django.contrib import admin

from sokoni.core.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from sokoni.orders.models import (
    Checkout,
    Dispute,
    DisputeStatement,
    Order,
    OrderEvent,
    OrderLine,
)


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("product", "name", "quantity", "unit", "unit_price_minor", "line_total_minor")


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("at", "from_status", "to_status", "actor", "reason")


@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = (
        "number",
        "created_at",
        "status",
        "shop",
        "buyer",
        "total_minor",
        "currency",
        "pay_total_minor",
        "pay_currency",
    )
    list_filter = ("status", "currency", "pay_currency")
    search_fields = ("pk", "buyer__phone", "shop__name", "tracking_ref")
    date_hierarchy = "created_at"
    list_select_related = ("shop", "buyer")
    inlines = (OrderLineInline, OrderEventInline)


@admin.register(Checkout)
class CheckoutAdmin(ReadOnlyAdmin):
    list_display = ("pk", "created_at", "buyer", "total_minor", "currency", "delivery_method")
    search_fields = ("buyer__phone", "recipient_phone", "recipient_name")
    list_select_related = ("buyer",)


class DisputeStatementInline(ReadOnlyInline):
    model = DisputeStatement
    fields = ("created_at", "side", "author", "text")


@admin.register(Dispute)
class DisputeAdmin(ReadOnlyAdmin):
    list_display = (
        "order",
        "opened_at",
        "reason",
        "stage",
        "due_at",
        "decision",
        "decided_by",
        "decided_at",
    )
    list_filter = ("reason", "stage", "decision")
    list_select_related = ("order", "decided_by")
    inlines = (DisputeStatementInline,)
