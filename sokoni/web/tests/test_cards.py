"""Product cards: drawn once, kept under a digest of what they show, never stale."""

import pytest
from django.utils import translation

from sokoni.catalog.selectors import product_list_public
from sokoni.catalog.tests.factories import ProductFactory, ProductImageFactory
from sokoni.web.templatetags import cards
from sokoni.web.templatetags.cards import product_card

pytestmark = pytest.mark.django_db


def card(pk):
    return str(product_card(product_list_public().get(pk=pk)))


def test_a_changed_price_stock_or_language_draws_a_new_card():
    """What a card shows is its cache key: a new price, stock or language is never served stale."""
    # given
    product = ProductFactory(name="Forest honey <raw>", price_minor=50_000, stock=3)
    first = card(product.pk)
    assert "Forest honey &lt;raw&gt;" in first
    assert "500.00" in first
    # when
    type(product).objects.filter(pk=product.pk).update(price_minor=65_000, stock=0)
    second = card(product.pk)
    with translation.override("sw"):
        swahili = card(product.pk)
    # then
    assert "650.00" in second
    assert "Out of stock" in second
    assert 'href="/sw/products/' in swahili
    assert "Out of stock" not in swahili


def test_the_same_card_is_drawn_once(monkeypatch):
    """A card already drawn comes from the cache, identical."""
    # given
    drawn = []
    real = cards._draw
    monkeypatch.setattr(cards, "_draw", lambda *args: drawn.append(args) or real(*args))
    listed = product_list_public().get(pk=ProductFactory().pk)
    # when
    first, second = str(product_card(listed)), str(product_card(listed))
    # then
    assert first == second
    assert len(drawn) == 1


def test_a_card_photo_offers_every_rendition_lazily_on_its_colour():
    """The first photo's renditions with their widths, lazy, sized, on its average colour; a
    new photo colour is a new card."""
    # given
    product = ProductFactory()
    image = ProductImageFactory(product=product, key="products/t/k", colour="#336699")
    # when
    html = card(product.pk)
    type(image).objects.filter(pk=image.pk).update(colour="#996633")
    recoloured = card(product.pk)
    # then
    assert (
        'srcset="/media/products/t/k/160.webp 160w, /media/products/t/k/480.webp 480w, '
        '/media/products/t/k/960.webp 960w"' in html
    )
    assert 'sizes="(min-width: 40rem) 11rem, 45vw"' in html
    assert 'loading="lazy" width="160" height="160"' in html
    assert 'class="bg-336699"' in html
    assert 'class="bg-996633"' in recoloured
    assert "style=" not in html  # the Content-Security-Policy allows no inline style
