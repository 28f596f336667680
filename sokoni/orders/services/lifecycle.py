"""An order's life after checkout: ship, confirm receipt, extend, dispute, cancel, release.

Every status change goes through ``order_move``: the transition table, then a conditional
update, so two people (or a person and the auto-release task) acting at once cannot both
win; then an ``OrderEvent`` saying who, when and why. Money follows in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sokoni.accounts.models import User
from sokoni.catalog.models import Product
from sokoni.core.errors import InvalidInput, NotFound, PermissionDenied
from sokoni.core.images import StoredPhoto
from sokoni.core.tasks import defer
from sokoni.core.text import has_hidden_characters
from sokoni.orders import reasons
from sokoni.orders.errors import HiddenCharacters, PaymentInProgress, TransitionNotAllowed
from sokoni.orders.locks import checkout_qs_for_update, orders_qs_for_update
from sokoni.orders.models import Checkout, Dispute, Order, OrderEvent
from sokoni.orders.notices import order_moved
from sokoni.orders.registry import check_confirm_receipt
from sokoni.orders.services.disputes import (
    checked_photos,
    deadline,
    escalate_at,
    statement_add,
    statement_text,
    with_photos,
)
from sokoni.orders.services.escrow import agent_share, settle
from sokoni.orders.states import (
    SENT,
    TRANSITIONS,
    DisputeDecision,
    DisputeReason,
    DisputeSide,
    DisputeStage,
    OrderStatus,
)
from sokoni.orders.tasks import order_auto_release_task
from sokoni.payments.models import PaymentIntent
from sokoni.payments.states import PaymentStatus


def order_event(
    order: Order, *, from_status: str, to_status: str, actor: User | None, reason: str = ""
) -> None:
    OrderEvent.objects.create(
        order=order, from_status=from_status, to_status=to_status, actor=actor, reason=reason[:500]
    )


def order_move(
    order: Order, to: OrderStatus, *, actor: User | None, reason: str = "", **fields: Any
) -> Order:
    """Move an order along the transition table with a conditional update, and record it."""
    current = order.status
    if to not in TRANSITIONS[OrderStatus(current)]:
        raise TransitionNotAllowed(order_id=order.pk, from_status=current, to_status=to)
    now = timezone.now()
    moved = Order.objects.filter(pk=order.pk, status=current).update(
        status=to, status_changed_at=now, **fields
    )
    if moved != 1:
        raise TransitionNotAllowed(order_id=order.pk, from_status=current, to_status=to)
    order.status = to
    order.status_changed_at = now
    for name, value in fields.items():
        setattr(order, name, value)
    order_event(order, from_status=current, to_status=to, actor=actor, reason=reason)
    order_moved(order)
    return order


def _locked(order: Order) -> Order:
    locked = orders_qs_for_update(pk=order.pk).first()
    if locked is None:
        raise NotFound()
    return locked


def _as_buyer(order: Order, actor: User) -> None:
    if order.buyer_id != actor.pk:
        raise NotFound()


def _as_seller(order: Order, actor: User) -> None:
    if order.shop.owner_id != actor.pk:
        raise NotFound()


def _restock(order: Order) -> None:
    for product_id, quantity in order.lines.values_list("product_id", "quantity").order_by(
        "product_id"
    ):
        Product.objects.filter(pk=product_id).update(stock=F("stock") + quantity)


def _release(order: Order, *, actor: User | None, reason: str, key: str) -> Order:
    released, _refunded = settle(
        order, to_buyer=0, key=key, description=f"Order {order.number} released"
    )
    return order_move(
        order,
        OrderStatus.COMPLETED,
        actor=actor,
        reason=reason,
        released_minor=released,
        agent_commission_minor=agent_share(order),
        closed_at=timezone.now(),
    )


def _refund(order: Order, *, actor: User | None, reason: str) -> Order:
    _released, refunded = settle(
        order,
        to_buyer=order.total_minor,
        key=f"order:{order.pk}:refund",
        description=f"Order {order.number} refunded",
    )
    moved = order_move(
        order,
        OrderStatus.REFUNDED,
        actor=actor,
        reason=reason,
        refunded_minor=refunded,
        closed_at=timezone.now(),
    )
    if order.shipped_at is None:  # the goods never left the shop
        _restock(order)
    return moved


# -- before payment ----------------------------------------------------------------------------


def orders_cancel_pending(*, checkout: Checkout, actor: User | None, reason: str) -> int:
    """Cancel the checkout's orders still waiting for payment and return their stock.

    The caller holds the checkout's row lock.
    """
    count = 0
    for order in orders_qs_for_update(checkout=checkout, status=OrderStatus.PENDING_PAYMENT):
        order_move(
            order, OrderStatus.CANCELLED, actor=actor, reason=reason, closed_at=timezone.now()
        )
        _restock(order)
        count += 1
    return count


# -- the buyer and the seller ------------------------------------------------------------------


@transaction.atomic
def order_cancel(*, order: Order, actor: User, reason: str = "") -> Order:
    """Cancel before shipping: an unpaid order just ends; a paid one is refunded in full.

    The buyer or the seller may cancel. An unpaid order cannot be cancelled while its payment
    request is on its way (cancel the whole checkout instead, or wait for the answer).
    """
    if actor.pk not in (order.buyer_id, order.shop.owner_id):
        raise NotFound()
    checkout = checkout_qs_for_update(order.checkout_id).get()
    order = _locked(order)
    by_buyer = actor.pk == order.buyer_id
    why = reason.strip()[:400] or (
        reasons.CANCELLED_BY_BUYER if by_buyer else reasons.CANCELLED_BY_SELLER
    )
    if order.status == OrderStatus.PENDING_PAYMENT:
        if PaymentIntent.objects.filter(
            purpose="checkout", purpose_id=checkout.pk, status=PaymentStatus.PENDING
        ).exists():
            raise PaymentInProgress()
        order_move(order, OrderStatus.CANCELLED, actor=actor, reason=why, closed_at=timezone.now())
        _restock(order)
        Checkout.objects.filter(pk=checkout.pk).update(
            total_minor=F("total_minor") - order.pay_total_minor
        )
        return order
    if order.status != OrderStatus.PAID:
        raise TransitionNotAllowed(order_id=order.pk, from_status=order.status)
    return _refund(order, actor=actor, reason=why)


@transaction.atomic
def order_ship(*, order: Order, actor: User, tracking_ref: str) -> Order:
    """The seller sent the parcel by their own means: record the tracking reference and start
    the backstop clock (released ESCROW_UNDELIVERED_RELEASE_DAYS after shipping unless the
    carrier records the delivery first, which starts the shorter window)."""
    _as_seller(order, actor)
    tracking = " ".join(tracking_ref.split())
    if not tracking or len(tracking) > 80:
        raise InvalidInput(
            _("Enter the tracking reference (up to 80 characters)."), field="tracking_ref"
        )
    return _ship(_locked(order), actor=actor, tracking=tracking)


def _ship(order: Order, *, actor: User | None, tracking: str) -> Order:
    now = timezone.now()
    release_at = now + timedelta(days=settings.ESCROW_UNDELIVERED_RELEASE_DAYS)
    order_move(
        order,
        OrderStatus.SHIPPED,
        actor=actor,
        reason=tracking,
        tracking_ref=tracking,
        shipped_at=now,
        auto_release_at=release_at,
    )
    defer(order_auto_release_task, order.pk, run_after=release_at)
    return order


@transaction.atomic
def order_picked_up(*, order_id: int, actor: User | None, tracking_ref: str) -> Order | None:
    """A carrier collected the parcel (its scan was checked by the caller): a paid order is
    shipped, with the shipment's code as its tracking reference. Anything else is left as is
    (the seller may have marked it sent already; a disputed order stays disputed)."""
    order = orders_qs_for_update(pk=order_id).first()
    if order is None or order.status != OrderStatus.PAID:
        return order
    return _ship(order, actor=actor, tracking=tracking_ref[:80])


@transaction.atomic
def order_delivered(*, order_id: int, actor: User | None, reference: str) -> Order | None:
    """The carrier delivered the parcel: the release window (ESCROW_AUTO_RELEASE_DAYS, plus any
    extension the buyer already took) starts now. Only a shipped order moves; a disputed one
    stays frozen for staff."""
    order = orders_qs_for_update(pk=order_id).first()
    if order is None or order.status != OrderStatus.SHIPPED:
        return order
    now = timezone.now()
    release_at = now + timedelta(days=settings.ESCROW_AUTO_RELEASE_DAYS + order.extended_days)
    order_move(
        order,
        OrderStatus.DELIVERED,
        actor=actor,
        reason=reasons.delivered(reference),
        delivered_at=now,
        auto_release_at=release_at,
    )
    defer(order_auto_release_task, order.pk, run_after=release_at)
    return order


@transaction.atomic
def order_confirm_receipt(*, order: Order, actor: User) -> Order:
    """The buyer has the goods: release the escrow to the seller, less the commission."""
    _as_buyer(order, actor)
    order = _locked(order)
    if order.status not in SENT:
        raise TransitionNotAllowed(order_id=order.pk, from_status=order.status)
    check_confirm_receipt(order)
    return _release(order, actor=actor, reason=reasons.RECEIVED, key=f"order:{order.pk}:release")


def _as_operator(order: Order, actor: User) -> None:
    checkout = order.checkout
    centre = checkout.service_centre
    if centre is None or centre.operator_id != actor.pk:
        raise NotFound()


@transaction.atomic
def order_collected(*, order: Order, operator: User) -> Order:
    """The buyer collected the parcel at the service centre with its pickup code (checked by
    the caller): that is their confirmation of receipt, so the escrow is released."""
    _as_operator(order, operator)
    order = _locked(order)
    if order.status != OrderStatus.SHIPPED:
        raise TransitionNotAllowed(order_id=order.pk, from_status=order.status)
    return _release(
        order, actor=operator, reason=reasons.COLLECTED, key=f"order:{order.pk}:release"
    )


@transaction.atomic
def order_hold_for_pickup(*, order: Order, operator: User) -> Order:
    """The parcel reached the service centre: the automatic release stops, since collecting it
    with the pickup code (or the parcel going back) now ends the order."""
    _as_operator(order, operator)
    order = _locked(order)
    if order.status != OrderStatus.SHIPPED:
        raise TransitionNotAllowed(order_id=order.pk, from_status=order.status)
    Order.objects.filter(pk=order.pk).update(auto_release_at=None)
    order.auto_release_at = None
    return order


@transaction.atomic
def order_refund_uncollected(*, order_id: int) -> Order | None:
    """Nobody collected the parcel in time: it goes back to the seller and the buyer is
    refunded in full. Only a shipped order is refunded (a disputed one waits for staff)."""
    order = orders_qs_for_update(pk=order_id).first()
    if order is None or order.status != OrderStatus.SHIPPED:
        return order
    return _refund(order, actor=None, reason=reasons.NOT_COLLECTED)


@transaction.atomic
def order_refund_returned(*, order_id: int) -> Order | None:
    """The carrier brought the parcel back to the seller undelivered (refused, never found):
    the buyer is refunded in full. Only a shipped order is refunded."""
    order = orders_qs_for_update(pk=order_id).first()
    if order is None or order.status != OrderStatus.SHIPPED:
        return order
    return _refund(order, actor=None, reason=reasons.RETURNED)


@transaction.atomic
def order_extend(*, order: Order, actor: User, days: int) -> Order:
    """The buyer needs more time before the automatic release: once, by 3, 5, 7 or 10 days."""
    _as_buyer(order, actor)
    if days not in settings.ESCROW_EXTENSION_DAYS:
        raise InvalidInput(_("Choose 3, 5, 7 or 10 days."), field="days")
    order = _locked(order)
    if order.status not in SENT or order.auto_release_at is None:
        raise TransitionNotAllowed(order_id=order.pk, from_status=order.status)
    new_time = order.auto_release_at + timedelta(days=days)
    moved = Order.objects.filter(pk=order.pk, status=order.status, extended_days=0).update(
        extended_days=days, auto_release_at=new_time
    )
    if moved != 1:
        raise TransitionNotAllowed(
            _("The release date can be extended only once."), order_id=order.pk
        )
    order.extended_days, order.auto_release_at = days, new_time
    order_event(
        order,
        from_status=order.status,
        to_status=order.status,
        actor=actor,
        reason=reasons.extended(days),
    )
    defer(order_auto_release_task, order.pk, run_after=new_time)
    return order


def order_dispute_open(
    *, order: Order, actor: User, reason: str, details: str, images: Sequence[bytes] = ()
) -> Dispute:
    """The buyer disputes a paid or shipped order: the escrow is frozen until staff decide.

    ``details`` (and up to 3 photos) are the dispute's first statement. The seller has
    DISPUTE_SELLER_DAYS to answer before the dispute is escalated. Nothing is stored on a
    refusal, photo files included.
    """
    _as_buyer(order, actor)
    if reason not in DisputeReason.values:
        raise InvalidInput(_("Choose what went wrong."), field="reason")
    text = statement_text(details, field="details")
    photos = checked_photos(images)
    if OrderStatus.DISPUTED not in TRANSITIONS[OrderStatus(order.status)]:
        raise TransitionNotAllowed(order_id=order.pk, from_status=order.status)
    return with_photos(
        order, photos, lambda stored: _dispute_open(order, actor, reason, text, stored)
    )


@transaction.atomic
def _dispute_open(
    order: Order, actor: User, reason: str, text: str, stored: Sequence[StoredPhoto]
) -> Dispute:
    order = _locked(order)
    order_move(order, OrderStatus.DISPUTED, actor=actor, reason=f"{reason}: {text[:300]}")
    now = timezone.now()
    dispute = Dispute.objects.create(
        order=order,
        opened_by=actor,
        reason=reason,
        details=text,
        opened_at=now,
        stage=DisputeStage.AWAITING_SELLER,
        due_at=deadline(settings.DISPUTE_SELLER_DAYS, now),
    )
    statement_add(dispute, author=actor, side=DisputeSide.BUYER, text=text, stored=stored)
    escalate_at(dispute)
    return dispute


@transaction.atomic
def dispute_refund_by_seller(*, order: Order, actor: User) -> Order:
    """The seller accepts the buyer's complaint and refunds in full."""
    _as_seller(order, actor)
    order = _locked(order)
    if order.status != OrderStatus.DISPUTED:
        raise TransitionNotAllowed(order_id=order.pk, from_status=order.status)
    _decide(
        order, actor, DisputeDecision.REFUND, order.total_minor, reasons.SELLER_AGREED_TO_REFUND
    )
    return _refund(order, actor=actor, reason=reasons.SELLER_AGREED_TO_REFUND)


