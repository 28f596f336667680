"""Statuses of shops and certification claims, with their allowed transitions."""

from collections.abc import Mapping
from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class ShopStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")


SHOP_TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    ShopStatus.PENDING: frozenset({ShopStatus.APPROVED, ShopStatus.REJECTED}),
    ShopStatus.APPROVED: frozenset({ShopStatus.SUSPENDED}),
    ShopStatus.SUSPENDED: frozenset({ShopStatus.APPROVED}),
    ShopStatus.REJECTED: frozenset(),
}


class ProductKind(models.TextChoices):
    PHYSICAL = "physical", _("Goods")
    PRODUCE = "produce", _("Produce sold by weight or volume")


class Unit(models.TextChoices):
    PIECE = "piece", _("piece")
    KG = "kg", _("kg")
    G = "g", _("g")
    LITRE = "l", _("litre")
    DOZEN = "dozen", _("dozen")
    BUNDLE = "bundle", _("bundle")
    SET = "set", _("set")
    PAIR = "pair", _("pair")
    METRE = "m", _("metre")


PRODUCE_UNITS: Final[frozenset[str]] = frozenset(
    {Unit.KG, Unit.G, Unit.LITRE, Unit.BUNDLE, Unit.DOZEN}
)


class CertificationKind(models.TextChoices):
    ORGANIC = "organic", _("Organic")
    GEOGRAPHIC_INDICATION = "gi", _("Geographic indication")
    FAIR_TRADE = "fair_trade", _("Fair trade")


class CertificationStatus(models.TextChoices):
    CLAIMED = "claimed", _("Claimed, not yet verified")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


CERTIFICATION_TRANSITIONS: Final[Mapping[str, frozenset[str]]] = {
    CertificationStatus.CLAIMED: frozenset(
        {CertificationStatus.VERIFIED, CertificationStatus.REJECTED}
    ),
    CertificationStatus.VERIFIED: frozenset({CertificationStatus.REJECTED}),
    CertificationStatus.REJECTED: frozenset(),
}
