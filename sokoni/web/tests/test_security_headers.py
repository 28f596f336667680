"""Security headers on every page (issue 8): a Content-Security-Policy without inline script or
style, no framing, a same-origin referrer, no sniffing; the photos' placeholder colours as a
nonce'd <style> that a 304 does not break."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from sokoni.catalog.tests.factories import ProductFactory, ProductImageFactory

pytestmark = pytest.mark.django_db

NONCE = re.compile(r'<style nonce="([^"]+)">([^<]*)</style>')


def directives(response):
    policy = response["Content-Security-Policy"]
    pairs = (d.strip().split(None, 1) for d in policy.split(";") if d.strip())
    return {name: value.split() for name, value in pairs}


@pytest.fixture
def product():
    product = ProductFactory(name="Forest honey")
    ProductImageFactory(product=product, key="products/t/a", colour="#A01020")
    ProductImageFactory(product=product, key="products/t/b", colour="#1d6b3a")
    ProductImageFactory(product=product, key="products/t/c", colour="#1d6b3a")
    return product


def url_of(product):
    return reverse("web:product_detail", args=[product.pk, product.slug])


def test_pages_forbid_inline_script_and_style_and_framing(client, product):
    """The policy: scripts only from the site; styles from the site or with this response's
    nonce; no plugins, no framing, forms post only here."""
    # when
    response = client.get(url_of(product))
    # then
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"][0] == "'self'"
    assert policy["style-src"][1].startswith("'nonce-")
    assert len(policy["style-src"]) == 2
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_photo_colours_are_classes_painted_by_one_nonced_style(client, product):
    """Each colour once, in a <style> in the head whose nonce is the header's; the images carry
    classes, never a style attribute; no inline script anywhere."""
    # when
    response = client.get(url_of(product))
    html = response.content.decode()
    # then
    ((nonce, rules),) = NONCE.findall(html)
    assert f"'nonce-{nonce}'" in directives(response)["style-src"]
    assert rules == (
        ".bg-1d6b3a{background-color:#1d6b3a!important}.bg-a01020{background-color:#a01020!important}"
    )
    assert html.index("<style nonce=") < html.index("</head>")
    assert 'class="bg-a01020"' in html
    assert html.count("bg-1d6b3a") == 3  # two images, one rule
    assert "style=" not in html
    assert re.search(r"<script(?![^>]*\ssrc=)", html) is None


def test_a_page_without_colours_gets_no_style_and_no_nonce(client):
    """Nothing to paint: no <style>, and the policy names no nonce."""
    # given
    product = ProductFactory()
    # when
    response = client.get(url_of(product))
    # then
    assert "<style" not in response.content.decode()
    assert directives(response)["style-src"] == ["'self'"]


def test_a_revalidated_page_keeps_its_stored_policy(product):
    """Two answers differ in nonce yet share the ETag; the 304 carries no policy, so the
    browser keeps the one stored with the page, whose nonce matches its <style>."""
    # given
    browser = Client()
    first = browser.get(url_of(product))
    again = browser.get(url_of(product))
    assert NONCE.search(first.content.decode()).group(1) != NONCE.search(
        again.content.decode()
    ).group(1)
    assert first["ETag"] == again["ETag"]
    # when
    revalidated = browser.get(url_of(product), HTTP_IF_NONE_MATCH=first["ETag"])
    # then
    assert revalidated.status_code == 304
    assert "Content-Security-Policy" not in revalidated


def test_listing_cards_use_colour_classes_too(client):
    """Product cards (drawn once and cached) carry the class; the page paints it."""
    # given
    product = ProductFactory(name="Clay pot")
    ProductImageFactory(product=product, key="products/t/p", colour="#336699")
    # when
    html = client.get(reverse("web:home")).content.decode()
    # then
    assert 'class="bg-336699"' in html
    assert ".bg-336699{background-color:#336699!important}" in html
    assert "style=" not in html


def test_an_odd_colour_value_paints_nothing(client):
    """A colour that is not #rrggbb never reaches the page (no CSS injection)."""
    # given
    product = ProductFactory()
    ProductImageFactory(product=product, key="products/t/x", colour="red}*{x")
    # when
    html = client.get(url_of(product)).content.decode()
    # then
    assert "<style" not in html
    assert "red}" not in html
