"""Carts, checkouts, orders (one per shop), their lines, events and disputes.

Amounts are integer minor units. An order is priced in its shop's currency and paid in the
buyer's; the rate used, with its source and date, is stored on the order.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sokoni.catalog.models import Product, Shop
from sokoni.core.models import AppendOnlyModel
from sokoni.core.money import share
from sokoni.orders.states import (
    DeliveryMethod,
    DisputeDecision,
    DisputeReason,
    DisputeSide,
    DisputeStage,
    OrderStatus,
)
from sokoni.shipping.models import Hub, Zone
from sokoni.villages.models import ServiceCentre


class Cart(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")

    def __str__(self) -> str:
        return f"cart of {self.user_id}"


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("cart item")
        verbose_name_plural = _("cart items")
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="cart_item_once"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="cart_item_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"


class Checkout(models.Model):
    """One purchase from the buyer's point of view: one payment, one order per shop."""

    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checkouts"
    )
    currency = models.CharField(_("paid in"), max_length=3)
    total_minor = models.BigIntegerField(_("total to pay (minor units)"))
    delivery_method = models.CharField(_("delivery"), max_length=10, choices=DeliveryMethod.choices)
    address = models.TextField(_("address"), max_length=500, blank=True)
    # The address reduced to compare equal however it was typed (core.text.address_key): a
    # reviewer who has parcels sent where the seller has them sent is not counted in ratings.
    address_key = models.CharField(max_length=500, blank=True, db_index=True, editable=False)
    service_centre = models.ForeignKey(
        ServiceCentre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="checkouts",
        verbose_name=_("pickup at"),
    )
    # Delivery to an address: the town (hub) it is in, or the country abroad.
    destination_hub = models.ForeignKey(
        Hub,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("town"),
    )
    destination_country = models.CharField(_("country"), max_length=2, blank=True)
    recipient_name = models.CharField(_("recipient"), max_length=120)
    recipient_phone = models.CharField(_("recipient's phone"), max_length=20)
    reserved_until = models.DateTimeField(_("stock reserved until"))
    # An assisted order: the service-centre operator who placed it and the share of each
    # released order they earn, in basis points (a snapshot of AGENT_COMMISSION_BP).
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assisted_checkouts",
        verbose_name=_("placed by (operator)"),
    )
    agent_commission_bp = models.PositiveIntegerField(
        _("operator's commission (basis points)"), default=0
    )
    idempotency_key = models.CharField(max_length=100, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("checkout")
        verbose_name_plural = _("checkouts")
        constraints = [
            models.UniqueConstraint(
                fields=["buyer", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="checkout_idempotency_key_once",
            ),
            models.CheckConstraint(condition=models.Q(total_minor__gte=0), name="checkout_total"),
        ]

    def __str__(self) -> str:
        return f"checkout {self.pk}"


class Order(models.Model):
    checkout = models.ForeignKey(Checkout, on_delete=models.PROTECT, related_name="orders")
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders"
    )
    shop = models.ForeignKey(Shop, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OrderStatus.choices,
        default=OrderStatus.PENDING_PAYMENT,
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    # In the shop's currency.
    currency = models.CharField(_("currency"), max_length=3)
    subtotal_minor = models.BigIntegerField(_("goods"))
    shipping_minor = models.BigIntegerField(_("delivery"))
    total_minor = models.BigIntegerField(_("total"))
    commission_minor = models.BigIntegerField(_("platform commission"))
    # What the buyer pays for this order, in their currency, and the rate used.
    pay_currency = models.CharField(_("paid in"), max_length=3)
    pay_total_minor = models.BigIntegerField(_("total paid"))
    fx_rate = models.DecimalField(_("exchange rate"), max_digits=24, decimal_places=10)
    fx_source = models.CharField(_("rate source"), max_length=40)
    fx_as_of = models.DateField(_("rate date"))
    # The delivery quote the order was priced with (legs, carriers, distances, costs) and the
    # promise it made; ``shipping_cost_minor`` is what the carriers charge, which the shop
    # pays itself when it offers free delivery (``shipping_minor`` is then 0).
    quote = models.JSONField(_("delivery quote"), default=dict, blank=True)
    shipping_cost_minor = models.BigIntegerField(_("delivery cost"), default=0)
    zone = models.ForeignKey(
        Zone,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("shipping zone"),
    )
    promised_from = models.DateField(_("promised from"), null=True, blank=True)
    promised_to = models.DateField(_("promised by"), null=True, blank=True)
    tracking_ref = models.CharField(_("tracking reference"), max_length=80, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    auto_release_at = models.DateTimeField(
        _("money released automatically on"), null=True, blank=True
    )
    extended_days = models.PositiveSmallIntegerField(_("extended by (days)"), default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    # How the escrow ended, in the shop's currency.
    released_minor = models.BigIntegerField(_("released to the seller"), default=0)
    # Paid by the platform to the operator who placed an assisted order, on release.
    agent_commission_minor = models.BigIntegerField(_("operator's commission"), default=0)
    refunded_minor = models.BigIntegerField(_("refunded to the buyer"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=OrderStatus.values), name="order_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    subtotal_minor__gte=0,
                    shipping_minor__gte=0,
                    commission_minor__gte=0,
                    pay_total_minor__gte=0,
                    released_minor__gte=0,
                    refunded_minor__gte=0,
                    agent_commission_minor__gte=0,
                    shipping_cost_minor__gte=0,
                ),
                name="order_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    total_minor=models.F("subtotal_minor") + models.F("shipping_minor")
                ),
                name="order_total_adds_up",
            ),
            models.CheckConstraint(
                condition=models.Q(extended_days__in=[0, 3, 5, 7, 10]),
                name="order_extension_allowed",
            ),
        ]
        indexes = [
            models.Index(fields=["buyer", "-created_at"], name="order_by_buyer"),
            models.Index(fields=["shop", "status", "-created_at"], name="order_by_shop"),
            models.Index(fields=["status", "auto_release_at"], name="order_due"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The order number people read out: SK-000123."""
        return f"SK-{self.pk:06d}"

    @property
    def refunded_paid_minor(self) -> int:
        """What went back to the buyer, in the currency they paid in (converted at the order's
        own rate, as the escrow settlement converts it)."""
        if self.currency == self.pay_currency:
            return self.refunded_minor
        return share(self.pay_total_minor, self.refunded_minor, self.total_minor)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("product"), max_length=150)
    unit = models.CharField(_("unit"), max_length=10)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_minor = models.BigIntegerField(_("unit price"))
    line_total_minor = models.BigIntegerField(_("line total"))
    commission_bp = models.PositiveIntegerField(_("commission (basis points)"))

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="order_line_quantity"),
            models.CheckConstraint(
                condition=models.Q(
                    line_total_minor=models.F("unit_price_minor") * models.F("quantity")
                ),
                name="order_line_adds_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.name}"


class OrderEvent(AppendOnlyModel):
    """Who moved an order, from what, to what, when and why."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = models.CharField(_("why"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '-'} -> {self.to_status}"


class Dispute(models.Model):
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="dispute")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=DisputeReason.choices)
    details = models.TextField(_("what happened"), max_length=2000)
    opened_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(
        _("decision"), max_length=10, choices=DisputeDecision.choices, blank=True
    )
    buyer_share_minor = models.BigIntegerField(_("to the buyer"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("decision note"), max_length=2000, blank=True)
    # Whose move it waits for, until when; a passed deadline escalates it (why, in English as
    # the system wrote it: see ``reasons.reason_label``).
    stage = models.CharField(
        _("step"),
        max_length=16,
        choices=DisputeStage.choices,
        default=DisputeStage.AWAITING_SELLER,
    )
    due_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated on"), null=True, blank=True)
    escalation_reason = models.CharField(_("why escalated"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-opened_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stage__in=DisputeStage.values), name="dispute_stage_valid"
            ),
        ]
        indexes = [models.Index(fields=["stage", "due_at"], name="dispute_due")]

    def __str__(self) -> str:
        return f"dispute on {self.order_id}"

    @property
    def is_open(self) -> bool:
        return not self.decision


MAX_STATEMENT = 2000
MAX_STATEMENT_PHOTOS = 3


class DisputeStatement(AppendOnlyModel):
    """What one side (or staff) said in a dispute, with up to three photos; never edited.

    The buyer's opening ``details`` is the dispute's first statement.
    """

    dispute = models.ForeignKey(Dispute, on_delete=models.PROTECT, related_name="statements")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(_("side"), max_length=8, choices=DisputeSide.choices)
    text = models.TextField(_("statement"), max_length=MAX_STATEMENT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("dispute statement")
        verbose_name_plural = _("dispute statements")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(side__in=DisputeSide.values), name="dispute_statement_side"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.side} on dispute {self.dispute_id}"


class DisputePhoto(AppendOnlyModel):
    """A photo attached to a statement: WebP renditions under ``key`` (core.images). Private:
    served only by ``web.views.private_photos`` to whoever may see the dispute."""

    statement = models.ForeignKey(DisputeStatement, on_delete=models.PROTECT, related_name="photos")
    key = models.CharField(max_length=200, unique=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("dispute photo")
        verbose_name_plural = _("dispute photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.key
