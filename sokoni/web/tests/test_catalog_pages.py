"""Public category, shop and product pages: what buyers see, what stays hidden, queries."""

import pytest
from django.urls import reverse

from sokoni.accounts.tests.factories import StaffFactory
from sokoni.catalog import services
from sokoni.catalog.states import ShopStatus
from sokoni.catalog.tests.factories import (
    CategoryFactory,
    CertificationFactory,
    ProductFactory,
    ProductImageFactory,
    ShopFactory,
)
from sokoni.core.money import format_money
from sokoni.shipping.network import network_forget
from sokoni.villages.tests.factories import VillageFactory

pytestmark = pytest.mark.django_db


def product_url(product):
    return reverse("web:product_detail", args=[product.pk, product.slug])


# -- product page -----------------------------------------------------------------------------


def test_product_page_shows_what_a_buyer_needs(client):
    """Name, price with unit in the reader's format, stock, category, shop and village links."""
    # given
    product = ProductFactory(
        name="Nyeri AA coffee", price_minor=85_000, unit="kg", kind="produce", stock=12
    )
    # when
    response = client.get(product_url(product))
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert "<h1>Nyeri AA coffee</h1>" in html
    assert f"{format_money(85_000, 'KES', 'en')}</span> / kg" in html
    assert "In stock: 12" in html
    assert reverse("web:category_detail", args=[product.category.slug]) in html
    assert reverse("web:shop_detail", args=[product.shop.slug]) in html
    assert reverse("web:village_detail", args=[product.village.slug]) in html


def test_product_price_follows_the_readers_language(client):
    """The same price reads in French grouping on the French page."""
    product = ProductFactory(price_minor=1_250_000)
    html = client.get("/fr" + product_url(product)).content.decode()
    assert format_money(1_250_000, "KES", "fr") in html


def test_out_of_stock_is_said(client):
    """A product with no stock says so."""
    product = ProductFactory(stock=0)
    assert "Out of stock" in client.get(product_url(product)).content.decode()


def test_product_photos_have_a_srcset_lazy_loading_and_alt_text(client):
    """Each photo offers its 160/480/960 renditions, has its size, its colour while it loads
    and alt text; the first (above the fold) loads first, the others lazily."""
    # given
    product = ProductFactory(name="Silk scarf")
    ProductImageFactory(
        product=product, key="products/t/a", alt="Red silk scarf", width=1200, colour="#a01020"
    )
    ProductImageFactory(product=product, key="products/t/b", alt="", width=300, height=300)
    ProductImageFactory(product=product, key="products/t/c", alt="", width=300, height=300)
    # when
    html = client.get(product_url(product)).content.decode()
    # then
    assert (
        'srcset="/media/products/t/a/160.webp 160w, /media/products/t/a/480.webp 480w, '
        '/media/products/t/a/960.webp 960w"' in html
    )
    assert "/media/products/t/b/960.webp 300w" in html  # small originals were never enlarged
    assert html.count('loading="lazy"') == 2
    first = html[html.index('<img src="/media/products/t/a/') :].split(">", 1)[0]
    assert 'fetchpriority="high"' in first
    assert "loading=" not in first
    assert 'class="bg-a01020"' in first
    assert ".bg-a01020{background-color:#a01020!important}" in html  # in the page's nonce'd <style>
    assert "style=" not in html
    assert 'width="1200" height="960"' in first
    assert 'alt="Red silk scarf"' in html
    assert 'alt="Silk scarf"' in html  # a photo without a description falls back to the name


