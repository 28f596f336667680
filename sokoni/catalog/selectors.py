"""Reads on the catalogue: what the public may see, and what a seller may edit."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from sokoni.catalog.models import Category, Product, ProductImage, Shop
from sokoni.catalog.states import ShopStatus
from sokoni.villages.states import VillageStatus


def category_roots() -> list[Category]:
    """Top-level categories in display order."""
    return list(Category.objects.filter(parent__isnull=True).order_by("position", "name"))


def product_list_public() -> QuerySet[Product]:
    """Published products of approved shops in approved villages, with their first photo."""
    return (
        Product.objects.filter(
            is_published=True,
            shop__status=ShopStatus.APPROVED,
            village__status=VillageStatus.APPROVED,
        )
        .select_related("shop", "village")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk"))
        )
    )


def shop_list_public() -> QuerySet[Shop]:
    """Approved shops in approved villages."""
    return Shop.objects.filter(status=ShopStatus.APPROVED, village__status=VillageStatus.APPROVED)
