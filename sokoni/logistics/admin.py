from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sokoni.core.admin_readonly import ReadOnlyAdmin, ReadOnlyInline
from sokoni.logistics.models import Pickup, Run, RunLeftover, RunStop, Vehicle


@admin.register(Pickup)
class PickupAdmin(ReadOnlyAdmin):
    list_display = ("order", "centre", "status", "checked_in_at", "collect_by", "closed_at")
    list_filter = ("status",)
    search_fields = ("order__id", "centre__name")
    exclude = ("code_salt", "code_digest")


# -- vehicles and the daily runs -------------------------------------------------------------


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "hub",
        "carrier",
        "driver",
        "capacity_g",
        "capacity_cm3",
        "shift_start",
        "cost_per_km_minor",
        "currency",
        "is_active",
    )
    list_filter = ("hub", "is_active")
    search_fields = ("name", "hub__code", "hub__name")
    autocomplete_fields = ("driver",)


class RunStopInline(ReadOnlyInline):
    model = RunStop
    fields = ("seq", "village", "centre", "arrive_min", "depart_min", "collect", "deliver")
    ordering = ("seq",)


@admin.register(Run)
class RunAdmin(admin.ModelAdmin):
    """Runs are written by the planner (``plan_runs``); staff only move their status along
    (on the road, done) and may change the driver."""

    list_display = ("date", "hub", "vehicle", "driver", "status", "km", "minutes", "cost_minor")
    list_filter = ("status", "hub", "date")
    date_hierarchy = "date"
    search_fields = ("vehicle__name", "hub__code")
    readonly_fields = ("hub", "date", "vehicle", "km", "minutes", "cost_minor", "currency")
    fields = ("hub", "date", "vehicle", "driver", "status", *readonly_fields[3:])
    autocomplete_fields = ("driver",)
    inlines = (RunStopInline,)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RunLeftover)
class RunLeftoverAdmin(ReadOnlyAdmin):
    list_display = ("date", "hub", "shipment", "reason", "detail")
    list_filter = ("reason", "hub", "date")
    search_fields = ("shipment__code",)
