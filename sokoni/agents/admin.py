from django.contrib import admin

from sokoni.agents.models import AttachRequest, CashCount
from sokoni.core.admin_readonly import ReadOnlyAdmin


@admin.register(CashCount)
class CashCountAdmin(ReadOnlyAdmin):
    list_display = ("day", "operator", "centre", "currency", "counted_minor", "difference_minor")
    list_filter = ("day",)
    search_fields = ("operator__phone", "operator__name", "centre__name")


@admin.register(AttachRequest)
class AttachRequestAdmin(ReadOnlyAdmin):
    """Who asked to become whose home centre, and how it ended (the consent record)."""

    list_display = ("created_at", "villager", "centre", "operator", "status", "failures")
    list_filter = ("status",)
    search_fields = ("villager__phone", "operator__phone", "centre__name")
    exclude = ("code_salt", "code_digest")
