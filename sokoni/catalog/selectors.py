"""Reads on the catalogue: what the public may see, and what a seller may edit."""

from __future__ import annotations

from typing import Any, Final

from django.conf import settings
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from sokoni.catalog.models import Category, Certification, Product, ProductImage, Shop
from sokoni.catalog.states import CertificationStatus, ShopStatus
from sokoni.core.errors import NotFound
from sokoni.villages.states import VillageStatus

# Orderings a buyer may choose on listing pages; anything else means "newest".
SORTS: Final[dict[str, tuple[str, ...]]] = {
    "newest": ("-created_at", "-pk"),
    "price": ("price_minor", "pk"),
    "price_desc": ("-price_minor", "-pk"),
}


def category_roots() -> list[Category]:
    """Top-level categories in display order."""
    return list(Category.objects.filter(parent__isnull=True).order_by("position", "name"))


def category_get(slug: str) -> Category:
    """One category by slug, with its parent; NotFound if there is none."""
    category = Category.objects.select_related("parent").filter(slug=slug).first()
    if category is None:
        raise NotFound(slug=slug)
    return category


def category_children(category: Category) -> list[Category]:
    """The direct children of a category in display order."""
    return list(category.children.order_by("position", "name"))


def category_descendant_ids(category: Category) -> list[int]:
    """The ids of a category and every category below it (one query over the small tree)."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found: list[int] = []
    stack = [category.pk]
    while stack:
        pk = stack.pop()
        if pk in found:  # a cycle made in the admin must not loop forever
            continue
        found.append(pk)
        stack.extend(children.get(pk, []))
    return found


SEPARATOR: Final = " \N{SINGLE RIGHT-POINTING ANGLE QUOTATION MARK} "


def category_choices() -> list[tuple[int, str]]:
    """Every category as (id, "Parent / Child") in tree order, for a seller's form."""
    nodes = list(Category.objects.order_by("position", "name"))
    children: dict[int | None, list[Category]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    out: list[tuple[int, str]] = []

    def visit(parent_id: int | None, prefix: str, depth: int) -> None:
        if depth > 10:
            return
        for node in children.get(parent_id, []):
            label = f"{prefix}{node.label}"
            out.append((node.pk, label))
            visit(node.pk, f"{label}{SEPARATOR}", depth + 1)

    visit(None, "", 0)
    return out


# What a product card (web/product_card.html) and the API's product list show; listing pages
# load only these columns.
CARD_FIELDS: Final = (
    "id",
    "slug",
    "name",
    "price_minor",
    "currency",
    "unit",
    "stock",
    "created_at",
    "village__name",
    "village__slug",
    "shop__name",
    "shop__slug",
)


def product_list_public() -> QuerySet[Product]:
    """Products on the public listings, loaded for product cards.

    Listed means published, in an approved shop, in an approved village (the ``is_listed``
    flag, kept by the services in the same transaction as any of the three changes). Each
    product carries ``card_image``, the storage key of its first photo (or None), and
    ``card_colour``, that photo's average colour (its placeholder), read in the same query.
    """
    first_image = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "pk")
    return (
        Product.objects.filter(is_listed=True)
        .select_related("village", "shop")
        .only(*CARD_FIELDS)
        .annotate(
            card_image=Subquery(first_image.values("key")[:1]),
            card_colour=Subquery(first_image.values("colour")[:1]),
        )
    )


def product_cards_by_id(ids: list[int]) -> dict[int, Product]:
    """Load listed products for cards by id (search results), keyed by id."""
    if not ids:
        return {}
    return {product.pk: product for product in product_list_public().filter(pk__in=ids).order_by()}


def product_sorted(products: QuerySet[Product], sort: str) -> QuerySet[Product]:
    """Order a product list by a buyer's choice (unknown choices mean newest first)."""
    return products.order_by(*SORTS.get(sort, SORTS["newest"]))