@transaction.atomic
def dispute_decide(
    *,
    order: Order,
    actor: User,
    decision: str,
    note: str,
    buyer_share_minor: int | None = None,
) -> Order:
    """Staff end a dispute: release to the seller, refund the buyer, or share the money.

    A share gives ``buyer_share_minor`` (in the shop's currency, more than zero and less than
    the total) back to the buyer and the rest, less its part of the commission, to the seller.
    """
    if not actor.is_staff:
        raise PermissionDenied()
    if decision not in DisputeDecision.values:
        raise InvalidInput(_("Choose a decision."), field="decision")
    text = note.strip()
    if not text or len(text) > 2000:
        raise InvalidInput(_("Write down the reason for the decision."), field="note")
    if has_hidden_characters(text):
        raise HiddenCharacters(field="note")
    order = _locked(order)
    if order.status != OrderStatus.DISPUTED:
        raise TransitionNotAllowed(order_id=order.pk, from_status=order.status)
    if decision == DisputeDecision.RELEASE:
        _decide(order, actor, decision, 0, text)
        return _release(order, actor=actor, reason=text, key=f"order:{order.pk}:release")
    if decision == DisputeDecision.REFUND:
        _decide(order, actor, decision, order.total_minor, text)
        return _refund(order, actor=actor, reason=text)
    share = buyer_share_minor
    if isinstance(share, bool) or not isinstance(share, int) or not 0 < share < order.total_minor:
        raise InvalidInput(
            _("The buyer's share must be more than zero and less than the order total."),
            field="buyer_share",
        )
    _decide(order, actor, decision, share, text)
    released, refunded = settle(
        order,
        to_buyer=share,
        key=f"order:{order.pk}:split",
        description=f"Order {order.number} shared",
    )
    return order_move(
        order,
        OrderStatus.SETTLED,
        actor=actor,
        reason=text,
        released_minor=released,
        refunded_minor=refunded,
        closed_at=timezone.now(),
    )