def test_wrong_slug_redirects_permanently_to_the_right_one(client):
    """Old or mistyped slugs, and the short URL, 301 to the canonical product URL."""
    product = ProductFactory(name="Clay pot")
    for url in (
        reverse("web:product_detail", args=[product.pk, "old-name"]),
        reverse("web:product_detail_short", args=[product.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == product_url(product)


@pytest.mark.parametrize(
    "make",
    [
        lambda: ProductFactory(is_published=False),
        lambda: ProductFactory(shop=ShopFactory(status=ShopStatus.PENDING)),
        lambda: ProductFactory(shop=ShopFactory(status=ShopStatus.SUSPENDED)),
        lambda: ProductFactory(shop=ShopFactory(village=VillageFactory(suspended=True))),
        lambda: ProductFactory(shop=ShopFactory(village=VillageFactory(applied=True))),
    ],
    ids=["unpublished", "shop-pending", "shop-suspended", "village-suspended", "village-applied"],
)
def test_hidden_products_are_404_for_the_public(client, make):
    """Unpublished products, and those of shops or villages not approved, do not exist publicly."""
    product = make()
    for url in (product_url(product), reverse("web:product_detail_short", args=[product.pk])):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


def test_unknown_product_is_a_404_page(client):
    """An unknown id is a 404 page, not an error."""
    response = client.get(reverse("web:product_detail", args=[987654, "anything"]))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_certification_shows_as_verified_only_after_staff_verify(client):
    """A claim is invisible to buyers; once staff verify it, the page shows it as verified."""
    # given
    product = ProductFactory()
    claim = CertificationFactory(product=product, issuer="Coffee Board of Kenya")
    # when / then: claimed only
    html = client.get(product_url(product)).content.decode()
    assert "Coffee Board of Kenya" not in html
    assert "Verified certifications" not in html
    # when
    services.certification_verify(certification=claim, actor=StaffFactory())
    # then
    html = client.get(product_url(product)).content.decode()
    assert "Verified certifications" in html
    assert "Coffee Board of Kenya" in html
    assert "Organic" in html


def test_rejected_certification_is_not_shown(client):
    """A rejected claim never appears on the public page."""
    product = ProductFactory()
    claim = CertificationFactory(product=product, issuer="Nobody Certifies")
    services.certification_reject(certification=claim, actor=StaffFactory(), note="Fake.")
    assert "Nobody Certifies" not in client.get(product_url(product)).content.decode()


def test_product_page_is_cheap(client, django_assert_max_num_queries, settings):
    """With 8 photos, 3 verified certifications and the delivery quote: at most 9 queries
    (the 4 of the page, then the shop's hub for the default destination, the session and the
    village's hub for the quote; the network itself is the process's copy; then the reviews'
    rating and one page of reviews). Its weight: test_budgets.py."""
    settings.SHIPPING_NETWORK_CACHE_SECONDS = 60
    network_forget()
    # given
    product = ProductFactory(description="Woven by hand. " * 200)
    for n in range(8):
        ProductImageFactory(product=product, alt=f"Basket seen from side {n}")
    staff = StaffFactory()
    for kind in ("organic", "gi", "fair_trade"):
        services.certification_verify(
            certification=CertificationFactory(product=product, kind=kind), actor=staff
        )
    client.get(product_url(product))  # the process reads the network once
    # when
    # +2 for the reviews (sokoni.trust.selectors): the rating over them and one page of them.
    with django_assert_max_num_queries(9):
        response = client.get(product_url(product))
    # then
    assert response.status_code == 200


# -- category page ----------------------------------------------------------------------------


def test_category_page_lists_its_and_its_childrens_public_products(client):
    """Products of the category and its descendants, published only; children with icons."""
    # given
    parent = CategoryFactory(name="Crafts", icon="vase")
    child = CategoryFactory(name="Pottery", parent=parent, icon="vase")
    grandchild = CategoryFactory(name="Cooking pots", parent=child, icon="pot")
    other = CategoryFactory(name="Honey")
    ProductFactory(category=parent, name="Carved spoon")
    ProductFactory(category=grandchild, name="Clay cooking pot")
    ProductFactory(category=child, name="Draft vase", is_published=False)
    ProductFactory(category=child, name="Pending vase", shop=ShopFactory(status="pending"))
    ProductFactory(category=other, name="Forest honey")
    # when
    response = client.get(reverse("web:category_detail", args=[parent.slug]))
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert "Carved spoon" in html
    assert "Clay cooking pot" in html
    assert "Draft vase" not in html
    assert "Pending vase" not in html
    assert "Forest honey" not in html
    assert reverse("web:category_detail", args=[child.slug]) in html
    assert "icons.svg#vase" in html


def test_category_name_follows_the_readers_language(client):
    """The French page shows the French name of the category."""
    category = CategoryFactory(name="Honey", names={"fr": "Miel"})
    html = client.get("/fr" + reverse("web:category_detail", args=[category.slug])).content.decode()
    assert "<h1>" in html
    assert "Miel" in html


def test_category_page_sorts_by_price(client):
    """?sort=price lists the cheapest first, ?sort=price_desc the dearest first."""
    # given
    category = CategoryFactory()
    for name, price in (("Mid", 500), ("Cheap", 100), ("Dear", 900)):
        ProductFactory(category=category, name=f"Item {name}", price_minor=price)
    url = reverse("web:category_detail", args=[category.slug])
    # when
    ascending = client.get(url, {"sort": "price"}).context["listing"].products
    descending = client.get(url, {"sort": "price_desc"}).context["listing"].products
    newest = client.get(url, {"sort": "bogus"}).context["listing"].products
    # then
    assert [p.name for p in ascending] == ["Item Cheap", "Item Mid", "Item Dear"]
    assert [p.name for p in descending] == ["Item Dear", "Item Mid", "Item Cheap"]
    assert [p.name for p in newest] == ["Item Dear", "Item Cheap", "Item Mid"]


def test_category_page_is_paginated(client):
    """24 products a page; the next link keeps the sort; a malformed page number means page 1."""
    # given
    category = CategoryFactory()
    shop = ShopFactory()
    ProductFactory.create_batch(25, category=category, shop=shop)
    url = reverse("web:category_detail", args=[category.slug])
    # when
    first = client.get(url, {"sort": "price"})
    second = client.get(url, {"sort": "price", "page": "2"})
    malformed = client.get(url, {"page": "abc"})
    huge = client.get(url, {"page": "99999999999999999999"})
    # then
    assert len(first.context["listing"].products) == 24
    assert 'href="?sort=price&amp;page=2"' in first.content.decode()
    assert len(second.context["listing"].products) == 1
    assert 'href="?sort=price"' in second.content.decode()
    assert malformed.status_code == 200
    assert malformed.context["listing"].number == 1
    assert huge.status_code == 200
    assert huge.context["listing"].products == []


def test_unknown_category_is_404(client):
    """An unknown slug is a 404 page."""
    assert client.get(reverse("web:category_detail", args=["no-such"])).status_code == 404


def test_category_page_is_cheap(client, django_assert_max_num_queries):
    """A full page of 24 products with photos: at most 6 queries (weight: test_budgets.py)."""
    # given
    category = CategoryFactory(icon="coffee")
    CategoryFactory.create_batch(5, parent=category)
    shop = ShopFactory()
    for product in ProductFactory.create_batch(30, category=category, shop=shop):
        ProductImageFactory(product=product)
    # when
    with django_assert_max_num_queries(6):
        response = client.get(reverse("web:category_detail", args=[category.slug]))
    # then
    assert response.status_code == 200


# -- shop page --------------------------------------------------------------------------------


def test_shop_page_shows_description_village_and_products(client):
    """An approved shop: its description, a link to its village, its published products."""
    # given
    shop = ShopFactory(description="Baskets woven by twelve women.")
    ProductFactory(shop=shop, name="Market basket")
    ProductFactory(shop=shop, name="Hidden draft", is_published=False)
    # when
    response = client.get(reverse("web:shop_detail", args=[shop.slug]))
    html = response.content.decode()
    # then
    assert response.status_code == 200
    assert "Baskets woven by twelve women." in html
    assert reverse("web:village_detail", args=[shop.village.slug]) in html
    assert "Market basket" in html
    assert "Hidden draft" not in html


@pytest.mark.parametrize(
    "make",
    [
        lambda: ShopFactory(status=ShopStatus.PENDING),
        lambda: ShopFactory(status=ShopStatus.REJECTED),
        lambda: ShopFactory(status=ShopStatus.SUSPENDED),
        lambda: ShopFactory(village=VillageFactory(suspended=True)),
    ],
    ids=["pending", "rejected", "suspended", "village-suspended"],
)
def test_shop_not_public_is_404(client, make):
    """Shops that are not approved, or whose village is not, do not exist for the public."""
    shop = make()
    assert client.get(reverse("web:shop_detail", args=[shop.slug])).status_code == 404


def test_shop_page_is_cheap(client, django_assert_max_num_queries):
    """A full page of products: at most 4 queries (weight: test_budgets.py)."""
    shop = ShopFactory(description="A long story. " * 100)
    for product in ProductFactory.create_batch(30, shop=shop):
        ProductImageFactory(product=product)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("web:shop_detail", args=[shop.slug]))
    assert response.status_code == 200
