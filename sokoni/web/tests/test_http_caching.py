"""HTTP caching and compression of pages (issue 7): a browser keeps a page privately and asks
whether it changed (ETag, 304); nothing personal is ever cached publicly; odd Accept-Encoding
headers still get a page."""

import gzip

import pytest
from django.test import Client
from django.urls import reverse

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.models import Product
from sokoni.catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def product():
    return ProductFactory(name="Forest honey", price_minor=50_000, stock=5)


def url_of(product):
    return reverse("web:product_detail", args=[product.pk, product.slug])


def vary(response):
    return {v.strip().lower() for v in response.get("Vary", "").split(",")}


def test_a_page_is_kept_privately_and_revalidated(client, product):
    """Private, revalidated on every use, varying by cookie and language, with an ETag."""
    # when
    response = client.get(url_of(product))
    # then
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert directives == {"private", "max-age=0", "must-revalidate"}
    assert {"cookie", "accept-language"} <= vary(response)
    assert response["ETag"].startswith('"')


def test_an_unchanged_page_is_answered_304_despite_new_csrf_tokens(client, product):
    """Each answer masks its CSRF tokens afresh, yet the same page has the same ETag, and a
    browser holding it gets a 304 without a body."""
    # given
    first = client.get(url_of(product))
    again = client.get(url_of(product))
    assert b'name="csrfmiddlewaretoken"' in first.content
    assert first.content != again.content  # the masked tokens differ
    # when
    revalidated = client.get(url_of(product), headers={"if-none-match": first["ETag"]})
    weak = client.get(url_of(product), headers={"if-none-match": f"W/{first['ETag']}"})
    # then
    assert again["ETag"] == first["ETag"]
    assert revalidated.status_code == 304
    assert revalidated.content == b""
    assert weak.status_code == 304  # GZipMiddleware weakens the ETag it sends


def test_a_changed_page_is_sent_again(client, product):
    """A new price is a new page: the old ETag gets the whole page."""
    # given
    etag = client.get(url_of(product))["ETag"]
    Product.objects.filter(pk=product.pk).update(price_minor=65_000)
    # when
    response = client.get(url_of(product), headers={"if-none-match": etag})
    # then
    assert response.status_code == 200
    assert "650.00" in response.content.decode()


def test_another_visitors_page_is_never_their_304(client, product):
    """The ETag covers the CSRF secret: a browser with another secret (or none) never keeps a
    page whose forms would be refused."""
    # given
    etag = client.get(url_of(product))["ETag"]
    # when
    stranger = Client().get(url_of(product), headers={"if-none-match": etag})
    # then
    assert stranger.status_code == 200
    assert stranger["ETag"] != etag


def test_a_signed_in_page_is_never_public(client, product):
    """A signed-in buyer's pages (cart, orders) are private, never shared."""
    # given
    client.force_login(UserFactory())
    # when
    pages = [client.get(url_of(product)), client.get(reverse("orders:cart"))]
    # then
    for page in pages:
        assert page.status_code == 200
        assert "private" in page["Cache-Control"]
        assert "public" not in page["Cache-Control"]
        assert "cookie" in vary(page)


def test_pages_in_other_languages_have_their_own_etag(client, product):
    """The Swahili page is another page."""
    english = client.get(url_of(product))
    swahili = client.get("/sw" + url_of(product), headers={"if-none-match": english["ETag"]})
    assert swahili.status_code == 200
    assert swahili["ETag"] != english["ETag"]


def test_a_post_answer_is_not_given_caching_headers(client, product):
    """Only GET pages are marked; a form's answer is left alone."""
    response = client.post(reverse("orders:cart_add"), {"product_id": product.pk, "quantity": 1})
    assert response.status_code == 302
    assert not response.has_header("ETag")
    assert "private" not in response.get("Cache-Control", "")


def test_pages_are_gzipped_for_browsers_that_accept_it(client, product):
    """gzip when asked; the page is the same once unpacked."""
    response = client.get(url_of(product), headers={"accept-encoding": "gzip, deflate, br"})
    assert response["Content-Encoding"] == "gzip"
    assert b"<h1>Forest honey</h1>" in gzip.decompress(response.content)
    assert "accept-encoding" in vary(response)


@pytest.mark.parametrize(
    "encoding",
    ["br;q=1, zstd, bogus/x", "identity;q=0, foo", "*;q=0", "", "\x00\xff;;;,,"],
    ids=["brotli-zstd-bogus", "no-identity", "nothing", "empty", "garbage"],
)
def test_an_unknown_accept_encoding_still_gets_the_page(client, product, encoding):
    """Encodings the server does not speak (or nonsense) get the plain page, never an error."""
    response = client.get(url_of(product), headers={"accept-encoding": encoding})
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    assert b"<h1>Forest honey</h1>" in response.content
