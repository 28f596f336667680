"""The public village pages: the list by country and region, and one village's page."""

import random
import re
import string
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.catalog.models import Product
from sokoni.catalog.states import ShopStatus
from sokoni.catalog.tests.factories import ProductFactory, ProductImageFactory, ShopFactory
from sokoni.villages.tests.factories import (
    ServiceCentreFactory,
    VillageFactory,
    VillagePhotoFactory,
)
from sokoni.web.views.villages import PRODUCTS_PER_PAGE, SHOPS_SHOWN

pytestmark = pytest.mark.django_db


def detail_url(village):
    return reverse("web:village_detail", args=[village.slug])


def text(response):
    return response.content.decode()


# --- the list --------------------------------------------------------------------------------


def test_list_groups_approved_villages_by_country_then_region(client):
    """Countries in the reader's alphabetical order, regions inside, with specialities."""
    # given
    VillageFactory(name="Korogocho", country="KE", region="Nairobi", specialities="Sandals")
    VillageFactory(name="Othaya", country="KE", region="Nyeri", specialities="Tea\nHoney")
    VillageFactory(name="Karatina", country="KE", region="Nyeri", specialities="Avocados")
    VillageFactory(name="Dongfeng", country="CN", region="Jiangsu", specialities="Furniture")
    VillageFactory(name="Hidden", country="KE", region="Nyeri", applied=True)
    VillageFactory(name="Gone", country="KE", region="Nyeri", suspended=True)
    # when
    page = text(client.get(reverse("web:village_list")))
    # then
    headings = re.findall(r"<h([23])[^>]*>([^<]+)</h\1>", page)
    assert headings == [
        ("2", "China"),
        ("3", "Jiangsu"),
        ("2", "Kenya"),
        ("3", "Nairobi"),
        ("3", "Nyeri"),
    ]
    assert page.index(">Karatina<") < page.index(">Othaya<")
    assert "Tea, Honey" in page
    assert "Hidden" not in page
    assert "Gone" not in page


def test_list_names_countries_in_the_readers_language(client):
    """On /fr/ the country heading is in French."""
    # given
    VillageFactory(country="CV", region="Santiago")
    # when
    page = text(client.get("/fr" + reverse("web:village_list")))
    # then
    assert '<h2 id="c-CV">Cap-Vert</h2>' in page


def test_list_needs_few_queries_whatever_the_number_of_villages(
    client, django_assert_max_num_queries
):
    """The list page reads the villages in one query, not one per village."""
    # given
    for n in range(30):
        VillageFactory(country=["KE", "IN", "PE"][n % 3], region=f"Region {n % 5}")
    # when
    with django_assert_max_num_queries(2):
        response = client.get(reverse("web:village_list"))
    # then
    assert response.status_code == 200
    assert text(response).count('href="/villages/village-') == 30


def test_list_when_empty(client):
    """With no village yet the page says so."""
    # when
    page = text(client.get(reverse("web:village_list")))
    # then
    assert "No villages yet." in page


# --- one village -----------------------------------------------------------------------------


def test_detail_shows_the_village_and_what_it_offers(client):
    """Description, specialities, attractions, photos, shops, products and centres."""
    # given
    village = VillageFactory(
        name="Othaya",
        description="Tea on the hills.",
        specialities="Tea\nHoney",
        attractions="Chania falls",
    )
    VillagePhotoFactory(village=village, caption="Tea pickers")
    shop = ShopFactory(village=village, name="Wanjiru Teas")
    ShopFactory(village=village, name="Pending shop", status=ShopStatus.PENDING)
    product = ProductFactory(shop=shop, name="Purple tea 250 g")
    ProductImageFactory(product=product)
    ProductFactory(shop=shop, name="Draft product", is_published=False)
    operator = UserFactory(name="Agnes Muthoni")
    ServiceCentreFactory(
        village=village, name="Othaya centre", address="Bus stage", hours="Daily 8-18",
        phone="+254700000123", operator=operator,
    )  # fmt: skip
    ServiceCentreFactory(village=village, name="Closed centre", is_active=False)
    # when
    response = client.get(detail_url(village))
    # then
    assert response.status_code == 200
    page = text(response)
    for expected in [
        "<h1>Othaya</h1>",
        "Tea on the hills.",
        "<li>Honey</li>",
        "<li>Chania falls</li>",
        'alt="Tea pickers"',
        "Wanjiru Teas",
        "Purple tea 250 g",
        "Othaya centre",
        "Bus stage",
        "Daily 8-18",
        "Agnes Muthoni",
        'href="tel:+254700000123"',
    ]:
        assert expected in page, expected
    for hidden in ["Pending shop", "Draft product", "Closed centre"]:
        assert hidden not in page


@pytest.mark.parametrize("status", ["applied", "rejected", "suspended"])
def test_a_village_that_is_not_approved_does_not_exist_for_the_public(client, status):
    """Anonymous visitors, other users and even its admins get a 404."""
    # given
    village = VillageFactory(status=status)
    village.admins.add(village.applicant)
    # when / then
    assert client.get(detail_url(village)).status_code == 404
    client.force_login(village.applicant)
    assert client.get(detail_url(village)).status_code == 404
    client.force_login(UserFactory())
    assert client.get(detail_url(village)).status_code == 404


