"""Parcels on their way: shipments with their legs and tracking events, the vehicles and the
daily pickup runs that collect and deliver them, and parcels waiting at service centres."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sokoni.core.models import AppendOnlyModel
from sokoni.logistics.states import FailureReason, PickupStatus, RunStatus, ShipmentStatus
from sokoni.orders.models import Order
from sokoni.shipping.models import Carrier, Hub, Service
from sokoni.shipping.states import LegKind
from sokoni.villages.models import ServiceCentre, Village


class Pickup(models.Model):
    """One parcel waiting at a service centre for its buyer.

    The 6-digit code is sent by SMS and only its keyed hash is kept. Wrong codes are counted;
    PICKUP_MAX_FAILURES of them lock the parcel for PICKUP_LOCK_MINUTES.
    """

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="pickup")
    centre = models.ForeignKey(
        ServiceCentre, on_delete=models.PROTECT, related_name="pickups", verbose_name=_("centre")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PickupStatus.choices, default=PickupStatus.WAITING
    )
    checked_in_at = models.DateTimeField(_("checked in"))
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    collect_by = models.DateTimeField(_("collect by"))
    code_salt = models.CharField(max_length=32)
    code_digest = models.CharField(max_length=64)
    codes_sent = models.PositiveSmallIntegerField(default=1)
    failures = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("handed over or sent back"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("parcel for pickup")
        verbose_name_plural = _("parcels for pickup")
        ordering = ["collect_by", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=PickupStatus.values), name="pickup_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["centre", "status", "collect_by"], name="pickup_by_centre")]

    def __str__(self) -> str:
        return f"pickup of {self.order_id}"


class Shipment(models.Model):
    """One order's parcel on its way, from the seller's village through hubs to the buyer.

    ``code`` is printed on the label (and in its QR code) and is what couriers scan or text.
    The route and prices come from the order's quote; events move ``status`` along
    ``SHIPMENT_TRANSITIONS`` with a conditional update.
    """

    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="shipment")
    code = models.CharField(_("parcel code"), max_length=12, unique=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ShipmentStatus.choices,
        default=ShipmentStatus.AWAITING_PICKUP,
    )
    status_changed_at = models.DateTimeField(_("status since"), auto_now_add=True)
    origin_village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="+", verbose_name=_("from village")
    )
    origin_hub = models.ForeignKey(
        Hub, on_delete=models.PROTECT, related_name="outbound", verbose_name=_("first hub")
    )
    destination_hub = models.ForeignKey(
        Hub,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound",
        verbose_name=_("last hub"),
    )
    centre = models.ForeignKey(
        ServiceCentre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shipments",
        verbose_name=_("service centre"),
    )
    destination_country = models.CharField(_("destination country"), max_length=2)
    is_export = models.BooleanField(_("export"), default=False)
    weight_g = models.PositiveIntegerField(_("weight (g)"))
    volume_cm3 = models.PositiveIntegerField(_("volume (cm³)"))
    cost_minor = models.BigIntegerField(_("carriers' charge"))
    currency = models.CharField(_("currency"), max_length=3)
    promised_from = models.DateField(_("promised from"))
    promised_to = models.DateField(_("promised by"))
    # The international courier's own tracking number, for exports.
    courier_tracking = models.CharField(_("courier tracking number"), max_length=40, blank=True)
    # Booking an export: when the next attempt is due (or until when one attempt holds the
    # parcel), empty when none is (booked, refused, given up); the clock's sweep books the
    # parcels whose attempt is overdue, its task lost. See ``courier.courier_book``.
    courier_book_due_at = models.DateTimeField(_("courier booking due"), null=True, blank=True)
    # Counters written only by the services; plain integers, for a Positive... field's CHECK
    # would be verified row by row on the live table when added (core.migration_safety).
    courier_book_attempts = models.SmallIntegerField(_("courier booking attempts"), default=0)
    # Polling the courier once booked: rounds done and when it was last asked (or booked).
    courier_polls = models.SmallIntegerField(_("courier polls"), default=0)
    courier_polled_at = models.DateTimeField(_("courier last asked"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    picked_up_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ShipmentStatus.values), name="shipment_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(cost_minor__gte=0), name="shipment_cost_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["origin_hub", "status"], name="shipment_by_origin"),
            models.Index(fields=["destination_hub", "status"], name="shipment_by_destination"),
        ]

    def __str__(self) -> str:
        return self.code


class ShipmentLeg(models.Model):
    """One stretch of the route, run by one carrier's service, as quoted."""

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="legs")
    seq = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("leg"), max_length=12, choices=LegKind.choices)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    carrier = models.ForeignKey(
        Carrier, on_delete=models.PROTECT, related_name="legs", verbose_name=_("carrier")
    )
    origin = models.CharField(_("from"), max_length=120)
    destination = models.CharField(_("to"), max_length=120)
    distance_km = models.PositiveIntegerField(_("distance (km)"))
    cost_minor = models.BigIntegerField(_("charge"))

    class Meta:
        verbose_name = _("shipment leg")
        verbose_name_plural = _("shipment legs")
        ordering = ["shipment", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "seq"], name="shipment_leg_once"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}#{self.seq} {self.kind}"


