"""The delivery network: hubs, the villages each serves, carriers and the legs they run, with
their rate tables (weight band x distance band), working days and the holidays of each country.

Staff keep all of it in the admin. A rate table is a full grid: every weight band crossed with
every distance band has exactly one price, bands start at 0 and touch without gaps or overlaps
(``rates.check_bands``, run when the table is saved).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sokoni.core.text import validate_no_control_characters
from sokoni.shipping.states import CarrierKind, LegKind, ZoneKind
from sokoni.villages.countries import validate_country_code
from sokoni.villages.models import Village

_LATITUDE = [MinValueValidator(-90), MaxValueValidator(90)]
_LONGITUDE = [MinValueValidator(-180), MaxValueValidator(180)]


class Hub(models.Model):
    """A town depot: parcels from the villages around it meet here and leave for other hubs."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120, validators=[validate_no_control_characters])
    country = models.CharField(_("country"), max_length=2, validators=[validate_country_code])
    region = models.CharField(
        _("region or province"), max_length=120, validators=[validate_no_control_characters]
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, validators=_LATITUDE
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, validators=_LONGITUDE
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    opens_at = models.TimeField(_("opens at"), default=dt.time(7, 0))
    closes_at = models.TimeField(_("closes at"), default=dt.time(18, 0))
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="hubs_staffed",
        verbose_name=_("hub staff"),
        help_text=_("People who may record parcels arriving at and leaving this hub."),
    )
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("hub")
        verbose_name_plural = _("hubs")
        ordering = ["country", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")), name="hub_hours_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.country})"


