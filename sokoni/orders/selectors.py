"""Reads of the orders app. A selector given an actor is the permission check: what the actor
may not see is ``NotFound``, never a different error (so ids reveal nothing)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, Value, When

from sokoni.accounts.models import User
from sokoni.core.errors import NotFound
from sokoni.orders.models import (
    Cart,
    CartItem,
    Checkout,
    Dispute,
    DisputePhoto,
    DisputeStatement,
    Order,
    OrderEvent,
)
from sokoni.orders.states import DisputeStage, OrderStatus
from sokoni.payments.models import PaymentIntent
from sokoni.payments.states import PaymentMethod, PaymentStatus

ORDER_RELATED = ("shop", "shop__village", "checkout", "checkout__service_centre")


def _valid_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise NotFound()
    return value


def cart_items(user: User) -> QuerySet[CartItem]:
    """The lines of the user's cart with their products and shops."""
    return CartItem.objects.filter(cart__user=user).select_related(
        "product", "product__shop", "product__village"
    )


def cart_count(user: User) -> int:
    cart = Cart.objects.filter(user=user).first()
    return cart.items.count() if cart else 0


def order_list_for_buyer(user: User, *, status: str | None = None) -> QuerySet[Order]:
    orders = Order.objects.filter(buyer=user).select_related(*ORDER_RELATED)
    if status in OrderStatus.values:
        orders = orders.filter(status=status)
    return orders.order_by("-created_at", "-pk")


def order_get_for_buyer(user: User, order_id: Any) -> Order:
    order = (
        Order.objects.filter(pk=_valid_id(order_id), buyer=user)
        .select_related(*ORDER_RELATED, "shop__owner")
        .prefetch_related("lines", Prefetch("events", OrderEvent.objects.select_related("actor")))
        .first()
    )
    if order is None:
        raise NotFound()
    return order


def order_list_for_seller(
    user: User, *, status: str | None = None, shop_id: int | None = None
) -> QuerySet[Order]:
    """Orders of the shops the user owns (never another shop's), newest first."""
    orders = (
        Order.objects.filter(shop__owner=user)
        .exclude(status=OrderStatus.PENDING_PAYMENT)
        .select_related(*ORDER_RELATED, "buyer")
    )
    if status in OrderStatus.values:
        orders = orders.filter(status=status)
    if shop_id is not None:
        orders = orders.filter(shop_id=shop_id)
    return orders.order_by("-created_at", "-pk")


def order_get_for_seller(user: User, order_id: Any) -> Order:
    order = (
        Order.objects.filter(pk=_valid_id(order_id), shop__owner=user)
        .exclude(status=OrderStatus.PENDING_PAYMENT)
        .select_related(*ORDER_RELATED, "buyer", "shop__owner")
        .prefetch_related("lines", Prefetch("events", OrderEvent.objects.select_related("actor")))
        .first()
    )
    if order is None:
        raise NotFound()
    return order


def order_get_for_staff(user: User, order_id: Any) -> Order:
    if not user.is_staff:
        raise NotFound()
    order = (
        Order.objects.filter(pk=_valid_id(order_id))
        .select_related(*ORDER_RELATED, "buyer", "shop__owner")
        .prefetch_related("lines", Prefetch("events", OrderEvent.objects.select_related("actor")))
        .first()
    )
    if order is None:
        raise NotFound()
    return order


def checkout_get_for_buyer(user: User, checkout_id: Any) -> Checkout:
    checkout = (
        Checkout.objects.filter(pk=_valid_id(checkout_id), buyer=user)
        .select_related("service_centre")
        .first()
    )
    if checkout is None:
        raise NotFound()
    return checkout


def checkout_payments(checkout: Checkout) -> QuerySet[PaymentIntent]:
    return PaymentIntent.objects.filter(purpose="checkout", purpose_id=checkout.pk).order_by(
        "-created_at", "-pk"
    )


def disputes_open(user: User) -> QuerySet[Order]:
    """Disputed orders waiting for a decision (staff only): escalated ones first, then by
    deadline, the nearest first."""
    if not user.is_staff:
        raise NotFound()
    overdue = Case(
        When(dispute__stage=DisputeStage.ESCALATED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        Order.objects.filter(status=OrderStatus.DISPUTED)
        .select_related("dispute", "shop", "buyer")
        .annotate(overdue=overdue)
        .order_by("overdue", F("dispute__due_at").asc(nulls_last=True), "status_changed_at", "pk")
    )


def dispute_statements(dispute: Dispute) -> list[DisputeStatement]:
    """A dispute's statements, oldest first, with their authors and photos (for the people
    who may see the dispute: its buyer, the shop's owner and staff)."""
    return list(
        DisputeStatement.objects.filter(dispute=dispute)
        .select_related("author")
        .prefetch_related("photos")
        .order_by("created_at", "pk")
    )


def dispute_photo_get(user: User, photo_id: Any) -> DisputePhoto:
    """A photo of a dispute's statement, for whoever may see the dispute: the order's buyer,
    the shop's owner, or staff (who decide disputes). NotFound for anyone else."""
    photos = DisputePhoto.objects.filter(pk=_valid_id(photo_id))
    if not user.is_staff:
        photos = photos.filter(
            Q(statement__dispute__order__buyer=user)
            | Q(statement__dispute__order__shop__owner=user)
        )
    photo = photos.first()
    if photo is None:
        raise NotFound()
    return photo


def cash_due_for_operator(user: User) -> QuerySet[PaymentIntent]:
    """Cash payments waiting at the centres this operator runs, oldest first."""
    return PaymentIntent.objects.filter(
        method=PaymentMethod.CASH, collector=user, status=PaymentStatus.PENDING
    ).order_by("created_at", "pk")
