"""Writes to the delivery network that need more than a model save."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from sokoni.shipping.models import RateBand, RateTable
from sokoni.shipping.network import network_forget
from sokoni.shipping.rates import Band, check_bands


@transaction.atomic
def rate_table_set(*, table: RateTable, bands: Sequence[Band]) -> RateTable:
    """Replace a rate table's prices with ``bands``, refused (``RateTableInvalid``, nothing
    changed) unless they form a full grid with no gap or overlap."""
    check_bands(bands)
    RateTable.objects.select_for_update().filter(pk=table.pk).first()
    table.bands.all().delete()
    RateBand.objects.bulk_create(
        RateBand(
            table=table,
            weight_from_g=band.weight_from_g,
            weight_to_g=band.weight_to_g,
            distance_from_km=band.distance_from_km,
            distance_to_km=band.distance_to_km,
            price_minor=band.price_minor,
        )
        for band in bands
    )
    transaction.on_commit(network_forget)
    return table
