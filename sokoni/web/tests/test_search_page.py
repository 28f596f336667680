"""The search page: results, corrections, filters, pages and bad input (its weight:
test_budgets.py)."""

import pytest
from django.urls import reverse

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.models import Product
from sokoni.catalog.search import product_reindex
from sokoni.catalog.tests.factories import CategoryFactory, ProductFactory, ShopFactory
from sokoni.villages.tests.factories import VillageFactory

pytestmark = pytest.mark.django_db

URL = reverse("web:search")


@pytest.fixture
def market():
    """A Kenyan farm selling coffee and honey, a Chinese workshop, and an unpublished draft."""
    coffee = CategoryFactory(slug="coffee", name="Coffee", names={"sw": "Kahawa"})
    crafts = CategoryFactory(slug="crafts", name="Crafts")
    othaya = VillageFactory(name="Othaya", slug="othaya", country="KE", region="Nyeri")
    dongfeng = VillageFactory(
        name="Dongfeng", slug="dongfeng", country="CN", region="Jiangsu", district="Suining"
    )
    farm = ShopFactory(village=othaya, name="Wanjiru Farm", currency="KES")
    workshop = ShopFactory(village=dongfeng, name="Pine Workshop", currency="CNY")
    ProductFactory(shop=farm, category=coffee, name="Arabica coffee beans", price_minor=90_000)
    honey = CategoryFactory(slug="honey", name="Honey")
    ProductFactory(shop=farm, category=honey, name="Forest honey", price_minor=50_000)
    ProductFactory(shop=workshop, category=crafts, name="Flat-pack wardrobe", price_minor=99_900)
    ProductFactory(shop=farm, category=coffee, name="Draft coffee", is_published=False)
    product_reindex(Product.objects.values_list("pk", flat=True))
    return {"othaya": othaya, "dongfeng": dongfeng}


def page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response, response.content.decode()


def test_results_show_as_product_cards(client, market):
    """A query lists matching public products with their price, and says how many."""
    # when
    _response, html = page(client, q="coffee")
    # then
    assert "Arabica coffee beans" in html
    assert "Draft coffee" not in html
    assert "1 product" in html
    assert 'class="card"' in html
    assert 'value="coffee"' in html  # the query stays in the box


def test_a_corrected_typo_is_announced(client, market):
    """'cofee' shows the coffee with a note saying what was searched."""
    # when
    _response, html = page(client, q="cofee")
    # then
    assert "Arabica coffee beans" in html
    assert "Showing results for “coffee”" in html


def test_no_results_says_so(client, market):
    """Nothing found: a plain sentence suggesting what to try."""
    # when
    response, html = page(client, q="zzqxj")
    # then
    assert "No products match your search." in html
    assert response.context["result"].total == 0


def test_filters_narrow_the_results(client, market):
    """Category, village, country, region, prices and stock all apply."""
    # when / then
    assert "Forest honey" not in page(client, q="", category="crafts")[1]
    assert "Flat-pack wardrobe" in page(client, category="crafts")[1]
    assert "Forest honey" not in page(client, village="dongfeng")[1]
    assert "Flat-pack wardrobe" not in page(client, country="KE")[1]
    assert "Flat-pack wardrobe" not in page(client, region="Nyeri")[1]
    html = page(client, price_min="600", price_max="1000", currency="KES")[1]
    assert "Arabica coffee beans" in html
    assert "Forest honey" not in html
    assert "Flat-pack wardrobe" not in html


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"price_min": "abc"}, "price_min"),
        ({"price_min": "1e9999999"}, "price_min"),
        ({"price_max": "-5"}, "price_max"),
        ({"price_max": "99999999999999999"}, "price_max"),
        ({"price_min": "10", "price_max": "5"}, "price_max"),
        ({"category": "no-such-thing"}, "category"),
        ({"village": "'; DROP TABLE--"}, "village"),
        ({"currency": "XXX", "price_min": "1"}, "currency"),
        ({"sort": "cheapest"}, "sort"),
    ],
)
def test_malformed_filters_are_shown_as_errors_and_ignored(client, market, params, field):
    """A bad filter gets a message next to its field; the search still runs without it."""
    # when
    response, html = page(client, q="coffee", **params)
    # then
    assert field in response.context["form"].errors
    assert 'class="errorlist"' in html
    assert "Arabica coffee beans" in html


@pytest.mark.parametrize(
    "params",
    [
        {"q": "x" * 10_000},
        {"q": "\x00\x1b coffee"},
        {"q": "'; DROP TABLE catalog_product--"},
        {"q": '" OR 1=1'},
        {"q": "NEAR(coffee*) ^title:"},
        {"q": "coffee", "page": "abc"},
        {"q": "coffee", "page": "-3"},
        {"q": "coffee", "page": "99999999999999999999999"},
        {"q": ["coffee", "honey"]},
        {"in_stock": "maybe"},
    ],
)
def test_bad_input_never_fails(client, market, params):
    """Overlong, control-character, SQL-looking and malformed parameters: a page, not an error."""
    # when / then
    page(client, **params)


def test_pages_link_forward_and_back_keeping_the_filters(client, market, settings):
    """Pager links carry the query and filters; a page past the end says so."""
    # given
    from sokoni.web.views import search

    search.PER_PAGE = 1
    try:
        # when
        _first, first_html = page(client, q="farm", sort="price")
        _second, second_html = page(client, q="farm", sort="price", page="2")
        _beyond, beyond_html = page(client, q="farm", sort="price", page="9")
    finally:
        search.PER_PAGE = 24
    # then
    assert 'href="?q=farm&amp;sort=price&amp;page=2" rel="next"' in first_html
    assert 'href="?q=farm&amp;sort=price" rel="prev"' in second_html
    assert "Forest honey" in first_html
    assert "Arabica coffee beans" in second_html
    assert "past the last one" in beyond_html
    assert 'href="?q=farm&amp;sort=price"' in beyond_html


def test_the_currency_defaults_to_the_buyers_preference(client, market):
    """A signed-in buyer's preferred currency is chosen for price bounds."""
    # given
    client.force_login(UserFactory(currency="CNY"))
    # when
    _response, html = page(client, price_max="1000")
    # then
    assert '<option value="CNY" selected>' in html
    assert "Flat-pack wardrobe" in html
    assert "Forest honey" not in html


def test_the_page_speaks_the_readers_language(client, market):
    """Under /sw/ the page is Swahili-prefixed and finds the Swahili category name."""
    # when
    response = client.get("/sw/search/", {"q": "kahawa"})
    # then
    assert response.status_code == 200
    assert 'lang="sw"' in response.content.decode()
    assert "Arabica coffee beans" in response.content.decode()


def test_the_page_is_not_indexed_by_search_engines(client, market):
    """Result pages ask robots not to index them."""
    # when
    _response, html = page(client, q="coffee")
    # then
    assert '<meta name="robots" content="noindex">' in html


def test_prices_are_read_in_the_readers_locale(client, market):
    """'600,50' is 600.50 shillings on the French page; in English the comma is ambiguous."""
    # when
    french = client.get("/fr" + URL, {"price_min": "600,50", "currency": "KES"})
    english = client.get(URL, {"price_min": "600,50", "currency": "KES"})
    # then
    assert french.context["form"].cleaned_data["price_min"].minor == 60050
    assert "Arabica coffee beans" in french.content.decode()
    assert "Forest honey" not in french.content.decode()
    assert "price_min" in english.context["form"].errors