class HubVillage(models.Model):
    """The hub that serves a village: its parcels are collected to it and delivered from it."""

    village = models.OneToOneField(
        Village,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="hub_link",
        verbose_name=_("village"),
    )
    hub = models.ForeignKey(
        Hub, on_delete=models.PROTECT, related_name="village_links", verbose_name=_("hub")
    )
    # When shops hand parcels to the collection run (the run's time window in the village).
    collect_from = models.TimeField(_("collection from"), default=dt.time(8, 0))
    collect_until = models.TimeField(_("collection until"), default=dt.time(17, 0))

    class Meta:
        verbose_name = _("village served by a hub")
        verbose_name_plural = _("villages served by hubs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(collect_from__lt=models.F("collect_until")),
                name="hub_village_window_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village_id} -> {self.hub_id}"


class RoadFactor(models.Model):
    """How much longer the roads are than the straight line, per region (blank: the country)."""

    country = models.CharField(_("country"), max_length=2, validators=[validate_country_code])
    region = models.CharField(_("region"), max_length=120, blank=True)
    factor = models.DecimalField(
        _("road factor"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text=_("Road distance divided by straight-line distance, e.g. 1.35."),
    )

    class Meta:
        verbose_name = _("road factor")
        verbose_name_plural = _("road factors")
        ordering = ["country", "region"]
        constraints = [
            models.UniqueConstraint(fields=["country", "region"], name="road_factor_once"),
            models.CheckConstraint(
                condition=models.Q(factor__gte=1, factor__lte=4), name="road_factor_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country} {self.region or '*'}: {self.factor}"


class Holiday(models.Model):
    """A public holiday: no carrier of that country moves parcels on it."""

    country = models.CharField(_("country"), max_length=2, validators=[validate_country_code])
    date = models.DateField(_("date"))
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["country", "date"]
        constraints = [models.UniqueConstraint(fields=["country", "date"], name="holiday_once")]

    def __str__(self) -> str:
        return f"{self.country} {self.date}: {self.name}"


class Carrier(models.Model):
    name = models.CharField(_("name"), max_length=120, validators=[validate_no_control_characters])
    kind = models.CharField(_("kind"), max_length=16, choices=CarrierKind.choices)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="carriers_staffed",
        verbose_name=_("drivers and couriers"),
        help_text=_("People who may record tracking events for this carrier's parcels."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CarrierKind.values), name="carrier_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Zone(models.Model):
    """A shipping zone: what rate tables are priced for. A parcel's zone is local when it stays
    in one hub's area, national between hubs of one country, or the international zone that
    lists the destination country (one with no countries listed takes the rest of the world)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=ZoneKind.choices)
    countries = models.CharField(
        _("destination countries"),
        max_length=400,
        blank=True,
        validators=[RegexValidator(r"^([A-Z]{2}( [A-Z]{2})*)?$")],
        help_text=_("International zones: ISO codes separated by spaces, e.g. US GB DE."),
    )

    class Meta:
        verbose_name = _("shipping zone")
        verbose_name_plural = _("shipping zones")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=ZoneKind.values), name="zone_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def country_list(self) -> list[str]:
        return self.countries.split()


class Service(models.Model):
    """A leg a carrier runs: its kind, where, how long it takes and when parcels must be in."""

    carrier = models.ForeignKey(
        Carrier, on_delete=models.PROTECT, related_name="services", verbose_name=_("carrier")
    )
    leg = models.CharField(_("leg"), max_length=12, choices=LegKind.choices)
    country = models.CharField(
        _("country"),
        max_length=2,
        validators=[validate_country_code],
        help_text=_("Where the leg starts."),
    )
    hubs = models.ManyToManyField(
        Hub,
        blank=True,
        related_name="services",
        verbose_name=_("hubs"),
        help_text=_("The hubs it serves; none chosen means every hub in the country."),
    )
    transit_min_days = models.PositiveSmallIntegerField(
        _("transit, fastest (working days)"), validators=[MaxValueValidator(60)]
    )
    transit_max_days = models.PositiveSmallIntegerField(
        _("transit, slowest (working days)"), validators=[MaxValueValidator(60)]
    )
    cutoff = models.TimeField(
        _("cut-off time"),
        default=dt.time(14, 0),
        help_text=_("Parcels handed in after this leave on the next working day."),
    )
    works_saturday = models.BooleanField(_("works on Saturdays"), default=False)
    works_sunday = models.BooleanField(_("works on Sundays"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("carrier service")
        verbose_name_plural = _("carrier services")
        ordering = ["carrier", "leg"]
        constraints = [
            models.CheckConstraint(condition=models.Q(leg__in=LegKind.values), name="service_leg"),
            models.CheckConstraint(
                condition=models.Q(transit_min_days__lte=models.F("transit_max_days")),
                name="service_transit_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.carrier}: {self.get_leg_display()} ({self.country})"


class RateTable(models.Model):
    """The prices of one service in one zone (no zone: every zone), by weight and distance."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="rate_tables", verbose_name=_("service")
    )
    zone = models.ForeignKey(
        Zone,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rate_tables",
        verbose_name=_("zone"),
    )
    currency = models.CharField(_("currency"), max_length=3)

    class Meta:
        verbose_name = _("rate table")
        verbose_name_plural = _("rate tables")
        constraints = [
            models.UniqueConstraint(fields=["service", "zone"], name="rate_table_once_per_zone"),
            models.UniqueConstraint(
                fields=["service"],
                condition=models.Q(zone__isnull=True),
                name="rate_table_once_any_zone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service} / {self.zone or '*'}"


class RateBand(models.Model):
    """One cell of a rate table: the price for weights in [from, to) grams over distances in
    [from, to) kilometres."""

    table = models.ForeignKey(RateTable, on_delete=models.CASCADE, related_name="bands")
    weight_from_g = models.PositiveIntegerField(_("weight from (g)"))
    weight_to_g = models.PositiveIntegerField(_("weight up to (g)"))
    distance_from_km = models.PositiveIntegerField(_("distance from (km)"))
    distance_to_km = models.PositiveIntegerField(_("distance up to (km)"))
    price_minor = models.BigIntegerField(_("price (minor units)"))

    class Meta:
        verbose_name = _("rate band")
        verbose_name_plural = _("rate bands")
        ordering = ["weight_from_g", "distance_from_km"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight_from_g__lt=models.F("weight_to_g")),
                name="rate_band_weight_order",
            ),
            models.CheckConstraint(
                condition=models.Q(distance_from_km__lt=models.F("distance_to_km")),
                name="rate_band_distance_order",
            ),
            models.CheckConstraint(
                condition=models.Q(price_minor__gte=0), name="rate_band_price_not_negative"
            ),
            models.UniqueConstraint(
                fields=["table", "weight_from_g", "distance_from_km"], name="rate_band_cell_once"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.weight_from_g}-{self.weight_to_g} g, "
            f"{self.distance_from_km}-{self.distance_to_km} km: {self.price_minor}"
        )
