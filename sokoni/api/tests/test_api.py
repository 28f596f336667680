"""API v1: villages, products, tokens; every error is JSON {"detail": ...} with a 4xx status."""

import json

import pytest
from django.core.cache import cache

from sokoni.accounts.models import ApiToken, LoginFailure
from sokoni.accounts.tests.factories import PASSWORD, UserFactory
from sokoni.catalog.models import Product
from sokoni.catalog.search import product_reindex
from sokoni.catalog.states import CertificationKind, CertificationStatus
from sokoni.catalog.tests.factories import (
    CategoryFactory,
    CertificationFactory,
    ProductFactory,
    ProductImageFactory,
    ShopFactory,
)
from sokoni.villages.tests.factories import VillageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Request throttles live in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def market():
    """An approved village with a shop of two products (one hidden), and a pending village."""
    village = VillageFactory(
        name="Othaya", slug="othaya", country="KE", region="Nyeri", specialities="Tea\nHoney"
    )
    hidden_village = VillageFactory(name="Hidden", slug="hidden", applied=True)
    shop = ShopFactory(village=village, name="Wanjiru Farm", slug="wanjiru-farm", currency="KES")
    coffee = CategoryFactory(slug="coffee", name="Coffee", names={"sw": "Kahawa"})
    honey = ProductFactory(
        shop=shop,
        category=CategoryFactory(slug="honey", name="Honey"),
        name="Forest honey",
        slug="forest-honey",
        price_minor=125_050,
        stock=3,
    )
    beans = ProductFactory(
        shop=shop, category=coffee, name="Arabica coffee beans", price_minor=90_000, stock=0
    )
    draft = ProductFactory(shop=shop, category=coffee, name="Draft coffee", is_published=False)
    ProductImageFactory(product=honey, key="products/test/honey")
    CertificationFactory(product=honey, status=CertificationStatus.VERIFIED)
    CertificationFactory(product=honey, kind=CertificationKind.FAIR_TRADE)  # only claimed
    product_reindex(Product.objects.values_list("pk", flat=True))
    return {
        "village": village,
        "hidden_village": hidden_village,
        "honey": honey,
        "beans": beans,
        "draft": draft,
    }


def assert_json_error(response, status):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


# -- villages -----------------------------------------------------------------------------------


def test_villages_lists_approved_villages_only(client, market):
    """The list has the approved village with its specialities, not the applied one."""
    # when
    response = client.get("/api/v1/villages")
    # then
    assert response.status_code == 200
    body = response.json()
    assert [v["slug"] for v in body["items"]] == ["othaya"]
    assert body["items"][0]["specialities"] == ["Tea", "Honey"]
    assert body["items"][0]["country_name"] == "Kenya"
    assert (body["page"], body["has_next"], body["total"]) == (1, False, 1)


def test_villages_are_paginated(client, db):
    """Fifty villages a page; the next page holds the rest."""
    # given
    VillageFactory.create_batch(51)
    # when
    first = client.get("/api/v1/villages").json()
    second = client.get("/api/v1/villages?page=2").json()
    # then
    assert (len(first["items"]), first["has_next"], first["total"]) == (50, True, 51)
    assert (len(second["items"]), second["has_next"]) == (1, False)


def test_a_village(client, market):
    """An approved village by slug, with a link to its page."""
    # when
    response = client.get("/api/v1/villages/othaya")
    # then
    assert response.status_code == 200
    assert response.json()["name"] == "Othaya"
    assert response.json()["url"] == "/villages/othaya/"


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/villages/hidden", 404),
        ("/api/v1/villages/nowhere", 404),
        ("/api/v1/villages/%00", 422),
        ("/api/v1/villages/" + "x" * 200, 422),
        ("/api/v1/villages?page=abc", 422),
        ("/api/v1/villages?page=0", 422),
        ("/api/v1/villages?page=99999999999999999999", 422),
    ],
)
def test_village_errors_are_json(client, market, path, status):
    """Unapproved and unknown villages are 404; malformed slugs and pages are 422."""
    # when
    response = client.get(path)
    # then
    assert_json_error(response, status)


# -- products -----------------------------------------------------------------------------------


def test_products_searches_the_public_catalogue(client, market):
    """q searches like the site; hidden products never appear; prices come three ways."""
    # when
    body = client.get("/api/v1/products?q=honey").json()
    # then
    assert [p["name"] for p in body["items"]] == ["Forest honey"]
    item = body["items"][0]
    assert item["price"] == {
        "amount_minor": 125_050,
        "currency": "KES",
        "formatted": "KES1,250.50",
    }
    assert item["shop"] == {"slug": "wanjiru-farm", "name": "Wanjiru Farm"}
    assert item["village"] == {"slug": "othaya", "name": "Othaya"}
    assert item["image"].endswith("products/test/honey/160.webp")
    assert item["url"] == f"/products/{market['honey'].pk}/forest-honey/"
    assert (body["total"], body["total_is_capped"], body["has_next"]) == (1, False, False)