def product_list_for_category(category: Category, sort: str = "newest") -> QuerySet[Product]:
    """Public products in a category and all categories below it."""
    ids = category_descendant_ids(category)
    products = product_list_public()
    products = (
        products.filter(category_id=ids[0])
        if len(ids) == 1
        else products.filter(category_id__in=ids)
    )
    return product_sorted(products, sort)


def product_get_public(pk: int) -> Product:
    """A product the public may see, with what its page shows; NotFound otherwise.

    The verified certifications are in ``product.verified_certifications``: claims that staff
    have not verified are never shown to buyers.
    """
    product = (
        Product.objects.filter(
            pk=pk,
            is_published=True,
            shop__status=ShopStatus.APPROVED,
            village__status=VillageStatus.APPROVED,
        )
        .select_related("shop", "village", "category", "category__parent")
        .defer("search_text")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk")),
            Prefetch(
                "certifications",
                queryset=Certification.objects.filter(status=CertificationStatus.VERIFIED).order_by(
                    "kind"
                ),
                to_attr="verified_certifications",
            ),
        )
        .first()
    )
    if product is None:
        raise NotFound(product_id=pk)
    return product


def shop_list_public() -> QuerySet[Shop]:
    """Approved shops in approved villages."""
    return Shop.objects.filter(status=ShopStatus.APPROVED, village__status=VillageStatus.APPROVED)


def shop_get_public(slug: str) -> Shop:
    """An approved shop in an approved village, with its village; NotFound otherwise."""
    shop = shop_list_public().select_related("village").filter(slug=slug).first()
    if shop is None:
        raise NotFound(slug=slug)
    return shop


def product_list_for_shop_public(shop: Shop, sort: str = "newest") -> QuerySet[Product]:
    """The public products of one shop."""
    return product_sorted(product_list_public().filter(shop=shop), sort)


def _may_manage(shop: Shop, user: Any) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_staff or shop.owner_id == user.pk)
        and getattr(user, "is_active", False)
    )


def shop_list_for_owner(user: Any) -> QuerySet[Shop]:
    """The shops a user owns, newest first."""
    return Shop.objects.filter(owner_id=user.pk).select_related("village").order_by("-created_at")


def shop_get_for_owner(*, slug: str, user: Any) -> Shop:
    """A shop its owner (or staff) may manage; NotFound for anyone else, as for a missing shop."""
    shop = Shop.objects.select_related("village").filter(slug=slug).first()
    if shop is None or not _may_manage(shop, user):
        raise NotFound(slug=slug)
    return shop


def product_get_for_owner(*, pk: int, user: Any) -> Product:
    """A product whose shop the user owns (or staff), with photos and claims; NotFound otherwise."""
    product = (
        Product.objects.select_related("shop", "shop__village", "category")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk")),
            Prefetch("certifications", queryset=Certification.objects.order_by("kind")),
        )
        .filter(pk=pk)
        .first()
    )
    if product is None or not _may_manage(product.shop, user):
        raise NotFound(product_id=pk)
    return product


def product_list_for_shop(shop: Shop) -> QuerySet[Product]:
    """Every product of a shop, published or not, for its seller."""
    return shop.products.select_related("category").order_by("-created_at", "-pk")


def commission_bp_for(category_id: int | None) -> int:
    """The commission rate of a category in basis points: its own, its nearest ancestor's, or
    settings.DEFAULT_COMMISSION_BP."""
    rows = {
        pk: (rate, parent)
        for pk, rate, parent in Category.objects.values_list("pk", "commission_bp", "parent_id")
    }  # one query over the small tree rather than one per level
    seen: set[int] = set()
    while category_id is not None and category_id not in seen and category_id in rows:
        seen.add(category_id)
        rate, parent = rows[category_id]
        if rate is not None:
            return int(rate)
        category_id = parent
    return int(settings.DEFAULT_COMMISSION_BP)
