"""Public pages kept for a few seconds for visitors (sokoni.web.page_cache): one drawing answers
a burst of visitors, each with working forms of their own, and nobody else's page leaks to a
signed-in reader, another language, another destination or a visitor with a message waiting."""

import pickle
import re

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.models import Product
from sokoni.catalog.tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def kept_pages(settings):
    settings.VISITOR_PAGE_SECONDS = 60
    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture
def product():
    return ProductFactory(name="Forest honey", price_minor=50_000, stock=40)


def url_of(product):
    return reverse("web:product_detail", args=[product.pk, product.slug])


def rename(product, name):
    Product.objects.filter(pk=product.pk).update(name=name)


def test_the_next_visitor_is_answered_from_the_kept_page(product):
    """A change behind the page shows only once the page has expired (or to signed-in readers)."""
    # given
    Client().get(url_of(product))
    rename(product, "Mountain honey")
    # when
    visitor = Client().get(url_of(product))
    # then
    assert visitor.status_code == 200
    assert "Forest honey" in visitor.content.decode()
    # and once the kept page is gone, the new name shows
    caches["pages"].clear()
    assert "Mountain honey" in Client().get(url_of(product)).content.decode()


def test_a_kept_page_carries_the_visitors_own_working_csrf_token(product):
    """The second visitor's forms work: their token is theirs (not the first visitor's), the
    CSRF cookie is set, and adding to the cart from the kept page succeeds."""
    # given
    first = Client(enforce_csrf_checks=True)
    first_tokens = set(TOKEN.findall(first.get(url_of(product)).content.decode()))
    second = Client(enforce_csrf_checks=True)
    # when
    page = second.get(url_of(product))
    # then
    tokens = TOKEN.findall(page.content.decode())
    assert tokens
    assert all(tokens)
    assert not first_tokens & set(tokens)
    assert "csrftoken" in page.cookies
    added = second.post(
        reverse("orders:cart_add"),
        {"csrfmiddlewaretoken": tokens[0], "product_id": product.pk, "quantity": 2},
    )
    assert added.status_code == 302
    cart = second.get(reverse("orders:cart")).content.decode()
    assert "Forest honey" in cart


def test_signed_in_readers_never_get_a_kept_page(product):
    # given
    Client().get(url_of(product))
    rename(product, "Mountain honey")
    reader = Client()
    reader.force_login(UserFactory())
    # when
    page = reader.get(url_of(product)).content.decode()
    # then
    assert "Mountain honey" in page
    assert "Log out" in page


def test_a_signed_in_readers_page_is_never_kept_for_visitors(product):
    # given
    reader = Client()
    reader.force_login(UserFactory())
    reader.get(url_of(product))
    # when
    page = Client().get(url_of(product)).content.decode()
    # then
    assert "Log out" not in page
    assert "Log in" in page


def test_each_language_has_its_own_kept_page(product):
    # given
    Client().get(url_of(product))
    # when
    swahili = Client().get("/sw" + url_of(product))
    # then
    assert swahili.status_code == 200
    assert 'lang="sw"' in swahili.content.decode()


def test_a_visitor_with_a_message_waiting_sees_it(product):
    """Adding to the cart leaves a message for the next page: that page is drawn afresh."""
    # given
    visitor = Client()
    visitor.get(url_of(product))
    visitor.post(reverse("orders:cart_add"), {"product_id": product.pk, "quantity": 1})
    # when
    page = visitor.get(url_of(product)).content.decode()
    # then
    assert "Added to your cart: Forest honey." in page
    # and the page with the message is not kept for the next visitor
    assert "Added to your cart" not in Client().get(url_of(product)).content.decode()


def test_a_chosen_destination_has_its_own_kept_page(product):
    """The delivery price depends on where the visitor wants it: never another visitor's."""
    # given
    Client().get(url_of(product))
    visitor = Client()
    visitor.post(reverse("orders:destination_set"), {"deliver_to": "country:DE"})
    # when
    page = visitor.get(url_of(product)).content.decode()
    # then
    assert "To Germany:" in page
    # and a visitor without a choice still gets the page without it
    assert "To Germany:" not in Client().get(url_of(product)).content.decode()


def test_pages_that_are_not_found_are_not_kept(product):
    # given
    missing = reverse("web:product_detail", args=[product.pk + 1000, "gone"])
    assert Client().get(missing).status_code == 404
    # then: nothing was kept (LocMemCache's own store is empty)
    assert not caches["pages"]._cache


def test_turned_off_with_zero_seconds(product, settings):
    # given
    settings.VISITOR_PAGE_SECONDS = 0
    Client().get(url_of(product))
    rename(product, "Mountain honey")
    # then
    assert "Mountain honey" in Client().get(url_of(product)).content.decode()


NONCE = re.compile(r'<style nonce="([^"]+)">')


def style_nonce_in_header(response):
    policy = response["Content-Security-Policy"]
    style_src = next(d for d in policy.split(";") if d.strip().startswith("style-src"))
    return re.search(r"'nonce-([^']+)'", style_src).group(1)


def test_a_kept_page_carries_this_responses_csp_nonce(product):
    """The photos' colours are a <style> with the response's nonce: a visitor answered from the
    kept page gets a new nonce, the same in the page and in the header (an old one would be
    refused by the browser), and the kept copy itself holds none."""
    # given
    from sokoni.catalog.tests.factories import ProductImageFactory

    ProductImageFactory(product=product, key="products/t/n", colour="#3a6b1d")
    first = Client().get(url_of(product))
    # when
    second = Client().get(url_of(product))
    # then
    first_nonce = NONCE.search(first.content.decode()).group(1)
    second_nonce = NONCE.search(second.content.decode()).group(1)
    assert first_nonce != second_nonce
    assert style_nonce_in_header(first) == first_nonce
    assert style_nonce_in_header(second) == second_nonce
    assert ".bg-3a6b1d{background-color:#3a6b1d!important}" in second.content.decode()
    stored = caches["pages"]._cache.values()
    ((kept, _content_type),) = [pickle.loads(v) for v in stored]  # noqa: S301 - our own cache
    assert b"bg-3a6b1d" in kept
    assert b"nonce" not in kept
