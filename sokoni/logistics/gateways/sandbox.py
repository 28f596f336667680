"""The sandbox courier: behaves like a real international courier, for local use, demos and tests.

Booking is answered at once. It is refused, with the reason in the courier's words, when the
customs declaration is incomplete (a line with no HS code or country of origin, no weight or
value, no consignee address), when the parcel is not going abroad, or when it weighs over
70 kg. Booking the same parcel again (same shipper's reference, our parcel code) returns the
first booking. Tracking numbers are ``SBX`` and 10 digits, the last a Luhn check digit,
derived from the parcel code: the same parcel always gets the same number.

After booking, the courier reports over the following days (one ``COURIER_SANDBOX_DAY_SECONDS``
each): picked up, arrived at the export hub, customs cleared and in transit abroad, out for
delivery, delivered. Some parcels (serial % 4 == 1) first meet nobody at home and are
delivered the next day. Each event comes as a signed webhook through the task queue, a couple
of minutes after it happened; "picked up" and "delivered" are sent twice, and for some parcels
(serial % 3 == 2) the customs webhook arrives late, after "out for delivery". Its status query
answers every event whose time has come.

The sandbox keeps its own books in ``SandboxCourierParcel``, which its status query reads.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import datetime, timedelta
from typing import Any, Final

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from sokoni.core.errors import DomainError
from sokoni.core.tasks import defer
from sokoni.logistics.gateways.base import (
    Booking,
    BookingRefused,
    CourierEvent,
    CourierEventInvalid,
    CourierUnavailable,
    Customs,
    EventCode,
    UnknownTracking,
    signature_check,
    webhook_secret,
)
from sokoni.logistics.models import SandboxCourierParcel, Shipment
from sokoni.payments.signatures import HEADER, sign

logger = logging.getLogger(__name__)

PREFIX: Final = "SBX"
TRACKING: Final = re.compile(r"SBX\d{10}")
HS_CODE: Final = re.compile(r"\d{6,10}")
COUNTRY: Final = re.compile(r"[A-Z]{2}")
MAX_WEIGHT_G: Final = 70_000
# The courier's own event codes, and what each means in Sokoni's words (with why a delivery
# failed): picked up, arrived at facility, clearance released, with courier, not home, bad
# address, refused, delivered, returned to shipper.
WIRE_CODES: Final[dict[str, tuple[EventCode, str]]] = {
    "PU": ("picked_up", ""),
    "AF": ("at_export_hub", ""),
    "CR": ("customs_cleared", ""),
    "WC": ("out_for_delivery", ""),
    "NH": ("delivery_failed", "nobody_home"),
    "BA": ("delivery_failed", "wrong_address"),
    "RD": ("delivery_failed", "refused"),
    "OK": ("delivered", ""),
    "RT": ("returned", ""),
}


# -- tracking numbers --------------------------------------------------------------------------


def luhn_digit(digits: str) -> str:
    """The Luhn check digit to append to ``digits``."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def tracking_number_valid(text: str) -> bool:
    return bool(TRACKING.fullmatch(text)) and luhn_digit(text[3:12]) == text[12]


def tracking_number_for(reference: str, attempt: int = 0) -> str:
    """The tracking number of the parcel with this shipper's reference (another ``attempt``
    draws another, when the first is taken)."""
    digest = hashlib.sha256(f"sandbox-courier:{reference}:{attempt}".encode()).digest()
    serial = f"{int.from_bytes(digest[:8], 'big') % 10**9:09d}"
    return PREFIX + serial + luhn_digit(serial)


def has_failed_attempt(tracking_number: str) -> bool:
    return int(tracking_number[3:12]) % 4 == 1


def has_late_webhook(tracking_number: str) -> bool:
    return int(tracking_number[3:12]) % 3 == 2


# -- booking ---------------------------------------------------------------------------------


