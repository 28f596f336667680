"""What delivering a shop's products costs and when they arrive: the network's quote for the
parcel they make together (sokoni.shipping), read by the product and cart pages, checkout,
USSD and the service-centre cart alike."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sokoni.catalog.models import Product, Shop
from sokoni.shipping.quotes import Destination, Quote, quote

# What a quote reads of a product besides its shop (for ``.only()`` callers).
PARCEL_FIELDS = ("kind", "weight_g", "length_cm", "width_cm", "height_cm", "price_minor")
SHOP_FIELDS = ("shop__village_id", "shop__currency", "shop__free_shipping_over_minor")


def shop_quote(
    shop: Shop,
    items: Sequence[tuple[Product, int]],
    destination: Destination,
    *,
    now: dt.datetime,
) -> Quote | None:
    """The quote for one shop's items in one parcel, or None when nothing of it travels.

    Raises ``shipping.errors.NoRoute`` when the network cannot take it there.
    """
    parcel = [(product, quantity) for product, quantity in items if product.ships]
    if not parcel:
        return None
    return quote(
        origin_village_id=shop.village_id,
        destination=destination,
        weight_g=sum(product.weight_g * quantity for product, quantity in parcel),
        volume_cm3=sum(product.volume_cm3 * quantity for product, quantity in parcel),
        currency=shop.currency,
        goods_minor=sum(product.price_minor * quantity for product, quantity in items),
        free_over_minor=shop.free_shipping_over_minor,
        now=now,
    )
