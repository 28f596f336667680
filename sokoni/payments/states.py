"""Statuses of payments and payouts, and the moves allowed between them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentMethod(models.TextChoices):
    MOBILE_MONEY = "mobile_money", _("Mobile money")
    CARD = "card", _("Card")
    CASH = "cash", _("Cash at a service centre")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the payment")
    SUCCEEDED = "succeeded", _("Paid")
    FAILED = "failed", _("Declined")
    EXPIRED = "expired", _("No answer in time")
    REFUNDED = "refunded", _("Paid too late, refunded")


PAYMENT_TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    PaymentStatus.PENDING: frozenset(
        {PaymentStatus.SUCCEEDED, PaymentStatus.FAILED, PaymentStatus.EXPIRED}
    ),
    # A provider may confirm a payment after we stopped waiting: the money is then refunded.
    PaymentStatus.EXPIRED: frozenset({PaymentStatus.SUCCEEDED, PaymentStatus.FAILED}),
    PaymentStatus.SUCCEEDED: frozenset({PaymentStatus.REFUNDED}),
    PaymentStatus.FAILED: frozenset(),
    PaymentStatus.REFUNDED: frozenset(),
}


class PayoutStatus(models.TextChoices):
    REQUESTED = "requested", _("Sending")
    PAID = "paid", _("Sent")
    FAILED = "failed", _("Failed, money returned to the wallet")


PAYOUT_TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    PayoutStatus.REQUESTED: frozenset({PayoutStatus.PAID, PayoutStatus.FAILED}),
    PayoutStatus.PAID: frozenset(),
    PayoutStatus.FAILED: frozenset(),
}
