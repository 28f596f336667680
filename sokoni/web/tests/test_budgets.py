"""Page-weight budgets (issue 7): every buyer page's HTML fits the first round trip (14 KB
gzipped) and a first visit's render-blocking CSS and JS stay under 30 KB gzipped.

Bytes are stable, so they are tested here; times are not, so they stay in the benchmarks
(bench/run.py, bench/slow_network.py, bench/lighthouse.py). The pages are filled to their
worst: full listings of photographed products with long names, a product with every photo
and certification, a village with long texts, a cart of twenty lines, in English and in Hindi
(Devanagari takes three bytes a letter in UTF-8).
"""

import gzip
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.catalog import services as catalog_services
from sokoni.catalog.models import Product
from sokoni.catalog.search import product_reindex
from sokoni.catalog.tests.factories import (
    CategoryFactory,
    CertificationFactory,
    ProductFactory,
    ProductImageFactory,
    ShopFactory,
)
from sokoni.orders.services.cart import cart_add
from sokoni.villages.tests.factories import (
    ServiceCentreFactory,
    VillageFactory,
    VillagePhotoFactory,
)
from sokoni.web.tests.test_village_pages import prose
from sokoni.web.views.villages import SHOPS_SHOWN

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 14 * 1024
BLOCKING_BUDGET = 30 * 1024
LANGUAGES = ["en", "hi"]  # English and a non-Latin script


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9))


@pytest.fixture
def heavy_market():
    """A market filled to the worst case of every buyer page; the URLs to weigh, by name."""
    village = VillageFactory(
        description=prose(5000), specialities=prose(2000, line=40), attractions=prose(2000, line=40)
    )
    VillagePhotoFactory.create_batch(12, village=village)
    ServiceCentreFactory.create_batch(3, village=village)
    category = CategoryFactory(icon="basket")
    CategoryFactory.create_batch(6, parent=category)
    shop = ShopFactory(village=village, description=prose(1500))
    baskets = [
        ProductFactory(
            shop=shop,
            category=category,
            name=f"Handwoven sisal market basket number {n} with leather handles, large",
            stock=n,  # some out of stock
        )
        for n in range(30)
    ]
    for product in baskets:
        ProductImageFactory(product=product, colour="#a07850")
    product = baskets[-1]
    product.description = prose(3000)
    product.save(update_fields=["description"])
    for n in range(7):
        ProductImageFactory(product=product, alt=f"The basket seen from side {n}")
    staff = StaffFactory()
    for kind in ("organic", "gi", "fair_trade"):
        catalog_services.certification_verify(
            certification=CertificationFactory(product=product, kind=kind), actor=staff
        )
    buyer = UserFactory()
    for other in ShopFactory.create_batch(max(5, SHOPS_SHOWN + 1), village=village)[:5]:
        for item in ProductFactory.create_batch(4, shop=other):
            cart_add(user=buyer, product_id=item.pk, quantity=2)
    product_reindex(Product.objects.values_list("pk", flat=True))
    search = reverse("web:search")
    pages = {
        "home": reverse("web:home"),
        "village": reverse("web:village_detail", args=[village.slug]),
        "shop": reverse("web:shop_detail", args=[shop.slug]),
        "product": reverse("web:product_detail", args=[product.pk, product.slug]),
        "category": reverse("web:category_detail", args=[category.slug]),
        "search": f"{search}?q=basket",
        "search, no results": f"{search}?q=zzqxv",
        "cart": reverse("orders:cart"),
    }
    return buyer, pages


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_buyer_page_fits_in_14_kb_gzipped(client, heavy_market, language):
    """Each page type, filled to its worst, is at most 14 KB gzipped (the first round trip)."""
    # given
    buyer, pages = heavy_market
    client.force_login(buyer)
    prefix = "" if language == "en" else f"/{language}"
    # when
    weights = {}
    for name, url in pages.items():
        response = client.get(prefix + url)
        assert response.status_code == 200, f"{name} ({url}) answered {response.status_code}"
        assert f'lang="{language}"' in response.content.decode()
        weights[name] = gzipped(response.content)
    # then
    assert weights["search"] > weights["search, no results"]  # the results were drawn
    over = {name: size for name, size in weights.items() if size > PAGE_BUDGET}
    assert not over, f"over {PAGE_BUDGET} B gzipped: {over} (all: {weights})"


class HeadAssets(HTMLParser):
    """The render-blocking assets of a page: stylesheets (not print-only) and scripts without
    async, defer or type=module, in <head>."""

    def __init__(self) -> None:
        super().__init__()
        self.in_head = False
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif not self.in_head:
            return
        elif tag == "link" and "stylesheet" in (found.get("rel") or "").split():
            if found.get("media") != "print":
                self.stylesheets.append(found.get("href") or "")
        elif tag == "script" and found.get("src") and not self.deferred(found):
            self.scripts.append(found["src"] or "")

    @staticmethod
    def deferred(found: dict[str, str | None]) -> bool:
        return bool({"async", "defer"} & found.keys()) or found.get("type") == "module"

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False


def static_file(url: str) -> bytes:
    """The bytes of a static file named by its URL (with or without a manifest hash)."""
    assert url.startswith(settings.STATIC_URL), f"not a static file: {url}"
    name = url[len(settings.STATIC_URL) :].split("?")[0]
    path = finders.find(name) or finders.find(re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", name))
    assert path, f"{url} is not found by the static files finders"
    with open(str(path), "rb") as handle:
        return handle.read()


@pytest.mark.parametrize("easy", [False, True], ids=["usual", "easy mode"])
def test_render_blocking_css_and_js_fit_in_30_kb_gzipped(client, easy):
    """Every stylesheet and blocking script of a first visit's <head>, gzipped, ≤ 30 KB; no
    web fonts or imported stylesheets behind them."""
    # given
    if easy:
        client.post(reverse("web:easy_mode"), {"easy": "1", "next": "/"})
    # when
    parser = HeadAssets()
    parser.feed(client.get(reverse("web:home")).content.decode())
    # then
    assert parser.stylesheets, "the page's stylesheet was not found in its <head>"
    files = [static_file(url) for url in parser.stylesheets + parser.scripts]
    total = sum(gzipped(data) for data in files)
    assert 0 < total <= BLOCKING_BUDGET, (parser.stylesheets, parser.scripts, total)
    # The system's fonts only: nothing more to fetch before text shows.
    assert not any(b"@font-face" in data or b"@import" in data for data in files)
