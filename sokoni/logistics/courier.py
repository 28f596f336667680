"""Exports by international courier: the customs declaration, booking after payment, and the
courier's feed (signed webhooks, and polling when webhooks are lost) moving the parcel.

Nothing here calls a courier inside a database transaction: booking and polling run in tasks
queued by the paying transaction, so they start after it committed; webhooks come on their own
requests. Every courier event is handled once (``CourierEventReceipt``, unique per gateway and
event id) and goes through ``shipment_record`` with ``via="courier"``. It is ignored (answered
200 and logged) when it is older than an event already applied (for good), or when it is a
move the table forbids from where the parcel is (until the events before it arrive).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Final

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sokoni.accounts.models import User
from sokoni.catalog.states import Unit
from sokoni.core.errors import InvalidInput, NotFound
from sokoni.core.tasks import defer
from sokoni.logistics.errors import ShipmentMoveNotAllowed
from sokoni.logistics.gateways import gateway_for_shipment, gateway_get
from sokoni.logistics.gateways.base import (
    Booking,
    BookingRefused,
    CourierEvent,
    CourierUnavailable,
    Customs,
    CustomsLine,
    Party,
    UnknownTracking,
)
from sokoni.logistics.models import CourierEventReceipt, Shipment
from sokoni.logistics.shipments import shipment_record
from sokoni.logistics.states import FINISHED, SHIPMENT_TRANSITIONS, ShipmentStatus
from sokoni.logistics.tasks import courier_book_task, courier_poll_task
from sokoni.orders.models import Order, OrderLine
from sokoni.orders.states import OrderStatus

logger = logging.getLogger(__name__)

HS_CODE: Final = re.compile(r"\d{6,10}")
# A failed booking (courier unreachable) is tried again, later each time, this many times.
BOOK_ATTEMPTS: Final = 6
BOOK_RETRY_AFTER: Final = timedelta(minutes=15)
# How long one booking attempt holds the parcel (a worker dying mid-call frees it then).
BOOK_HOLD: Final = timedelta(minutes=10)
# After booking, the courier is asked every 6 hours for 15 days, in case webhooks are lost.
POLL_EVERY: Final = timedelta(hours=6)
POLL_ROUNDS: Final = 60
# A booking or a poll still not done this long after its time has lost its task: the clock's
# sweep (``couriers_due``) does it.
LOST_AFTER: Final = timedelta(minutes=5)
# Parcels one sweep takes at most (the rest at its next turn).
SWEEP_BATCH: Final = 200

_S = ShipmentStatus
# What each courier event may move a parcel to: the first the table allows wins. A courier
# collecting an export at our hub, after our own first mile brought it there, takes it on its
# way (in transit) rather than picking it up again.
MOVES: Final[dict[str, tuple[str, ...]]] = {
    "picked_up": (_S.PICKED_UP, _S.IN_TRANSIT),
    "at_export_hub": (_S.AT_HUB,),
    "customs_cleared": (_S.IN_TRANSIT,),
    "out_for_delivery": (_S.OUT_FOR_DELIVERY,),
    "delivery_failed": (_S.FAILED_ATTEMPT,),
    "delivered": (_S.DELIVERED,),
    "returned": (_S.RETURNED,),
}


# -- reads -----------------------------------------------------------------------------------


def export_get_for_user(user: User, order_id: Any) -> Order:
    """An order going abroad that ``user`` may handle: one of their shop's, or any for staff.

    Anything else (another shop's order, an order staying in the country) is ``NotFound``.
    """
    if isinstance(order_id, bool) or not isinstance(order_id, int) or not 0 < order_id < 2**63:
        raise NotFound()
    orders = (
        Order.objects.filter(pk=order_id, shipment__is_export=True)
        .exclude(status=OrderStatus.PENDING_PAYMENT)
        .select_related("shop__village", "shop__owner", "checkout", "shipment")
    )
    if not user.is_staff:
        orders = orders.filter(shop__owner=user)
    order = orders.first()
    if order is None:
        raise NotFound()
    return order


def customs_for(order: Order) -> Customs:
    """The customs declaration of an export order, from its lines and their products as they
    are now (a seller adding a missing HS code fixes the next booking attempt)."""
    shop = order.shop
    village = shop.village
    checkout = order.checkout
    shipment = Shipment.objects.filter(order=order).first()
    gateway = gateway_for_shipment(shipment) if shipment is not None else None
    lines = OrderLine.objects.filter(order=order).select_related("product").order_by("pk")
    paid = order.paid_at or order.created_at
    return Customs(
        invoice_number=f"CI-{order.number}",
        invoice_date=timezone.localdate(paid),
        currency=order.currency,
        exporter=Party(
            name=shop.name,
            address=", ".join(part for part in (village.name, village.region) if part),
            country=village.country,
            phone=shop.owner.phone,
        ),
        consignee=Party(
            name=checkout.recipient_name,
            address=checkout.address,
            country=checkout.destination_country
            or (shipment.destination_country if shipment else ""),
            phone=checkout.recipient_phone,
        ),
        lines=tuple(
            CustomsLine(
                description=line.name,
                hs_code=line.product.hs_code,
                origin_country=line.product.origin_country or village.country,
                quantity=line.quantity,
                unit=str(Unit(line.unit).label) if line.unit in Unit.values else line.unit,
                unit_weight_g=line.product.weight_g,
                unit_value_minor=line.unit_price_minor,
            )
            for line in lines
        ),
        courier=gateway.name if gateway is not None else "",
        tracking_number=shipment.courier_tracking if shipment is not None else "",
    )


def line_problems(line: CustomsLine) -> list[str]:
    """What keeps a line of the declaration from passing customs, in the seller's words."""
    problems: list[str] = []
    if not line.hs_code:
        problems.append(_("HS code missing"))
    elif not HS_CODE.fullmatch(line.hs_code):
        problems.append(_("HS code must have 6 to 10 digits"))
    if line.unit_value_minor <= 0:
        problems.append(_("No value declared"))
    return problems


def customs_problems(customs: Customs) -> list[str]:
    """Every problem of the declaration, each naming its line; empty when it can be booked."""
    return [
        f"{line.description}: {problem}"
        for line in customs.lines
        for problem in line_problems(line)
    ]


# -- booking ---------------------------------------------------------------------------------


def courier_book(*, shipment_id: int, attempt: int = 1) -> Booking | None:
    """Book an export parcel with its courier and keep the tracking number on the shipment.

    Called by ``courier_book_task`` after the payment committed (and by the clock's sweep when
    that task was lost), never inside a transaction. Idempotent: a parcel already booked,
    finished or not exported is left alone, and couriers answer a repeated booking of the same
    parcel with the first one. An attempt first holds the parcel with a conditional update of
    ``courier_book_due_at`` (a late task and the sweep never call the courier together), and
    a parcel whose next attempt is not due yet is left for it. A refusal is logged with the
    courier's reason and the parcel waits (the seller sees what is missing on the customs
    page and asks again); an unreachable courier is tried again later, ``BOOK_ATTEMPTS`` times
    in all, after which the parcel is left for a person (or the seller's new request).
    """
    shipment = (
        Shipment.objects.select_related("order", "origin_hub")
        .filter(pk=shipment_id, is_export=True, courier_tracking="")
        .exclude(status__in=FINISHED)
        .first()
    )
    if shipment is None:
        return None
    now = timezone.now()
    due = shipment.courier_book_due_at
    if due is not None and due > now:
        return None  # another attempt holds the parcel, or its retry is not due yet
    hold = now + BOOK_HOLD
    held = Shipment.objects.filter(
        pk=shipment.pk, courier_tracking="", courier_book_due_at=due
    ).update(courier_book_due_at=hold, courier_book_attempts=attempt)
    if held != 1:
        return None
    mine = Shipment.objects.filter(pk=shipment.pk, courier_book_due_at=hold)
    gateway = gateway_for_shipment(shipment)
    if gateway is None:
        mine.update(courier_book_due_at=None)
        return None
    customs = customs_for(shipment.order)
    try:
        booking = gateway.book(shipment, customs)
    except BookingRefused as refusal:
        logger.warning(
            "courier %s refused parcel %s: %s", gateway.code, shipment.code, refusal.message
        )
        mine.update(courier_book_due_at=None)
        return None
    except CourierUnavailable:
        logger.warning(
            "courier %s unreachable for parcel %s (attempt %s of %s)",
            gateway.code,
            shipment.code,
            attempt,
            BOOK_ATTEMPTS,
        )
        if attempt >= BOOK_ATTEMPTS:
            logger.warning("parcel %s not booked: left for a person", shipment.code)
            mine.update(courier_book_due_at=None)
            return None
        later = timezone.now() + BOOK_RETRY_AFTER * attempt
        with transaction.atomic():
            if mine.update(courier_book_due_at=later):
                defer(courier_book_task, shipment.pk, attempt + 1, run_after=later)
        return None
    with transaction.atomic():
        booked_at = timezone.now()
        stored = Shipment.objects.filter(pk=shipment.pk, courier_tracking="").update(
            courier_tracking=booking.tracking_number[:40],
            courier_book_due_at=None,
            courier_polls=0,
            courier_polled_at=booked_at,
        )
        if stored:
            defer(courier_poll_task, shipment.pk, 1, run_after=booked_at + POLL_EVERY)
    return booking


def courier_book_due(*, now: datetime | None = None) -> int:
    """Book the export parcels whose booking task was lost (``manage.py couriers_due``, a
    sweep of the clock); return how many were tried.

    A parcel is taken ``LOST_AFTER`` past the time its attempt was due (or held until), with
    the attempt that follows the last one made, so the sweep never books past
    ``BOOK_ATTEMPTS``; a parcel refused or given up has no time due and is left alone. Safe
    beside a late task: ``courier_book`` holds the parcel before calling the courier. A
    failure with one parcel is logged and the others are still tried.
    """
    moment = now or timezone.now()
    lost = (
        Shipment.objects.filter(
            is_export=True,
            courier_tracking="",
            courier_book_due_at__lte=moment - LOST_AFTER,
            courier_book_attempts__lt=BOOK_ATTEMPTS,
        )
        .exclude(status__in=FINISHED)
        .order_by("pk")
    )
    due = list(lost.values_list("pk", "courier_book_attempts")[:SWEEP_BATCH])
    return _each_next_step(due, "booking", lambda pk, n: courier_book(shipment_id=pk, attempt=n))


def _each_next_step(due: list[tuple[int, int]], what: str, step: Callable[[int, int], Any]) -> int:
    """Run ``step(shipment id, steps done + 1)`` for each parcel a sweep found; a failure with
    one is logged and the others are still done. How many were taken."""
    for shipment_id, done in due:
        try:
            step(shipment_id, done + 1)
        except Exception:
            logger.exception("%s parcel %s failed", what, shipment_id)
    return len(due)


def courier_book_request(*, order: Order) -> None:
    """Ask the courier again to book an export the seller has fixed (queued, after commit).

    Refuses (``BookingRefused``) a declaration that still has problems, and
    (``ShipmentMoveNotAllowed``) a parcel already booked or no longer waiting.
    """
    shipment = Shipment.objects.filter(order=order, is_export=True).first()
    if shipment is None:
        raise NotFound()
    if shipment.courier_tracking or shipment.status in FINISHED:
        raise ShipmentMoveNotAllowed(_("This parcel is already booked or no longer waiting."))
    problems = customs_problems(customs_for(order))
    if problems:
        raise BookingRefused(
            _("Fix the customs data first: %(problems)s.") % {"problems": "; ".join(problems)}
        )
    # A new request starts the count again; the sweep books it should its task be lost. An
    # attempt under way (its hold) or a retry already planned stays as it is: it books the
    # parcel, and a second call to the courier beside it would ask for two bookings.
    now = timezone.now()
    with transaction.atomic():
        asked = (
            Shipment.objects.filter(pk=shipment.pk, courier_tracking="")
            .exclude(courier_book_due_at__gt=now)
            .update(courier_book_due_at=now, courier_book_attempts=0)
        )
        if asked:
            defer(courier_book_task, shipment.pk)


# -- the courier's feed ----------------------------------------------------------------------


def courier_webhook_receive(
    *, gateway: str, signature: str | None, body: bytes, now: float | None = None
) -> str:
    """Handle one webhook; return what it did: applied, unchanged, ignored or duplicate.

    Raises ``UnknownCourier``, ``CourierSignatureInvalid``, ``CourierSignatureStale``,
    ``CourierEventInvalid`` or ``UnknownTracking``, each with nothing changed.
    """
    courier = gateway_get(gateway)
    courier.verify(header=signature, body=body, now=now)
    event = courier.parse_event(body)
    return courier_event_apply(gateway=courier.code, event=event)


def _move_for(current: str, code: str) -> str | None:
    for kind in MOVES.get(code, ()):
        if kind == current and kind != _S.FAILED_ATTEMPT:
            return kind  # already there: shipment_record changes nothing
        if kind in SHIPMENT_TRANSITIONS[current]:
            return kind
    return None


def _apply(shipment: Shipment, event: CourierEvent, gateway: str) -> str:
    current = Shipment.objects.select_for_update().only("status").get(pk=shipment.pk).status
    if CourierEventReceipt.objects.filter(gateway=gateway, event_id=event.event_id).exists():
        return "duplicate"
    latest = CourierEventReceipt.objects.filter(
        shipment=shipment, outcome__in=("applied", "unchanged")
    ).aggregate(latest=Max("occurred_at"))["latest"]
    if latest is not None and event.occurred_at < latest:
        logger.info("courier event %s is older than one applied: ignored", event.event_id)
        outcome = "ignored"
    else:
        # A move the table forbids leaves no receipt: once the events before it arrive (a
        # later webhook, or polling), it may be possible.
        kind = _move_for(current, event.code)
        if kind is None:
            logger.info(
                "courier event %s (%s) cannot follow %s", event.event_id, event.code, current
            )
            return "ignored"
        note = ", ".join(part for part in (event.description, event.location) if part)
        try:
            recorded = shipment_record(
                shipment=shipment,
                kind=kind,
                actor=None,
                via="courier",
                failure=event.failure if kind == _S.FAILED_ATTEMPT else "",
                note=note,
                at=min(event.occurred_at, timezone.now()),
            )
        except (ShipmentMoveNotAllowed, InvalidInput) as refusal:
            logger.info("courier event %s refused: %s", event.event_id, refusal.message)
            return "ignored"
        outcome = "applied" if recorded is not None else "unchanged"
    CourierEventReceipt.objects.create(
        gateway=gateway,
        event_id=event.event_id,
        shipment=shipment,
        occurred_at=event.occurred_at,
        outcome=outcome,
    )
    return outcome


def courier_event_apply(*, gateway: str, event: CourierEvent) -> str:
    """Move the parcel a courier event is about, once per event id.

    The parcel's row lock orders its events; the receipt's unique key is the backstop when
    the same event arrives twice at once. Raises ``UnknownTracking`` (nothing stored, so the
    courier's retry is handled once the number is known).
    """
    shipment = (
        Shipment.objects.filter(courier_tracking=event.tracking_number, is_export=True)
        .select_related("order", "centre")
        .first()
    )
    if shipment is None or not event.tracking_number:
        raise UnknownTracking()
    try:
        with transaction.atomic():
            return _apply(shipment, event, gateway)
    except IntegrityError:
        if CourierEventReceipt.objects.filter(gateway=gateway, event_id=event.event_id).exists():
            return "duplicate"
        raise


def courier_poll(*, shipment_id: int) -> int:
    """Ask the courier what happened to a booked parcel and apply what the webhooks missed;
    return how many events moved it."""
    shipment = (
        Shipment.objects.filter(pk=shipment_id, is_export=True)
        .exclude(courier_tracking="")
        .exclude(status__in=FINISHED)
        .first()
    )
    if shipment is None:
        return 0
    gateway = gateway_for_shipment(shipment)
    if gateway is None:
        return 0
    try:
        events = gateway.status(shipment.courier_tracking)
    except (CourierUnavailable, UnknownTracking) as error:
        logger.warning("courier %s status of %s: %s", gateway.code, shipment.code, error.code)
        return 0
    applied = 0
    for event in sorted(events, key=lambda e: e.occurred_at):
        if event.tracking_number == shipment.courier_tracking:
            applied += courier_event_apply(gateway=gateway.code, event=event) == "applied"
    return applied


def courier_poll_round(*, shipment_id: int, round_number: int) -> int:
    """One scheduled poll; the next is queued while the parcel is on its way.

    The round is claimed first (a conditional update of ``courier_polls``), so a task
    delivered twice, or a late task after the sweep took its round, polls nothing and queues
    nothing: one chain of polls per parcel. After ``POLL_ROUNDS`` no further poll is queued.
    """
    claimed = Shipment.objects.filter(pk=shipment_id, courier_polls__lt=round_number).update(
        courier_polls=round_number, courier_polled_at=timezone.now()
    )
    if not claimed:
        return 0
    applied = courier_poll(shipment_id=shipment_id)
    unfinished = Shipment.objects.filter(pk=shipment_id).exclude(status__in=FINISHED).exists()
    if unfinished and round_number < POLL_ROUNDS:
        later = timezone.now() + POLL_EVERY
        defer(courier_poll_task, shipment_id, round_number + 1, run_after=later)
    return applied


def courier_poll_due(*, now: datetime | None = None) -> int:
    """Poll the booked exports whose polling task was lost (``manage.py couriers_due``, a sweep
    of the clock); return how many were polled.

    A parcel on its way is taken when neither a poll nor a move of the parcel (a webhook) has
    been seen for ``POLL_EVERY`` and ``LOST_AFTER`` more, and while it has polls left of its
    ``POLL_ROUNDS``; its next round is polled and the chain of tasks starts again from it. A
    failure with one parcel is logged and the others are still polled.
    """
    moment = now or timezone.now()
    quiet = moment - POLL_EVERY - LOST_AFTER
    lost = (
        Shipment.objects.filter(
            is_export=True, courier_polls__lt=POLL_ROUNDS, status_changed_at__lte=quiet
        )
        .filter(Q(courier_polled_at__isnull=True) | Q(courier_polled_at__lte=quiet))
        .exclude(courier_tracking="")
        .exclude(status__in=FINISHED)
        .order_by("pk")
    )
    due = list(lost.values_list("pk", "courier_polls")[:SWEEP_BATCH])
    return _each_next_step(
        due, "polling", lambda pk, n: courier_poll_round(shipment_id=pk, round_number=n)
    )