class TrackingEvent(AppendOnlyModel):
    """Something that happened to a parcel: who recorded it, where, how, and why."""

    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=20, choices=ShipmentStatus.choices)
    at = models.DateTimeField(_("at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    carrier = models.ForeignKey(
        Carrier, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    failure = models.CharField(
        _("why it failed"), max_length=16, choices=FailureReason.choices, blank=True
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    # web, qr, sms, api, courier (an international courier's feed) or system.
    via = models.CharField(_("recorded by way of"), max_length=10)

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ShipmentStatus.values), name="tracking_event_kind"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=ShipmentStatus.FAILED_ATTEMPT) | ~models.Q(failure=""),
                name="failed_attempt_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class Vehicle(models.Model):
    """A van or truck based at a hub that runs the daily pickup and delivery runs."""

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="vehicles")
    carrier = models.ForeignKey(Carrier, on_delete=models.PROTECT, related_name="vehicles")
    name = models.CharField(_("name or plate"), max_length=40)
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vehicles_driven",
        verbose_name=_("driver"),
    )
    capacity_g = models.PositiveIntegerField(
        _("load capacity (g)"), validators=[MinValueValidator(1)]
    )
    capacity_cm3 = models.PositiveIntegerField(
        _("volume capacity (cm³)"), validators=[MinValueValidator(1)]
    )
    shift_start = models.TimeField(_("shift starts"), default=dt.time(7, 0))
    max_shift_minutes = models.PositiveSmallIntegerField(
        _("longest shift (minutes)"),
        default=600,
        validators=[MinValueValidator(30), MaxValueValidator(16 * 60)],
    )
    cost_per_km_minor = models.PositiveIntegerField(_("cost per km (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    speed_kmh = models.PositiveSmallIntegerField(
        _("average speed (km/h)"), default=40, validators=[MinValueValidator(5)]
    )
    is_active = models.BooleanField(_("in service"), default=True)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["hub", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity_g__gt=0, capacity_cm3__gt=0, speed_kmh__gt=0),
                name="vehicle_capacity_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.hub_id})"


class Run(models.Model):
    """One vehicle's planned round from its hub on one day."""

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="runs")
    date = models.DateField(_("date"))
    vehicle = models.ForeignKey(Vehicle, on_delete=models.PROTECT, related_name="runs")
    driver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="runs_driven",
        verbose_name=_("driver"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.PLANNED
    )
    km = models.DecimalField(_("distance (km)"), max_digits=8, decimal_places=1)
    minutes = models.PositiveIntegerField(_("duration (minutes)"))
    cost_minor = models.BigIntegerField(_("cost"))
    currency = models.CharField(_("currency"), max_length=3)
    planned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pickup run")
        verbose_name_plural = _("pickup runs")
        ordering = ["-date", "hub", "vehicle"]
        constraints = [
            models.UniqueConstraint(fields=["vehicle", "date"], name="run_once_per_vehicle_day"),
        ]

    def __str__(self) -> str:
        return f"{self.vehicle} {self.date}"


