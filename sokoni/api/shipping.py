"""Delivery before checkout: where Sokoni delivers, and what a product costs to send there."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from sokoni.api.orders import _money
from sokoni.api.schemas import MoneyOut, errors
from sokoni.catalog.delivery import shop_quote
from sokoni.catalog.selectors import product_get_public
from sokoni.core.errors import InvalidInput
from sokoni.shipping.promise import promise_label
from sokoni.shipping.quotes import Destination
from sokoni.shipping.selectors import destination_choices, hub_open
from sokoni.villages.countries import COUNTRY_CODES
from sokoni.villages.models import ServiceCentre

router = Router()
MAX_ID = 2**63 - 1


class PlaceOut(Schema):
    town_id: int | None = Field(description="Send as delivery.town_id for an address there.")
    country: str = Field(description="ISO code; send as delivery.country for a place abroad.")
    name: str
    group: str = Field(description="The country, or 'Other countries' for places abroad.")


class LegOut(Schema):
    leg: str
    carrier: str
    origin: str = Field(alias="from")
    destination: str = Field(alias="to")
    distance_km: int
    cost: MoneyOut


class QuoteOut(Schema):
    price: MoneyOut = Field(description="What the buyer pays (0 over the shop's free threshold).")
    cost: MoneyOut = Field(description="What the carriers charge.")
    free: bool
    earliest: date
    latest: date
    promise: str = Field(description="The promised range in the reader's language.")
    legs: list[LegOut]


class QuoteQuery(Schema):
    product_id: int = Field(ge=1, le=MAX_ID)
    quantity: int = Field(1, ge=1, le=999)
    town_id: int | None = Field(None, ge=1, le=MAX_ID)
    country: str | None = Field(None, max_length=2)
    centre_id: int | None = Field(None, ge=1, le=MAX_ID)


@router.get("/shipping/destinations", response={200: list[PlaceOut], **errors()}, tags=["delivery"])
def destinations(request: HttpRequest) -> list[dict[str, Any]]:
    """Towns with a hub (for addresses there) and the countries abroad couriers reach."""
    places = []
    for place in destination_choices():
        kind, _sep, value = place.value.partition(":")
        hub = int(value) if kind == "hub" else None
        places.append(
            {
                "town_id": hub,
                "country": "" if hub else value,
                "name": place.label,
                "group": place.group,
            }
        )
    return places


def _destination(query: QuoteQuery) -> Destination:
    given = [v is not None for v in (query.town_id, query.country, query.centre_id)]
    if sum(given) != 1:
        raise InvalidInput("Give one of town_id, country or centre_id.", field="destination")
    if query.town_id is not None:
        hub = hub_open(query.town_id)
        if hub is None:
            raise InvalidInput("Unknown town.", field="town_id")
        return Destination(country=hub.country, hub_id=hub.pk, label=hub.name)
    if query.centre_id is not None:
        centre = (
            ServiceCentre.objects.filter(pk=query.centre_id, is_active=True)
            .select_related("village")
            .first()
        )
        if centre is None:
            raise InvalidInput("Unknown service centre.", field="centre_id")
        return Destination(country=centre.village.country, centre_id=centre.pk, label=centre.name)
    country = (query.country or "").upper()
    if country not in COUNTRY_CODES:
        raise InvalidInput("Unknown country.", field="country")
    return Destination(country=country, label=country)


@router.get(
    "/shipping/quote",
    response={200: QuoteOut, **errors(400, 404, 422)},
    by_alias=True,
    tags=["delivery"],
)
def quote(request: HttpRequest, query: Query[QuoteQuery]) -> dict[str, Any]:
    """The delivery price and promised dates of a product to a town, a country or a centre
    (the same quote checkout will use). A place the network cannot reach is a 422."""
    product = product_get_public(query.product_id)
    destination = _destination(query)
    found = shop_quote(product.shop, [(product, query.quantity)], destination, now=timezone.now())
    if found is None:
        raise InvalidInput("This product is not delivered.", field="product_id")
    currency = found.currency
    return {
        "price": _money(found.price_minor, currency),
        "cost": _money(found.cost_minor, currency),
        "free": found.free,
        "earliest": found.earliest,
        "latest": found.latest,
        "promise": promise_label(found.earliest, found.latest),
        "legs": [
            {
                "leg": leg.leg,
                "carrier": leg.carrier,
                "from": leg.origin,
                "to": leg.destination,
                "distance_km": leg.distance_km,
                "cost": _money(leg.cost_minor, currency),
            }
            for leg in found.legs
        ],
    }