def test_prices_are_formatted_for_the_reader(client, market):
    """Accept-Language chooses how the amount is written."""
    # when
    body = client.get("/api/v1/products?q=honey", HTTP_ACCEPT_LANGUAGE="fr").json()
    # then
    assert body["items"][0]["price"]["formatted"] == "1\u202f250,50\xa0KES"


def test_products_corrects_a_typo(client, market):
    """A misspelt query is corrected and the correction reported."""
    # when
    body = client.get("/api/v1/products?q=cofee").json()
    # then
    assert [p["name"] for p in body["items"]] == ["Arabica coffee beans"]
    assert body["corrected_query"] == "coffee"


def test_products_filters_by_category_and_village(client, market):
    """category and village are slugs; no query lists everything they let through."""
    # when
    by_category = client.get("/api/v1/products?category=coffee").json()
    by_village = client.get("/api/v1/products?village=othaya&sort=price").json()
    # then
    assert [p["name"] for p in by_category["items"]] == ["Arabica coffee beans"]
    assert [p["name"] for p in by_village["items"]] == ["Arabica coffee beans", "Forest honey"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/products?category=nope", 400),
        ("/api/v1/products?village=hidden", 400),
        ("/api/v1/products?category=%27%3B%20DROP", 422),
        ("/api/v1/products?page=abc", 422),
        ("/api/v1/products?page=-1", 422),
        ("/api/v1/products?sort=cheapest", 422),
        ("/api/v1/products/abc", 422),
        ("/api/v1/products/0", 422),
        ("/api/v1/products/99999999999999999999", 422),
        ("/api/v1/products/123456789", 404),
        ("/api/v1/nothing/here", 404),
    ],
)
def test_product_errors_are_json(client, market, path, status):
    """Unknown filters are 400, malformed parameters 422, unknown products 404: all JSON."""
    # when
    response = client.get(path)
    # then
    assert_json_error(response, status)


@pytest.mark.parametrize(
    "q", ["x" * 10_000, "\x00\x1b", "'; DROP TABLE catalog_product--", '" OR 1=1', "NEAR(a*)"]
)
def test_bad_queries_are_only_words(client, market, q):
    """Overlong, control-character and SQL-looking queries give an answer, never an error."""
    # when
    response = client.get("/api/v1/products", {"q": q})
    # then
    assert response.status_code == 200
    assert len(response.json()["query"]) <= 200


def test_a_product_with_its_verified_certifications(client, market):
    """The detail adds description, stock, category, photos and verified claims only."""
    # when
    response = client.get(f"/api/v1/products/{market['honey'].pk}")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["certifications"] == ["organic"]
    assert body["category"] == {"slug": "honey", "name": "Honey"}
    assert body["stock"] == 3
    assert body["images"][0].endswith("products/test/honey/480.webp")


def test_an_unpublished_product_is_404(client, market):
    """A product the public may not see does not exist for the API."""
    # when
    response = client.get(f"/api/v1/products/{market['draft'].pk}")
    # then
    assert_json_error(response, 404)


def test_a_wrong_method_is_json(client, market):
    """POST where only GET is served is a JSON 405."""
    # when
    response = client.post("/api/v1/villages", data="{}", content_type="application/json")
    # then
    assert_json_error(response, 405)
    assert "GET" in response.json()["detail"]


# -- tokens -------------------------------------------------------------------------------------


def post_json(client, path, body, **extra):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(path, data=data, content_type="application/json", **extra)


def test_a_token_for_a_phone_and_password_opens_me(client, db):
    """The right password gives a bearer token; /me answers with it."""
    # given
    user = UserFactory(phone="+254712345678", name="Wanjiru")
    # when
    response = post_json(
        client, "/api/v1/auth/token", {"phone": "0712 345 678", "password": PASSWORD}
    )
    token = response.json()["token"]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    # then
    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"
    assert ApiToken.objects.filter(user=user).count() == 1
    assert me.status_code == 200
    assert me.json()["phone"] == "+254712345678"
    assert me.json()["name"] == "Wanjiru"


