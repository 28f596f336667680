"""The international-courier interface: every courier, real or sandbox, offers these operations.

A courier is asked to take an export parcel (``book``, with its customs declaration), tells us
later through signed webhooks what happened to it (``verify`` then ``parse_event``), and
answers a status query (``status``), which the polling fallback reads when webhooks are lost.
Each gateway translates its courier's own event codes into the few that Sokoni knows
(``EventCode``), so the services never see a courier's vocabulary.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal, Protocol

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from sokoni.core.errors import DomainError, InvalidInput, NotFound
from sokoni.payments.signatures import SignatureInvalid, verify

if TYPE_CHECKING:
    from sokoni.logistics.models import Shipment

EventCode = Literal[
    "picked_up",
    "at_export_hub",
    "customs_cleared",
    "out_for_delivery",
    "delivery_failed",
    "delivered",
    "returned",
]
EVENT_CODES: Final = frozenset(
    {
        "picked_up",
        "at_export_hub",
        "customs_cleared",
        "out_for_delivery",
        "delivery_failed",
        "delivered",
        "returned",
    }
)
# Incoterm of every export: Delivered At Place (the seller pays the carriage, the buyer the
# import duties), and the reason declared for it.
INCOTERM: Final = "DAP"
REASON_FOR_EXPORT: Final = "sale"


# -- errors ----------------------------------------------------------------------------------


class UnknownCourier(NotFound):
    code = "logistics.unknown_courier"
    default_message = _("No such courier gateway.")


class UnknownTracking(NotFound):
    code = "logistics.unknown_tracking"
    default_message = _("No parcel has that tracking number.")


class BookingRefused(DomainError):
    code = "logistics.booking_refused"
    default_message = _("The courier refused the booking.")


class CourierUnavailable(DomainError):
    code = "logistics.courier_unavailable"
    default_message = _("The courier could not be reached. Try again later.")


class CourierSignatureInvalid(DomainError):
    code = "logistics.courier_signature_invalid"
    default_message = _("The webhook signature is missing, malformed or wrong.")


class CourierSignatureStale(DomainError):
    code = "logistics.courier_signature_stale"
    default_message = _("The webhook's timestamp is outside the accepted window.")


class CourierEventInvalid(InvalidInput):
    code = "logistics.courier_event_invalid"
    default_message = _("The webhook body is not a courier event.")


# -- what goes to and comes from a courier -------------------------------------------------------


@dataclass(frozen=True)
class Party:
    """The exporter or the consignee of a commercial invoice."""

    name: str
    address: str
    country: str
    phone: str = ""


@dataclass(frozen=True)
class CustomsLine:
    """One kind of goods in the parcel, as declared to customs. Values in ``Customs.currency``."""

    description: str
    hs_code: str
    origin_country: str
    quantity: int
    unit: str
    unit_weight_g: int
    unit_value_minor: int

    @property
    def weight_g(self) -> int:
        return self.unit_weight_g * self.quantity

    @property
    def value_minor(self) -> int:
        return self.unit_value_minor * self.quantity


@dataclass(frozen=True)
class Customs:
    """The customs declaration of one export parcel: what its commercial invoice says."""

    invoice_number: str
    invoice_date: date
    currency: str
    exporter: Party
    consignee: Party
    lines: tuple[CustomsLine, ...]
    parcels: int = 1
    incoterm: str = INCOTERM
    reason: str = REASON_FOR_EXPORT
    courier: str = ""
    tracking_number: str = ""

    @property
    def value_minor(self) -> int:
        return sum(line.value_minor for line in self.lines)

    @property
    def weight_g(self) -> int:
        return sum(line.weight_g for line in self.lines)

    @property
    def weight_kg(self) -> Decimal:
        return Decimal(self.weight_g) / 1000


@dataclass(frozen=True)
class Booking:
    """The courier took the parcel: its tracking number and its own label's reference."""

    tracking_number: str
    label_ref: str


@dataclass(frozen=True)
class CourierEvent:
    """Something a courier reports about a parcel, in Sokoni's words.

    ``failure`` is a ``FailureReason`` value for a failed delivery; ``description`` and
    ``location`` are the courier's text, shown on the parcel's timeline.
    """

    event_id: str
    tracking_number: str
    code: EventCode
    occurred_at: datetime
    description: str = ""
    location: str = ""
    failure: str = ""


class CourierGateway(Protocol):
    code: str
    name: str
    # The request header that carries the webhook signature.
    signature_header: str

    def book(self, shipment: Shipment, customs: Customs) -> Booking:
        """Ask the courier to take the parcel; return its tracking number.

        Idempotent per ``shipment.code`` (sent as the shipper's reference): booking the same
        parcel again returns the first booking. Raises ``BookingRefused`` with the courier's
        reason (bad customs data, a destination it does not serve) and ``CourierUnavailable``
        when it cannot be reached. Never called inside a database transaction.
        """
        ...

    def status(self, tracking_number: str) -> list[CourierEvent]:
        """Every event the courier has recorded for a parcel so far, oldest first.

        Raises ``UnknownTracking`` or ``CourierUnavailable``.
        """
        ...

    def verify(self, *, header: str | None, body: bytes, now: float | None = None) -> None:
        """Check a webhook's signature; raise ``CourierSignatureInvalid`` when it is missing
        or wrong and ``CourierSignatureStale`` when its timestamp is outside the window."""
        ...

    def parse_event(self, body: bytes) -> CourierEvent:
        """Read a webhook body; raise ``CourierEventInvalid`` when it is not one event."""
        ...


def webhook_secret() -> str:
    """The shared secret couriers sign their webhooks with.

    Set ``COURIER_WEBHOOK_SECRET`` in production; locally it is derived from SECRET_KEY.
    """
    configured = settings.COURIER_WEBHOOK_SECRET
    if configured:
        return str(configured)
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, b"sokoni-courier-webhook", hashlib.sha256).hexdigest()


def signature_check(*, header: str | None, body: bytes, secret: str, now: float | None) -> None:
    """Check a ``t=<unix>,v1=<hex>`` signature (HMAC-SHA256 over "t.body", the scheme of the
    payment webhooks) within its 5-minute window."""
    try:
        verify(header=header, body=body, secret=secret, now=now)
    except SignatureInvalid as error:
        if error.context.get("reason") == "stale":
            raise CourierSignatureStale() from error
        raise CourierSignatureInvalid() from error
