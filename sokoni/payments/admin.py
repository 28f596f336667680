"""The ledger, payments and payouts in the admin: read-only (money moves only through services)."""

from __future__ import annotations

from django.contrib import admin

from sokoni.core.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from sokoni.payments.models import (
    FxRate,
    JournalTransaction,
    LedgerAccount,
    PaymentEvent,
    PaymentIntent,
    Payout,
    PayoutEvent,
    Posting,
    SandboxTransaction,
    WebhookReceipt,
)


class PostingInline(ReadOnlyInline):
    model = Posting
    fields = ("account", "amount_minor", "currency")


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyAdmin):
    list_display = ("code", "currency", "kind", "balance_minor", "owner")
    list_filter = ("kind", "currency")
    search_fields = ("code",)


@admin.register(JournalTransaction)
class JournalTransactionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "idempotency_key", "description", "reference")
    search_fields = ("idempotency_key", "reference", "description")
    inlines = (PostingInline,)


@admin.register(FxRate)
class FxRateAdmin(admin.ModelAdmin):
    """Staff enter the rates the ECB does not publish (KES, ETB, CVE, ...)."""

    list_display = ("as_of", "base", "quote", "rate", "source")
    list_filter = ("source", "base", "quote")
    date_hierarchy = "as_of"


class PaymentEventInline(ReadOnlyInline):
    model = PaymentEvent
    fields = ("at", "kind", "from_status", "to_status", "actor", "note", "data")


@admin.register(PaymentIntent)
class PaymentIntentAdmin(ReadOnlyAdmin):
    list_display = (
        "reference",
        "created_at",
        "method",
        "provider",
        "status",
        "amount_minor",
        "currency",
        "payer",
        "purpose",
        "purpose_id",
    )
    list_filter = ("status", "method", "provider", "currency")
    search_fields = ("reference", "provider_ref", "payer__phone", "payer_phone")
    date_hierarchy = "created_at"
    inlines = (PaymentEventInline,)


class PayoutEventInline(ReadOnlyInline):
    model = PayoutEvent
    fields = ("at", "from_status", "to_status", "actor", "note")


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ("pk", "created_at", "owner", "amount_minor", "currency", "phone", "status")
    list_filter = ("status", "currency", "provider")
    search_fields = ("owner__phone", "phone", "provider_ref")
    inlines = (PayoutEventInline,)


@admin.register(SandboxTransaction)
class SandboxTransactionAdmin(ReadOnlyAdmin):
    list_display = ("provider_ref", "provider", "reference", "amount_minor", "currency", "state")
    list_filter = ("provider", "state")
    search_fields = ("provider_ref", "reference")


@admin.register(WebhookReceipt)
class WebhookReceiptAdmin(ReadOnlyAdmin):
    list_display = ("received_at", "provider", "event_id")
    list_filter = ("provider",)
    search_fields = ("event_id",)
