"""Kinds of carriers, legs and zones of the delivery network."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CarrierKind(models.TextChoices):
    OWN_FLEET = "own_fleet", _("Sokoni's own vans")
    COURIER = "courier", _("Local courier")
    POST = "post", _("National post")
    INTERNATIONAL = "international", _("International courier")


class LegKind(models.TextChoices):
    """The stretches a parcel travels; each is served by a carrier's service."""

    FIRST_MILE = "first_mile", _("Village to hub")
    LINE_HAUL = "line_haul", _("Hub to hub")
    LAST_MILE = "last_mile", _("Hub to the address")
    CENTRE = "centre", _("Hub to the service centre")
    EXPORT = "export", _("Abroad by international courier")


class ZoneKind(models.TextChoices):
    LOCAL = "local", _("Within one hub's area")
    NATIONAL = "national", _("Between hubs in the country")
    INTERNATIONAL = "international", _("Abroad")
