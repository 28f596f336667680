"""The ledger in the admin: read-only (money moves only through the posting service)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sokoni.payments.models import FxRate, JournalTransaction, LedgerAccount, Posting


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PostingInline(admin.TabularInline):
    model = Posting
    extra = 0
    fields = ("account", "amount_minor", "currency")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