def test_a_wrong_password_is_401_and_gives_no_token(client, db):
    """Bad credentials are refused, recorded for throttling, and no token is made."""
    # given
    UserFactory(phone="+254712345678")
    # when
    response = post_json(
        client, "/api/v1/auth/token", {"phone": "+254712345678", "password": "wrong"}
    )
    # then
    assert_json_error(response, 401)
    assert response.json()["code"] == "accounts.invalid_credentials"
    assert ApiToken.objects.count() == 0
    assert LoginFailure.objects.count() == 1


def test_repeated_failures_are_throttled_even_with_the_right_password(client, db, settings):
    """After the failure limit the phone number is refused with 429 for a while."""
    # given
    settings.LOGIN_FAILURE_LIMIT = 3
    UserFactory(phone="+254712345678")
    for _attempt in range(3):
        post_json(client, "/api/v1/auth/token", {"phone": "+254712345678", "password": "no"})
    # when
    response = post_json(
        client, "/api/v1/auth/token", {"phone": "+254712345678", "password": PASSWORD}
    )
    # then
    assert_json_error(response, 429)
    assert ApiToken.objects.count() == 0


def test_token_requests_are_rate_limited_per_address(client, db):
    """Past 20 requests a minute from one address, the endpoint answers 429."""
    # given
    for _attempt in range(20):
        post_json(client, "/api/v1/auth/token", {"phone": "+254700000000", "password": "x"})
    # when
    response = post_json(client, "/api/v1/auth/token", {"phone": "+254700000001", "password": "x"})
    # then
    assert_json_error(response, 429)


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("{not json", 400),
        ("", 422),
        ("[]", 422),
        ({"phone": "+254712345678"}, 422),
        ({"phone": "+2547\x0012345678", "password": "x"}, 422),
        ('{"phone": "+254712345678", "password": "\\ud800"}', 422),
        ({"phone": "1" * 100, "password": "x"}, 422),
        ({"phone": "not a phone", "password": "x"}, 401),
    ],
)
def test_malformed_token_requests_are_json_errors(client, db, body, status):
    """Bodies that are not JSON, or miss or spoil a field, get a JSON 4xx and no token."""
    # when
    response = post_json(client, "/api/v1/auth/token", body)
    # then
    assert_json_error(response, status)
    assert ApiToken.objects.count() == 0


@pytest.mark.parametrize(
    "header", [None, "Bearer nope", "Bearer " + "x" * 500, "Basic dXNlcjpwYXNz", "Bearer"]
)
def test_me_needs_a_valid_token(client, db, header):
    """No token, an unknown one or another scheme: 401 JSON."""
    # when
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/api/v1/me", **extra)
    # then
    assert_json_error(response, 401)


def test_an_expired_token_is_refused(client, db):
    """Tokens stop working when they expire."""
    # given
    user = UserFactory()
    raw = ApiToken.new_raw()
    from django.utils import timezone

    ApiToken.objects.create(user=user, digest=ApiToken.digest_of(raw), expires_at=timezone.now())
    # when
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    # then
    assert_json_error(response, 401)


# -- documentation ------------------------------------------------------------------------------


def test_the_openapi_document_describes_every_endpoint(client, db):
    """/api/v1/openapi.json is valid JSON listing the endpoints and the bearer scheme."""
    # when
    response = client.get("/api/v1/openapi.json")
    # then
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/api/v1/villages",
        "/api/v1/villages/{slug}",
        "/api/v1/products",
        "/api/v1/products/{product_id}",
        "/api/v1/auth/token",
        "/api/v1/me",
        "/api/v1/cart/items",
        "/api/v1/cart/items/{item_id}",
        "/api/v1/checkout",
        "/api/v1/checkout/{checkout_id}",
        "/api/v1/checkout/{checkout_id}/pay",
        "/api/v1/orders",
        "/api/v1/orders/{order_id}",
        "/api/v1/orders/{order_id}/cancel",
        "/api/v1/orders/{order_id}/ship",
        "/api/v1/orders/{order_id}/confirm-receipt",
        "/api/v1/orders/{order_id}/extend",
        "/api/v1/orders/{order_id}/dispute",
        "/api/v1/wallet",
        "/api/v1/wallet/payouts",
        "/api/v1/shipping/destinations",
        "/api/v1/shipping/quote",
        "/api/v1/products/{product_id}/reviews",
        "/api/v1/shops/{slug}/reviews",
        "/api/v1/reviews",
        "/api/v1/reviews/{review_id}",
        "/api/v1/reviews/{review_id}/reply",
        "/api/v1/extortion-reports",
    }
    assert "BearerAuth" in document["components"]["securitySchemes"]
    price = document["components"]["schemas"]["MoneyOut"]["properties"]
    assert set(price) == {"amount_minor", "currency", "formatted"}
