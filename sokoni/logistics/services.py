"""Parcels at service centres: check in, hand over against the pickup code, send back.

The operator checks a shipped pickup order in when the parcel arrives; the recipient gets a
6-digit code by SMS. Handing the parcel over needs that code and is the buyer's confirmation
of receipt: the escrow is released (and the operator's commission paid on an assisted order).
A parcel not collected within PICKUP_WAIT_DAYS goes back to the seller and the order is
refunded. Wrong codes are counted in a transaction of their own, so that a refused attempt
stays counted; PICKUP_MAX_FAILURES of them lock the parcel for PICKUP_LOCK_MINUTES.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sokoni.accounts.models import User
from sokoni.core.digests import keyed_digest
from sokoni.core.errors import NotFound
from sokoni.core.tasks import defer
from sokoni.logistics import notices
from sokoni.logistics.errors import (
    AlreadyCollected,
    CodeLocked,
    CodeWrong,
    CollectAtCentre,
    NotForPickup,
)
from sokoni.logistics.models import Pickup
from sokoni.logistics.shipments import shipment_follow
from sokoni.logistics.states import TRANSITIONS, PickupStatus, ShipmentStatus
from sokoni.logistics.tasks import pickup_return_task
from sokoni.orders.models import Order
from sokoni.orders.services.lifecycle import (
    order_collected,
    order_hold_for_pickup,
    order_refund_uncollected,
)
from sokoni.orders.states import DeliveryMethod, OrderStatus
from sokoni.villages.models import ServiceCentre

MAX_CODES_SENT = 5


def _digest(pickup_order_id: int, salt: str, code: str) -> str:
    return keyed_digest("pickup", pickup_order_id, salt, code)


def _new_code(order_id: int) -> tuple[str, dict[str, str]]:
    code = f"{secrets.randbelow(1_000_000):06d}"
    salt = secrets.token_hex(16)
    return code, {"code_salt": salt, "code_digest": _digest(order_id, salt, code)}


def _order_at_centre_of(order_id: int, operator: User) -> tuple[Order, ServiceCentre]:
    """A pickup order bound for a centre this operator runs; any other is not theirs to see."""
    order = (
        Order.objects.select_related("checkout__service_centre", "buyer", "shop__owner")
        .filter(pk=order_id)
        .first()
    )
    if order is None:
        raise NotFound(field="order")
    centre = order.checkout.service_centre
    if (
        order.checkout.delivery_method != DeliveryMethod.PICKUP
        or centre is None
        or centre.operator_id != operator.pk
    ):
        raise NotFound(field="order")
    return order, centre


def _move(pickup: Pickup, to: PickupStatus, *, by: User | None) -> None:
    if to not in TRANSITIONS[PickupStatus(pickup.status)]:
        raise AlreadyCollected()
    now = timezone.now()
    moved = Pickup.objects.filter(pk=pickup.pk, status=pickup.status).update(
        status=to, closed_at=now, closed_by=by
    )
    if moved != 1:
        raise AlreadyCollected()
    pickup.status, pickup.closed_at, pickup.closed_by = to, now, by


def pickup_check_in(*, order_id: int, operator: User) -> Pickup:
    """The parcel arrived at the centre: stop the automatic release, start the pickup wait and
    text the code. Checking in twice returns the first check-in (and sends no second code)."""
    order, centre = _order_at_centre_of(order_id, operator)
    existing = Pickup.objects.filter(order=order).first()
    if existing is not None:
        return existing
    if order.status != OrderStatus.SHIPPED:
        raise NotForPickup(field="order")
    now = timezone.now()
    code, secret = _new_code(order.pk)
    try:
        with transaction.atomic():
            order_hold_for_pickup(order=order, operator=operator)
            pickup = Pickup.objects.create(
                order=order,
                centre=centre,
                checked_in_at=now,
                checked_in_by=operator,
                collect_by=now + timedelta(days=settings.PICKUP_WAIT_DAYS),
                **secret,
            )
            notices.send_code(pickup, code)
            shipment_follow(order_id=order.pk, kind=ShipmentStatus.AT_CENTRE, actor=operator)
            defer(pickup_return_task, pickup.pk, run_after=pickup.collect_by)
    except IntegrityError:  # checked in at the same moment on another screen
        return Pickup.objects.get(order=order)
    return pickup


def pickup_resend_code(*, order_id: int, operator: User) -> Pickup:
    """The recipient lost the text: a new code replaces the old one (a few times at most)."""
    order, _centre = _order_at_centre_of(order_id, operator)
    code, secret = _new_code(order.pk)
    with transaction.atomic():
        pickup = Pickup.objects.select_for_update().filter(order=order).first()
        if pickup is None:
            raise NotForPickup(field="order")
        if pickup.status != PickupStatus.WAITING:
            raise AlreadyCollected()
        if pickup.codes_sent >= MAX_CODES_SENT:
            raise CodeLocked()
        pickup.codes_sent += 1
        Pickup.objects.filter(pk=pickup.pk).update(codes_sent=pickup.codes_sent, **secret)
        notices.send_code(pickup, code)
    return pickup


def pickup_hand_over(*, order_id: int, operator: User, code: str) -> Pickup:
    """Hand the parcel over against its code; that confirms receipt and releases the escrow.

    Call it outside any transaction: a wrong code is committed as counted before the refusal
    is raised.
    """
    order, _centre = _order_at_centre_of(order_id, operator)
    typed = "".join(code.split())[:12]
    now = timezone.now()
    with transaction.atomic():
        pickup = Pickup.objects.select_for_update().filter(order=order).first()
        if pickup is None:
            raise NotForPickup(field="order")
        if pickup.status != PickupStatus.WAITING:
            raise AlreadyCollected()
        if pickup.locked_until is not None and pickup.locked_until > now:
            raise CodeLocked(until=pickup.locked_until)
        if hmac.compare_digest(pickup.code_digest, _digest(order.pk, pickup.code_salt, typed)):
            _move(pickup, PickupStatus.COLLECTED, by=operator)
            shipment_follow(order_id=order.pk, kind=ShipmentStatus.DELIVERED, actor=operator)
            if order.status == OrderStatus.SHIPPED:
                order_collected(order=order, operator=operator)
            elif order.status != OrderStatus.COMPLETED:  # disputed or refunded meanwhile
                raise NotForPickup(field="order")
            return pickup
        failures = (0 if pickup.locked_until is not None else pickup.failures) + 1
        limit = settings.PICKUP_MAX_FAILURES
        lock_for = timedelta(minutes=settings.PICKUP_LOCK_MINUTES)
        locked = now + lock_for if failures >= limit else None
        Pickup.objects.filter(pk=pickup.pk).update(
            failures=0 if locked else failures, locked_until=locked
        )
    if locked is not None:
        raise CodeLocked(until=locked, field="code")
    raise CodeWrong(field="code", tries_left=limit - failures)


def pickup_return(*, pickup_id: int, now: datetime | None = None) -> Pickup | None:
    """Send an uncollected parcel back once its wait is over and refund the order. Idempotent.

    A parcel whose order is disputed keeps waiting for the staff's decision."""
    moment = now or timezone.now()
    with transaction.atomic():
        pickup = (
            Pickup.objects.select_for_update(of=("self",))
            .select_related("order__shop__owner", "centre__operator")
            .filter(pk=pickup_id)
            .first()
        )
        if pickup is None or pickup.status != PickupStatus.WAITING or moment < pickup.collect_by:
            return pickup
        order = order_refund_uncollected(order_id=pickup.order_id)
        if order is None or order.status != OrderStatus.REFUNDED:
            return pickup
        _move(pickup, PickupStatus.RETURNED, by=None)
        shipment_follow(order_id=order.pk, kind=ShipmentStatus.RETURNED, actor=None)
        notices.send_returned(pickup)
    return pickup


def pickups_run_due(now: datetime | None = None) -> int:
    """Send back every parcel whose wait is over (the sweep behind ``manage.py pickups_due``)."""
    moment = now or timezone.now()
    due = Pickup.objects.filter(status=PickupStatus.WAITING, collect_by__lte=moment)
    returned = 0
    for pickup_id in list(due.values_list("pk", flat=True)):
        pickup = pickup_return(pickup_id=pickup_id, now=moment)
        returned += int(pickup is not None and pickup.status == PickupStatus.RETURNED)
    return returned


def pickup_receipt_guard(order: Order) -> None:
    """Registered with orders: a parcel waiting at a centre is received by collecting it."""
    if Pickup.objects.filter(order_id=order.pk, status=PickupStatus.WAITING).exists():
        raise CollectAtCentre()
