from django.contrib import admin

from sokoni.core.admin_readonly import ReadOnlyAdmin
from sokoni.logistics.models import Pickup


@admin.register(Pickup)
class PickupAdmin(ReadOnlyAdmin):
    list_display = ("order", "centre", "status", "checked_in_at", "collect_by", "closed_at")
    list_filter = ("status",)
    search_fields = ("order__id", "centre__name")
    exclude = ("code_salt", "code_digest")
