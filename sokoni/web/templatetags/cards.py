"""Product cards, drawn in Python: listing pages show 24 of them on every request.

One card through `{% include %}` costs about ten times this tag (template lookups, a URL tag,
a money tag, a photo tag), which is most of a listing page's server time. A drawn card is also
kept in the cache under a digest of everything it shows, so it can never be stale: a new price,
stock level, name or language is a new key.
"""

from __future__ import annotations

import hashlib
from typing import Final

from django import template
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from sokoni.catalog.models import Product
from sokoni.catalog.states import Unit
from sokoni.core.images import photo_srcset, photo_url
from sokoni.core.money import format_money
from sokoni.web.colours import colour_class as _colour_class

register = template.Library()


@register.filter
def colour_class(colour: str) -> str:
    """The class that paints a photo's placeholder colour (see sokoni.web.colours)."""
    return _colour_class(colour)


CARD_TTL: Final = 3600


@register.simple_tag
def product_card(product: Product) -> SafeString:
    """One product of a listing as an <li class="card"> (see product_list_public)."""
    image_key = product.card_image or ""  # type: ignore[attr-defined]
    colour = getattr(product, "card_colour", None) or ""
    language = translation.get_language() or "en"
    shown = (
        product.pk,
        product.slug,
        product.name,
        product.price_minor,
        product.currency,
        product.unit,
        product.stock,
        product.village.name,
        image_key,
        colour,
        language,
    )
    key = "card:" + hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()
    html = cache.get(key)
    if html is None:
        html = str(_draw(product, image_key, colour, language))
        cache.set(key, html, CARD_TTL)
    return mark_safe(html)  # noqa: S308 - drawn by _draw with format_html, which escapes


# A card is about 10-12rem wide: two to a row on a phone, more on wider screens.
CARD_SIZES: Final = "(min-width: 40rem) 11rem, 45vw"


def _draw(product: Product, image_key: str, colour: str, language: str) -> SafeString:
    painted = _colour_class(colour)
    picture = (
        format_html(
            '<img src="{}" srcset="{}" sizes="{}" alt="" loading="lazy" width="160" '
            'height="160"{}>',
            photo_url(image_key, 160),
            photo_srcset(image_key),
            CARD_SIZES,
            format_html(' class="{}"', painted) if painted else "",
        )
        if image_key
        else ""
    )
    unit = "" if product.unit == Unit.PIECE else format_html(" / {}", product.get_unit_display())
    stock = (
        ""
        if product.stock
        else format_html(' <span class="badge warn">{}</span>', gettext("Out of stock"))
    )
    return format_html(
        '<li class="card"><a href="{}">{}<h3>{}</h3></a>'
        '<p><span class="price">{}</span>{}{}</p><p class="muted">{}</p></li>',
        reverse("web:product_detail", args=(product.pk, product.slug)),
        picture,
        product.name,
        format_money(product.price_minor, product.currency, language),
        unit,
        stock,
        product.village.name,
    )