def _decide(order: Order, actor: User, decision: str, buyer_share: int | None, note: str) -> None:
    moved = Dispute.objects.filter(order=order, decision="").update(
        stage=DisputeStage.DECIDED,
        decision=decision,
        buyer_share_minor=buyer_share,
        decided_by=actor,
        decided_at=timezone.now(),
        note=note[:2000],
    )
    if moved != 1:
        raise TransitionNotAllowed(order_id=order.pk)


# -- time --------------------------------------------------------------------------------------


@transaction.atomic
def order_auto_release(*, order_id: int, now: datetime | None = None) -> Order | None:
    """Release a shipped or delivered order's escrow once its release date has passed.
    Idempotent.

    A disputed order is not released (the dispute froze the clock); an extended one waits for
    its new date (the extension enqueued its own task).
    """
    order = orders_qs_for_update(pk=order_id).first()
    if order is None or order.status not in SENT or order.auto_release_at is None:
        return order
    if (now or timezone.now()) < order.auto_release_at:
        return order
    if order.status == OrderStatus.DELIVERED:
        reason = reasons.auto_released_after_delivery(
            settings.ESCROW_AUTO_RELEASE_DAYS + order.extended_days
        )
    else:
        reason = reasons.auto_released(
            settings.ESCROW_UNDELIVERED_RELEASE_DAYS + order.extended_days
        )
    return _release(
        order,
        actor=None,
        reason=reason,
        key=f"order:{order.pk}:release",
    )