def refusals(customs: Customs) -> list[str]:
    """Why the courier would refuse this declaration, in its own words (empty: it books)."""
    reasons: list[str] = []
    if not customs.lines:
        reasons.append("no goods declared")
    for number, line in enumerate(customs.lines, start=1):
        what = f"line {number} ({line.description})"
        if not line.hs_code:
            reasons.append(f"HS code missing on {what}")
        elif not HS_CODE.fullmatch(line.hs_code):
            reasons.append(f"HS code on {what} must have 6 to 10 digits")
        if not COUNTRY.fullmatch(line.origin_country):
            reasons.append(f"country of origin missing on {what}")
        if line.quantity < 1 or line.unit_weight_g < 1:
            reasons.append(f"quantity or weight missing on {what}")
        if line.unit_value_minor <= 0:
            reasons.append(f"declared value on {what} must be above zero")
    consignee = customs.consignee
    if not (consignee.name.strip() and consignee.address.strip()):
        reasons.append("consignee name and address are required")
    if not COUNTRY.fullmatch(consignee.country) or consignee.country == customs.exporter.country:
        reasons.append("destination is not abroad")
    if customs.weight_g > MAX_WEIGHT_G:
        reasons.append("parcels over 70 kg go as freight")
    return reasons


def _plan(
    tracking: str, booked_at: datetime, origin: str, destination: str
) -> list[dict[str, str]]:
    """The events the courier will report, and when."""
    day = timedelta(seconds=settings.COURIER_SANDBOX_DAY_SECONDS)
    steps: list[tuple[str, float, str, str]] = [
        ("PU", 0.25, "Shipment picked up", origin),
        ("AF", 1.0, "Arrived at the export hub", f"{origin} export hub"),
        ("CR", 3.0, "Customs clearance released; in transit", destination),
        ("WC", 5.0, "With the delivery courier", destination),
    ]
    if has_failed_attempt(tracking):
        steps += [
            ("NH", 5.3, "Recipient not at home; card left", destination),
            ("WC", 6.0, "With the delivery courier, second attempt", destination),
            ("OK", 6.25, "Delivered; signed for", destination),
        ]
    else:
        steps.append(("OK", 5.25, "Delivered; signed for", destination))
    return [
        {
            "event_id": f"{tracking}-{number:02d}",
            "code": code,
            "at": (booked_at + day * offset).isoformat(),
            "remark": remark,
            "location": location,
        }
        for number, (code, offset, remark, location) in enumerate(steps, start=1)
    ]


def _deliveries(tracking: str, plan: list[dict[str, str]]) -> list[tuple[str, datetime]]:
    """When each event's webhook is sent: a little after it happened, some twice, one late."""
    lag = timedelta(seconds=settings.COURIER_SANDBOX_DAY_SECONDS) / 720
    sends = [(event["event_id"], datetime.fromisoformat(event["at"]) + lag) for event in plan]
    sends.extend(
        (event["event_id"], datetime.fromisoformat(event["at"]) + lag * 3)
        for event in plan
        if event["code"] in ("PU", "OK")
    )
    if has_late_webhook(tracking):
        out = next(datetime.fromisoformat(e["at"]) for e in plan if e["code"] == "WC")
        customs = next(e["event_id"] for e in plan if e["code"] == "CR")
        sends = [(eid, out + lag * 2 if eid == customs else at) for eid, at in sends]
    return sorted(sends, key=lambda send: send[1])


def _booking(parcel: SandboxCourierParcel) -> Booking:
    return Booking(tracking_number=parcel.tracking_number, label_ref=parcel.label_ref)


# -- webhooks --------------------------------------------------------------------------------


def event_body(tracking_number: str, event_id: str) -> bytes:
    """The JSON the sandbox courier posts about one event of one of its parcels."""
    parcel = SandboxCourierParcel.objects.get(tracking_number=tracking_number)
    event = next(e for e in parcel.events if e["event_id"] == event_id)
    return json.dumps(
        {
            "event_id": event["event_id"],
            "tracking_number": parcel.tracking_number,
            "reference": parcel.reference,
            "event_code": event["code"],
            "timestamp": event["at"],
            "location": event["location"],
            "remark": event["remark"],
        },
        separators=(",", ":"),
    ).encode()


