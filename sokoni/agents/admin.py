from django.contrib import admin

from sokoni.agents.models import CashCount
from sokoni.core.admin_readonly import ReadOnlyAdmin


@admin.register(CashCount)
class CashCountAdmin(ReadOnlyAdmin):
    list_display = ("day", "operator", "centre", "currency", "counted_minor", "difference_minor")
    list_filter = ("day",)
    search_fields = ("operator__phone", "operator__name", "centre__name")
