"""What the USSD menus list: a few rows each, read in one or two queries."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models import Case, IntegerField, QuerySet, Value, When

from sokoni.accounts.models import User
from sokoni.catalog.delivery import PARCEL_FIELDS, SHOP_FIELDS
from sokoni.catalog.models import Category, Product, Shop
from sokoni.logistics.models import Pickup
from sokoni.logistics.states import PickupStatus
from sokoni.orders.models import Order
from sokoni.orders.states import OrderStatus
from sokoni.villages.models import ServiceCentre

ROOTS_KEY = "ussd:category-roots"
ROOTS_SECONDS = 60
LIST_LIMIT = 60  # twelve screens of five: more than anyone pages through on a phone


def _sellable_near(centre: ServiceCentre) -> QuerySet[Product]:
    """Listed products in stock in the centre's country."""
    return Product.objects.filter(
        is_listed=True, stock__gt=0, village__country=centre.village.country
    )


def _roots() -> dict[int, int]:
    """Each category's top-level ancestor, kept a minute (the tree changes a few times a year;
    a USSD hop has 50 ms)."""
    roots = cache.get_or_set(ROOTS_KEY, _read_roots, ROOTS_SECONDS)
    return roots if isinstance(roots, dict) else _read_roots()


def _read_roots() -> dict[int, int]:
    parents = dict(Category.objects.values_list("pk", "parent_id"))
    roots: dict[int, int] = {}
    for pk in parents:
        node, seen = pk, set()
        while parents.get(node) is not None and node not in seen:
            seen.add(node)
            node = parents[node]
        roots[pk] = node
    return roots


def categories_near(centre: ServiceCentre) -> list[Category]:
    """Top-level categories with something to buy near the centre, in display order."""
    used = set(_sellable_near(centre).values_list("category_id", flat=True).distinct())
    roots = _roots()
    wanted = {roots[pk] for pk in used if pk in roots}
    return list(Category.objects.filter(pk__in=wanted).order_by("position", "name"))


def products_near(centre: ServiceCentre, category: Category) -> list[Product]:
    """The category's products near the centre: its own village first, then its region, then
    the rest of the country; cheapest first within each."""
    roots = _roots()
    ids = [pk for pk, root in roots.items() if root == category.pk]
    village = centre.village
    closeness = Case(
        When(village_id=village.pk, then=Value(0)),
        When(village__region=village.region, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(
        _sellable_near(centre)
        .filter(category_id__in=ids)
        .annotate(closeness=closeness)
        .select_related("village", "shop")
        .only(
            "name",
            "price_minor",
            "currency",
            "unit",
            "stock",
            "village__name",
            "shop__owner_id",
            *SHOP_FIELDS,
            *PARCEL_FIELDS,
            "shop__name",
        )
        .order_by("closeness", "price_minor", "pk")[:LIST_LIMIT]
    )


def product_to_buy(product_id: int, centre: ServiceCentre) -> Product | None:
    return (
        _sellable_near(centre)
        .select_related("shop", "village")
        .only(
            "name",
            "price_minor",
            "currency",
            "unit",
            "stock",
            "village__name",
            "shop__owner_id",
            *SHOP_FIELDS,
            *PARCEL_FIELDS,
        )
        .filter(pk=product_id)
        .first()
    )


def orders_of_buyer(user: User) -> list[Order]:
    return list(Order.objects.filter(buyer=user).order_by("-created_at", "-pk")[:LIST_LIMIT])


def order_of_buyer(user: User, order_id: int) -> Order | None:
    return (
        Order.objects.select_related("shop", "checkout__service_centre")
        .filter(pk=order_id, buyer=user)
        .first()
    )


def waiting_pickup(order: Order) -> Pickup | None:
    return (
        Pickup.objects.select_related("centre")
        .filter(order=order, status=PickupStatus.WAITING)
        .first()
    )


def is_seller(user: User) -> bool:
    return Shop.objects.filter(owner=user).exists()


def products_of_seller(user: User) -> list[Product]:
    return list(
        Product.objects.filter(shop__owner=user)
        .only("name", "price_minor", "currency", "unit", "stock")
        .order_by("name", "pk")[:LIST_LIMIT]
    )


def product_of_seller(user: User, product_id: int) -> Product | None:
    return Product.objects.filter(pk=product_id, shop__owner=user).first()


def new_orders_of_seller(user: User) -> list[Order]:
    """Paid orders waiting to be sent, oldest first."""
    return list(
        Order.objects.filter(shop__owner=user, status=OrderStatus.PAID).order_by("paid_at", "pk")[
            :LIST_LIMIT
        ]
    )


def order_of_seller(user: User, order_id: int) -> Order | None:
    return (
        Order.objects.select_related("shop", "checkout__service_centre")
        .filter(pk=order_id, shop__owner=user)
        .first()
    )