def test_staff_may_preview_a_village_that_is_not_approved(client):
    """Staff reviewing an application see its page, marked as a preview."""
    # given
    village = VillageFactory(applied=True, name="Awaiting")
    client.force_login(StaffFactory())
    # when
    response = client.get(detail_url(village))
    # then
    assert response.status_code == 200
    assert "Preview for staff" in text(response)


def test_unknown_village_is_404_in_the_readers_language(client):
    """An unknown slug gives the 404 page, in French under /fr/."""
    # when
    response = client.get("/fr/villages/no-such-village/")
    # then
    assert response.status_code == 404
    assert 'lang="fr"' in text(response)


def make_products(village, count):
    shop = ShopFactory(village=village)
    now = timezone.now()
    products = ProductFactory.create_batch(count, shop=shop)
    # Distinct ages, newest = highest index.
    for i, product in enumerate(products):
        Product.objects.filter(pk=product.pk).update(created_at=now - timedelta(minutes=count - i))
    return products


def test_products_are_paginated_newest_first(client):
    """?page=2 shows the next products; the pager links both ways."""
    # given
    village = VillageFactory()
    products = make_products(village, PRODUCTS_PER_PAGE + 3)
    newest_first = [p.name for p in reversed(products)]
    # when
    first = text(client.get(detail_url(village)))
    second = text(client.get(detail_url(village), {"page": "2"}))
    # then
    shown_first = re.findall(r"<h3>(Woven basket \d+)</h3>", first)
    shown_second = re.findall(r"<h3>(Woven basket \d+)</h3>", second)
    assert shown_first == newest_first[:PRODUCTS_PER_PAGE]
    assert shown_second == newest_first[PRODUCTS_PER_PAGE:]
    assert 'href="?page=2#products"' in first
    assert 'href="?page=1#products"' in second
    assert "?page=3" not in second


@pytest.mark.parametrize("page", ["abc", "-1", "0", "1e9", "", "2" * 100, "%00"])
def test_malformed_page_numbers_show_the_first_page(client, page):
    """A page number that is not a positive integer falls back to page 1."""
    # given
    village = VillageFactory()
    make_products(village, 2)
    # when
    response = client.get(detail_url(village), {"page": page})
    # then
    assert response.status_code == 200
    assert len(re.findall(r"<h3>Woven basket \d+</h3>", text(response))) in {0, 2}


def test_a_page_past_the_end_says_there_is_no_more(client):
    """A page beyond the last one is a short page with a way back, not an error."""
    # given
    village = VillageFactory()
    make_products(village, 2)
    # when
    response = client.get(detail_url(village), {"page": "99"})
    # then
    assert response.status_code == 200
    assert "No more products." in text(response)


def test_only_the_first_shops_are_listed_with_a_link_to_the_rest(client):
    """A village with many shops lists SHOPS_SHOWN of them and links to search."""
    # given
    village = VillageFactory()
    ShopFactory.create_batch(SHOPS_SHOWN + 2, village=village)
    # when
    page = text(client.get(detail_url(village)))
    # then
    assert page.count('href="/shops/') == SHOPS_SHOWN
    assert f"/search/?village={village.slug}" in page


def prose(length, line=0):
    """Text of the given length from varied words (it compresses like real writing)."""
    rng = random.Random(length + line)
    vocabulary = [
        "".join(rng.choices(string.ascii_lowercase, k=rng.randint(2, 9))) for _ in range(400)
    ]
    words, size = [], 0
    while size < length:
        word = rng.choice(vocabulary)
        words.append(word)
        size += len(word) + 1
    out = " ".join(words)[:length]
    if line:
        out = "\n".join(out[i : i + line] for i in range(0, len(out), line))[:length]
    return out


def test_village_page_needs_few_queries(client, django_assert_max_num_queries):
    """A full village (long text, photos, many shops, a full page of products): few queries
    (its weight: test_budgets.py)."""
    # given
    village = VillageFactory(
        description=prose(5000),
        specialities=prose(2000, line=40),
        attractions=prose(2000, line=40),
    )
    VillagePhotoFactory.create_batch(12, village=village)
    for shop in ShopFactory.create_batch(SHOPS_SHOWN + 1, village=village):
        for product in ProductFactory.create_batch(3, shop=shop):
            ProductImageFactory(product=product)
    ServiceCentreFactory.create_batch(3, village=village)
    # when
    with django_assert_max_num_queries(8):
        response = client.get(detail_url(village))
    # then
    assert response.status_code == 200
    assert len(re.findall(r'<li class="card">', text(response))) == PRODUCTS_PER_PAGE


def test_village_card_on_the_home_page_links_to_the_village(client):
    """The featured village card shows the name, place and specialities."""
    # given
    village = VillageFactory(name="Dongfeng", country="CN", region="Jiangsu", specialities="Sofas")
    # when
    page = text(client.get(reverse("web:home")))
    # then
    assert detail_url(village) in page
    assert "Jiangsu, China" in page
