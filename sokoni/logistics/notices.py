"""Text messages about parcels at service centres, in each reader's language."""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _

from sokoni.accounts.models import User
from sokoni.logistics.models import Pickup
from sokoni.orders.models import Order
from sokoni.orders.notices import notify, notify_phone


def recipient_language(order: Order) -> str:
    """The recipient's own language when they have an account, else the buyer's."""
    known = User.objects.filter(phone=order.checkout.recipient_phone).only("language").first()
    return (known or order.buyer).language or "en"


def send_code(pickup: Pickup, code: str) -> None:
    """The pickup code goes to the person who collects (the recipient); a buyer who ordered
    for someone else hears that the parcel arrived, without the code."""
    order = pickup.order
    checkout = order.checkout

    def with_code(language: str) -> str:
        return _(
            "Sokoni: pickup code %(code)s for parcel %(number)s at %(centre)s. Collect it by "
            "%(date)s."
        ) % {
            "code": code,
            "number": order.number,
            "centre": pickup.centre.name,
            "date": formats.date_format(pickup.collect_by, "SHORT_DATE_FORMAT"),
        }

    key = f"pickup:{pickup.pk}:code:{pickup.codes_sent}"
    notify_phone(checkout.recipient_phone, recipient_language(order), with_code, key, code)
    if order.buyer.phone != checkout.recipient_phone and pickup.codes_sent == 1:

        def arrived(language: str) -> str:
            return _(
                "Sokoni: parcel %(number)s for %(name)s is at %(centre)s; they got the pickup "
                "code by SMS."
            ) % {
                "number": order.number,
                "name": checkout.recipient_name,
                "centre": pickup.centre.name,
            }

        notify(order.buyer, arrived, f"pickup:{pickup.pk}:arrived")


def send_returned(pickup: Pickup) -> None:
    """The seller and the operator hear that an uncollected parcel goes back."""
    order = pickup.order

    def to_seller(language: str) -> str:
        return _(
            "Sokoni: parcel %(number)s was not collected from %(centre)s in time. It comes "
            "back to you and the buyer is refunded."
        ) % {"number": order.number, "centre": pickup.centre.name}

    notify(order.shop.owner, to_seller, f"pickup:{pickup.pk}:returned:seller")
    operator = pickup.centre.operator
    if operator is not None:

        def to_operator(language: str) -> str:
            return _(
                "Sokoni: parcel %(number)s was not collected in time. Send it back to %(shop)s."
            ) % {"number": order.number, "shop": order.shop.name}

        notify(operator, to_operator, f"pickup:{pickup.pk}:returned:operator")
