"""Order statuses and the moves allowed between them (STYLE.md section 5)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
    PAID = "paid", _("Paid, money held in escrow")
    SHIPPED = "shipped", _("Shipped, money held until received")
    DELIVERED = "delivered", _("Delivered, money released soon unless you report a problem")
    COMPLETED = "completed", _("Received, money released to the seller")
    CANCELLED = "cancelled", _("Cancelled before payment")
    REFUNDED = "refunded", _("Refunded to the buyer")
    DISPUTED = "disputed", _("Disputed, money frozen until staff decide")
    SETTLED = "settled", _("Dispute settled, money shared")


TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    OrderStatus.PENDING_PAYMENT: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.SHIPPED, OrderStatus.REFUNDED, OrderStatus.DISPUTED}),
    # Refunded from shipped: a parcel nobody collected from the service centre went back.
    OrderStatus.SHIPPED: frozenset(
        {
            OrderStatus.DELIVERED,
            OrderStatus.COMPLETED,
            OrderStatus.DISPUTED,
            OrderStatus.REFUNDED,
        }
    ),
    # Delivered by the carrier: the release window runs from here.
    OrderStatus.DELIVERED: frozenset({OrderStatus.COMPLETED, OrderStatus.DISPUTED}),
    OrderStatus.DISPUTED: frozenset(
        {OrderStatus.COMPLETED, OrderStatus.REFUNDED, OrderStatus.SETTLED}
    ),
    OrderStatus.COMPLETED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.REFUNDED: frozenset(),
    OrderStatus.SETTLED: frozenset(),
}

# Statuses in which the order's escrow account holds the whole order total.
HELD: Final = frozenset(
    {OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.DISPUTED}
)
# On the way or delivered: the buyer can confirm receipt, extend the window or dispute, and
# the money is released automatically when the window ends.
SENT: Final = frozenset({OrderStatus.SHIPPED, OrderStatus.DELIVERED})
CLOSED: Final = frozenset(
    {OrderStatus.COMPLETED, OrderStatus.CANCELLED, OrderStatus.REFUNDED, OrderStatus.SETTLED}
)


def awaits_payment(statuses: Iterable[str]) -> bool:
    """Whether a checkout whose orders have these statuses still waits to be paid: some order
    waits for payment and every order not cancelled one by one does."""
    live = set(statuses) - {OrderStatus.CANCELLED}
    return live == {OrderStatus.PENDING_PAYMENT}


class DeliveryMethod(models.TextChoices):
    ADDRESS = "address", _("Delivery to an address")
    PICKUP = "pickup", _("Pickup at a village service centre")


class DisputeReason(models.TextChoices):
    NOT_RECEIVED = "not_received", _("Not received")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    DAMAGED = "damaged", _("Arrived damaged")
    OTHER = "other", _("Something else")


class DisputeDecision(models.TextChoices):
    RELEASE = "release", _("Release the money to the seller")
    REFUND = "refund", _("Refund the buyer in full")
    SPLIT = "split", _("Share the money")


class DisputeStage(models.TextChoices):
    """Whose move a dispute waits for; each waiting stage has a deadline (``due_at``)."""

    AWAITING_SELLER = "awaiting_seller", _("Waiting for the seller's answer")
    AWAITING_STAFF = "awaiting_staff", _("Waiting for Sokoni staff to decide")
    ESCALATED = "escalated", _("Overdue: staff look at it first")
    DECIDED = "decided", _("Decided")


DISPUTE_STAGES: Final[Mapping[str, frozenset[str]]] = {
    # The seller answers with a statement, or says nothing until the deadline; staff may
    # decide at any time (and the seller may agree to refund).
    DisputeStage.AWAITING_SELLER: frozenset(
        {DisputeStage.AWAITING_STAFF, DisputeStage.ESCALATED, DisputeStage.DECIDED}
    ),
    DisputeStage.AWAITING_STAFF: frozenset({DisputeStage.ESCALATED, DisputeStage.DECIDED}),
    DisputeStage.ESCALATED: frozenset({DisputeStage.DECIDED}),
    DisputeStage.DECIDED: frozenset(),
}
# The stages with a deadline that escalates the dispute when it passes.
DISPUTE_DUE: Final = frozenset({DisputeStage.AWAITING_SELLER, DisputeStage.AWAITING_STAFF})


class DisputeSide(models.TextChoices):
    BUYER = "buyer", _("Buyer")
    SELLER = "seller", _("Seller")
    STAFF = "staff", _("Sokoni staff")
