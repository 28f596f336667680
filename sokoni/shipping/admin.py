"""Staff keep the delivery network in the admin: hubs and the villages they serve, carriers
and their services, zones, rate tables, road factors and holidays.

A rate table is saved with its bands in one form; the formset refuses the save when the
bands leave a gap, overlap, miss a cell or price one twice (``rates.check_bands``), so a
table with holes never reaches checkout.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest

from sokoni.shipping.errors import RateTableInvalid
from sokoni.shipping.models import (
    Carrier,
    Holiday,
    Hub,
    HubVillage,
    RateBand,
    RateTable,
    RoadFactor,
    Service,
    Zone,
)
from sokoni.shipping.network import network_forget
from sokoni.shipping.rates import Band, check_bands


class NetworkAdmin(admin.ModelAdmin):
    """Saving any part of the network drops this process's copy used for quotes."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        transaction.on_commit(network_forget)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        transaction.on_commit(network_forget)


class HubVillageInline(admin.TabularInline):
    model = HubVillage
    extra = 0
    raw_id_fields = ("village",)
    fields = ("village", "collect_from", "collect_until")


@admin.register(Hub)
class HubAdmin(NetworkAdmin):
    list_display = ("name", "code", "country", "region", "latitude", "longitude", "is_active")
    list_filter = ("country", "is_active")
    search_fields = ("name", "code", "region")
    prepopulated_fields = {"code": ("name",)}
    filter_horizontal = ("staff",)
    inlines = (HubVillageInline,)


@admin.register(HubVillage)
class HubVillageAdmin(NetworkAdmin):
    list_display = ("village", "hub", "collect_from", "collect_until")
    list_filter = ("hub",)
    search_fields = ("village__name", "hub__name")
    raw_id_fields = ("village",)
    list_select_related = ("village", "hub")


class ServiceInline(admin.TabularInline):
    model = Service
    extra = 0
    fields = (
        "leg", "country", "transit_min_days", "transit_max_days", "cutoff", "works_saturday",
        "works_sunday", "is_active",
    )  # fmt: skip
    show_change_link = True


@admin.register(Carrier)
class CarrierAdmin(NetworkAdmin):
    list_display = ("name", "kind", "phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name",)
    filter_horizontal = ("staff",)
    inlines = (ServiceInline,)


class RateTableInline(admin.TabularInline):
    model = RateTable
    extra = 0
    fields = ("zone", "currency")
    show_change_link = True


@admin.register(Service)
class ServiceAdmin(NetworkAdmin):
    list_display = (
        "carrier", "leg", "country", "transit_min_days", "transit_max_days", "cutoff", "is_active",
    )  # fmt: skip
    list_filter = ("leg", "country", "carrier", "is_active")
    filter_horizontal = ("hubs",)
    inlines = (RateTableInline,)
    list_select_related = ("carrier",)


class RateBandFormSet(forms.BaseInlineFormSet):
    """The bands of one table are checked together: a full grid or nothing is saved."""

    def clean(self) -> None:
        super().clean()
        if any(form.errors for form in self.forms):
            return
        bands = []
        for form in self.forms:
            data: dict[str, Any] = getattr(form, "cleaned_data", {})
            if not data or data.get("DELETE"):
                continue
            bands.append(
                Band(
                    data["weight_from_g"],
                    data["weight_to_g"],
                    data["distance_from_km"],
                    data["distance_to_km"],
                    data["price_minor"],
                )
            )
        try:
            check_bands(bands)
        except RateTableInvalid as error:
            raise ValidationError(str(error.message), code=RateTableInvalid.code) from error


class RateBandInline(admin.TabularInline):
    model = RateBand
    formset = RateBandFormSet
    extra = 1
    fields = ("weight_from_g", "weight_to_g", "distance_from_km", "distance_to_km", "price_minor")


@admin.register(RateTable)
class RateTableAdmin(NetworkAdmin):
    list_display = ("service", "zone", "currency")
    list_filter = ("zone", "service__leg", "service__country", "service__carrier")
    list_select_related = ("service__carrier", "zone")
    inlines = (RateBandInline,)


@admin.register(Zone)
class ZoneAdmin(NetworkAdmin):
    list_display = ("name", "code", "kind", "countries")
    list_filter = ("kind",)
    prepopulated_fields = {"code": ("name",)}


@admin.register(RoadFactor)
class RoadFactorAdmin(NetworkAdmin):
    list_display = ("country", "region", "factor")
    list_filter = ("country",)


@admin.register(Holiday)
class HolidayAdmin(NetworkAdmin):
    list_display = ("country", "date", "name")
    list_filter = ("country",)
    date_hierarchy = "date"