class RunStop(models.Model):
    """A stop of a run, in driving order, with the parcels collected and delivered there."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="stops")
    seq = models.PositiveSmallIntegerField(_("stop"))
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    centre = models.ForeignKey(
        ServiceCentre, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    arrive_min = models.PositiveSmallIntegerField(_("arrive (minutes after midnight)"))
    depart_min = models.PositiveSmallIntegerField(_("leave (minutes after midnight)"))
    collect = models.ManyToManyField(Shipment, related_name="collected_at", blank=True)
    deliver = models.ManyToManyField(Shipment, related_name="delivered_at_stop", blank=True)

    class Meta:
        verbose_name = _("run stop")
        verbose_name_plural = _("run stops")
        ordering = ["run", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["run", "seq"], name="run_stop_once"),
        ]

    def __str__(self) -> str:
        return f"{self.run_id}#{self.seq}"


class RunLeftover(models.Model):
    """A parcel a day's plan could not take, and why; it is planned again the next day."""

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="leftovers")
    reason = models.CharField(_("reason"), max_length=20)
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("parcel left for the next day")
        verbose_name_plural = _("parcels left for the next day")
        ordering = ["-date", "shipment"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "date", "shipment"], name="leftover_once"),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.date}: {self.reason}"


class PlannedDay(models.Model):
    """A hub's day that has a plan (made by the daily task, the clock's sweep, the command or
    hub staff), however empty: the sweep plans only days without one."""

    hub = models.ForeignKey(Hub, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    planned_at = models.DateTimeField(_("last planned"))

    class Meta:
        verbose_name = _("planned day")
        verbose_name_plural = _("planned days")
        ordering = ["-date", "hub"]
        constraints = [
            models.UniqueConstraint(fields=["hub", "date"], name="planned_day_once"),
        ]

    def __str__(self) -> str:
        return f"{self.hub_id} {self.date}"


# -- exports by international courier ----------------------------------------------------------


class CourierEventReceipt(AppendOnlyModel):
    """One event of an international courier's feed, handled once.

    Webhooks and the polling fallback both write here before they move a parcel: an event
    delivered twice, or found again by polling, changes nothing the second time. ``outcome``
    says what the event did: applied, unchanged (the parcel already was there) or ignored
    (older than an event already applied). A move the parcel cannot make from where it is
    leaves no receipt, so that it is handled once the events before it arrive.
    """

    gateway = models.CharField(_("courier gateway"), max_length=20)
    event_id = models.CharField(_("courier's event id"), max_length=80)
    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="+")
    # When the courier says it happened: a later-dated event already handled makes it stale.
    occurred_at = models.DateTimeField(_("happened"))
    outcome = models.CharField(_("outcome"), max_length=10)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("courier event received")
        verbose_name_plural = _("courier events received")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["gateway", "event_id"], name="courier_event_once"),
        ]
        indexes = [models.Index(fields=["shipment", "occurred_at"], name="courier_event_by_parcel")]

    def __str__(self) -> str:
        return f"{self.gateway}:{self.event_id}"


class SandboxCourierParcel(models.Model):
    """The sandbox courier's own books, as a real courier keeps them on its side.

    What was booked under which shipper's reference, and the events the courier will report
    (planned at booking). Its status query reads these rows; the platform's records never do.
    """

    tracking_number = models.CharField(max_length=20, unique=True)
    reference = models.CharField(max_length=40, unique=True)
    label_ref = models.CharField(max_length=40)
    destination_country = models.CharField(max_length=2)
    booked_at = models.DateTimeField()
    events = models.JSONField(default=list)

    class Meta:
        verbose_name = _("sandbox courier parcel")
        verbose_name_plural = _("sandbox courier parcels")

    def __str__(self) -> str:
        return self.tracking_number