def _text(data: dict[str, Any], key: str, limit: int, *, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str) or len(value) > limit or (required and not value):
        raise CourierEventInvalid(field=key)
    return value


def _event(data: dict[str, Any]) -> CourierEvent:
    code = _text(data, "event_code", 4)
    if code not in WIRE_CODES:
        raise CourierEventInvalid(field="event_code")
    try:
        occurred_at = datetime.fromisoformat(_text(data, "timestamp", 40))
    except ValueError as error:
        raise CourierEventInvalid(field="timestamp") from error
    if timezone.is_naive(occurred_at):
        raise CourierEventInvalid(field="timestamp")
    kind, failure = WIRE_CODES[code]
    return CourierEvent(
        event_id=_text(data, "event_id", 80),
        tracking_number=_text(data, "tracking_number", 40),
        code=kind,
        occurred_at=occurred_at,
        description=_text(data, "remark", 200, required=False),
        location=_text(data, "location", 120, required=False),
        failure=failure,
    )


class SandboxCourier:
    code = "sandbox"
    name = "Sandbox Express"
    signature_header = HEADER

    def book(self, shipment: Shipment, customs: Customs) -> Booking:
        reasons = refusals(customs)
        if reasons:
            text = "; ".join(reasons)
            raise BookingRefused(text[:1].upper() + text[1:] + ".")
        existing = SandboxCourierParcel.objects.filter(reference=shipment.code).first()
        if existing is not None:
            return _booking(existing)
        origin = shipment.origin_hub.name
        for attempt in range(5):  # a number another parcel holds (1 in 10^9) draws another
            tracking = tracking_number_for(shipment.code, attempt)
            now = timezone.now()
            plan = _plan(tracking, now, origin, customs.consignee.country)
            try:
                with transaction.atomic():
                    parcel = SandboxCourierParcel.objects.create(
                        tracking_number=tracking,
                        reference=shipment.code,
                        label_ref=f"LBL{tracking[3:]}",
                        destination_country=customs.consignee.country,
                        booked_at=now,
                        events=plan,
                    )
                    for event_id, when in _deliveries(tracking, plan):
                        defer(sandbox_courier_deliver, tracking, event_id, run_after=when)
            except IntegrityError:
                taken = SandboxCourierParcel.objects.filter(reference=shipment.code).first()
                if taken is not None:
                    return _booking(taken)
                continue
            return _booking(parcel)
        raise CourierUnavailable()  # pragma: no cover - five collisions in a row

    def status(self, tracking_number: str) -> list[CourierEvent]:
        parcel = SandboxCourierParcel.objects.filter(tracking_number=tracking_number).first()
        if parcel is None:
            raise UnknownTracking()
        now = timezone.now()
        return [
            _event(
                {
                    **event,
                    "event_code": event["code"],
                    "timestamp": event["at"],
                    "tracking_number": tracking_number,
                }
            )
            for event in parcel.events
            if datetime.fromisoformat(event["at"]) <= now
        ]

    def verify(self, *, header: str | None, body: bytes, now: float | None = None) -> None:
        signature_check(header=header, body=body, secret=webhook_secret(), now=now)

    def parse_event(self, body: bytes) -> CourierEvent:
        try:
            data = json.loads(body)
        except (ValueError, TypeError) as error:
            raise CourierEventInvalid() from error
        if not isinstance(data, dict):
            raise CourierEventInvalid()
        return _event(data)


@task()
def sandbox_courier_deliver(tracking_number: str, event_id: str) -> str:
    """Post a signed webhook about one event to our receiver, as the courier's servers would.

    A refusal is what the courier would read in our HTTP answer: it is logged, not raised.
    """
    from sokoni.logistics.courier import courier_webhook_receive

    body = event_body(tracking_number, event_id)
    header = sign(body=body, secret=webhook_secret())
    try:
        return courier_webhook_receive(gateway=SandboxCourier.code, signature=header, body=body)
    except DomainError as error:
        logger.info("sandbox courier webhook %s refused: %s", event_id, error.code)
        return error.code
