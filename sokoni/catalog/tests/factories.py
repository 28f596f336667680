"""Catalogue rows for tests: an approved shop in an approved village, categories, products."""

import factory
from django.utils import timezone
from django.utils.text import slugify

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.models import Category, Certification, Product, ProductImage, Shop
from sokoni.catalog.states import CertificationKind, ProductKind, ShopStatus, Unit
from sokoni.villages.states import VillageStatus
from sokoni.villages.tests.factories import VillageFactory


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    names = factory.LazyAttribute(lambda o: {"fr": f"{o.name} (fr)"})
    icon = "basket"
    parent = None


class ShopFactory(factory.django.DjangoModelFactory):
    """An approved shop in an approved village."""

    class Meta:
        model = Shop

    village = factory.SubFactory(VillageFactory)
    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Mama Wanjiru Honey {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    description = "Honey and tea from the hills."
    currency = "KES"
    status = ShopStatus.APPROVED
    status_changed_at = factory.LazyFunction(timezone.now)


class ProductFactory(factory.django.DjangoModelFactory):
    """A published product with 10 in stock."""

    class Meta:
        model = Product

    shop = factory.SubFactory(ShopFactory)
    village = factory.SelfAttribute("shop.village")
    currency = factory.SelfAttribute("shop.currency")
    category = factory.SubFactory(CategoryFactory)
    kind = ProductKind.PHYSICAL
    name = factory.Sequence(lambda n: f"Woven basket {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    description = "Hand-woven from sisal."
    price_minor = 125_000
    unit = Unit.PIECE
    stock = 10
    is_published = True
    # The flag the services keep: published, approved shop, approved village.
    is_listed = factory.LazyAttribute(
        lambda o: (
            o.is_published
            and o.shop.status == ShopStatus.APPROVED
            and o.village.status == VillageStatus.APPROVED
        )
    )
    published_at = factory.LazyFunction(timezone.now)


class ProductImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    key = factory.Sequence(lambda n: f"products/test/{n:032x}")
    alt = "A basket"
    width = 960
    height = 960


class CertificationFactory(factory.django.DjangoModelFactory):
    """A claim as the seller made it (not yet verified)."""

    class Meta:
        model = Certification

    product = factory.SubFactory(ProductFactory)
    kind = CertificationKind.ORGANIC
    issuer = "Kenya Organic Agriculture Network"
    reference = "KOAN-2026-001"
