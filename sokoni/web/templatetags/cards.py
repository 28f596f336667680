"""Product cards, drawn in Python: listing pages show 24 of them on every request.

One card through `{% include %}` costs about ten times this tag (template lookups, a URL tag,
a money tag, a photo tag), which is most of a listing page's server time.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from sokoni.catalog.models import Product
from sokoni.catalog.states import Unit
from sokoni.core.images import photo_url
from sokoni.core.money import format_money

register = template.Library()


@register.simple_tag
def product_card(product: Product) -> SafeString:
    """Draw one product of a listing as an <li class="card"> (see product_list_public)."""
    images = product.images.all()
    picture = (
        format_html(
            '<img src="{}" alt="" loading="lazy" width="160" height="160">',
            photo_url(images[0].key, 160),
        )
        if images
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
        format_money(product.price_minor, product.currency, translation.get_language() or "en"),
        unit,
        stock,
        product.village.name,
    )
