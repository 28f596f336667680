"""Parcels at service centres: checked in by the operator, handed over against a code."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sokoni.logistics.states import PickupStatus
from sokoni.orders.models import Order
from sokoni.villages.models import ServiceCentre


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
