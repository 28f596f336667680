"""seed_demo builds the demo world once, with working demo accounts."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from sokoni.accounts.models import User
from sokoni.catalog.models import Certification, Product, ProductImage, Shop
from sokoni.catalog.states import CertificationStatus, ShopStatus
from sokoni.villages.models import ServiceCentre, Village
from sokoni.villages.states import VillageStatus
from sokoni.web.demo.world import DEMO_ACCOUNTS, PASSWORD, WORLD

PRODUCTS = 90
CURRENCIES = {
    "CN": {"CNY"},
    "KR": {"KRW"},
    "IN": {"INR"},
    "CV": {"CVE"},
    "KE": {"KES"},
    "PE": {"PEN"},
    "BO": {"BOB"},
    "ET": {"ETB"},
    "KH": {"KHR"},
}


def test_seed_demo_builds_the_villages_of_the_demo_world(world):
    """Every village of DEMO_WORLD.md exists, approved, with photos and a service centre."""
    # given / when: seeded
    villages = list(Village.objects.prefetch_related("photos", "service_centres"))
    # then
    assert len(villages) == len(WORLD) >= 12
    assert {v.status for v in villages} == {VillageStatus.APPROVED}
    assert len({v.country for v in villages}) >= 6
    assert all(1 <= len(v.photos.all()) <= 3 for v in villages)
    assert all(len(v.service_centres.all()) >= 1 for v in villages)
    assert sum(v.is_featured for v in villages) == sum(s.featured for s in WORLD)
    assert all(v.admins.filter(pk=v.applicant_id).exists() for v in villages)


def test_seed_demo_opens_sixty_approved_shops_in_their_country_currency(world):
    """Shops are approved and price in their country's currency."""
    # when
    shops = list(Shop.objects.select_related("village"))
    # then
    assert len(shops) == 60
    assert {s.status for s in shops} == {ShopStatus.APPROVED}
    for shop in shops:
        assert shop.currency in CURRENCIES[shop.village.country], shop


def test_seed_demo_publishes_the_requested_products_with_pictures(world):
    """--products N gives N published products, each with a picture, plus the seller's drafts."""
    # when
    published = Product.objects.filter(is_published=True)
    # then
    assert published.count() == PRODUCTS
    assert Product.objects.filter(is_published=False).count() == 3
    assert ProductImage.objects.filter(product__is_published=True).count() == PRODUCTS
    assert not published.filter(price_minor__lte=0).exists()
    assert not published.exclude(currency=models_f("shop__currency")).exists()
    assert published.filter(unit="kg").exists()
    assert Certification.objects.filter(status=CertificationStatus.VERIFIED).exists()
    assert Product.objects.values("shop_id", "slug").distinct().count() == Product.objects.count()


def models_f(name):
    from django.db.models import F

    return F(name)


def test_demo_accounts_log_in_with_the_documented_password(world):
    """Each demo account logs in with its phone number and the shared password."""
    for account in DEMO_ACCOUNTS:
        # when
        client = Client()
        ok = client.login(phone=account.phone, password=PASSWORD)
        # then
        assert ok, account.role
    staff = User.objects.get(phone="+254700000007")
    assert staff.is_staff
    assert staff.is_superuser


def test_demo_people_hold_their_roles(world):
    """The operator runs the Othaya centre, the administrator runs Othaya, the seller a shop."""
    phones = {a.role: a.phone for a in DEMO_ACCOUNTS}
    othaya = Village.objects.get(slug="othaya")
    assert ServiceCentre.objects.filter(village=othaya, operator__phone=phones["operator"]).exists()
    assert othaya.admins.filter(phone=phones["village_admin"]).exists()
    assert Shop.objects.filter(owner__phone=phones["seller"], village__slug="dongfeng").exists()
    assert Shop.objects.filter(owner__phone=phones["farmer"], village=othaya).exists()
    assert "sokoni-demo" in world
    assert "+254712000010" in world


def test_seed_demo_if_empty_is_a_no_op_the_second_time(world):
    """--if-empty on a seeded database changes nothing; without it the command refuses."""
    # given
    counts = (
        Village.objects.count(),
        Shop.objects.count(),
        Product.objects.count(),
        User.objects.count(),
    )
    # when
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    # then
    assert "already" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    after = (
        Village.objects.count(),
        Shop.objects.count(),
        Product.objects.count(),
        User.objects.count(),
    )
    assert after == counts


def test_every_page_of_the_demo_world_renders(world, client):
    """Home, the village list, every village, shop and a product of each shop answer 200."""
    # given
    urls = [reverse("web:home"), reverse("web:village_list")]
    urls += [reverse("web:village_detail", args=[v.slug]) for v in Village.objects.all()]
    urls += [reverse("web:shop_detail", args=[s.slug]) for s in Shop.objects.all()]
    for shop in Shop.objects.all():
        product = Product.objects.filter(shop=shop, is_published=True).first()
        if product is not None:
            urls.append(reverse("web:product_detail", args=[product.pk, product.slug]))
    # when
    statuses = {url: client.get(url).status_code for url in urls}
    # then
    assert {url: code for url, code in statuses.items() if code != 200} == {}


def test_world_data_names_real_categories_motifs_and_lines():
    """Every product line sits in a category of the tree, has a motif, and shops name lines."""
    from sokoni.catalog.category_tree import walk
    from sokoni.web.demo.pictures import MOTIFS

    slugs = {node.slug for node, _parent, _position in walk()}
    for village in WORLD:
        for key, line in village.lines.items():
            assert line.category in slugs, (village.name, key)
            assert line.motif in MOTIFS, (village.name, key)
            assert "{v}" in line.name, (village.name, key)
        for shop in village.shops:
            assert set(shop.lines) <= set(village.lines), (village.name, shop.name)
    assert sum(len(v.shops) for v in WORLD) == 60
