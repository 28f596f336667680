"""Steps run inside Sokoni (the project's venv, Django set up by run.py's environment).

python bench/compare_oscar/sokoni_side.py export OUT.json  # the catalogue, for Oscar
python bench/compare_oscar/sokoni_side.py cart-total       # units in anonymous carts
"""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal
from pathlib import Path

import django


def export(out: Path) -> None:
    """The listed catalogue: the category tree and every listed product, as Oscar loads them."""
    from django.urls import reverse

    from sokoni.catalog.models import Category, Product
    from sokoni.core.money import currency_exponent

    categories = [
        {"slug": c.slug, "name": c.name, "parent": c.parent.slug if c.parent else None}
        for c in Category.objects.select_related("parent").order_by("parent_id", "position", "pk")
    ]
    products = [
        {
            "id": p.pk,
            "name": p.name,
            "description": p.description,
            "price": str(Decimal(p.price_minor).scaleb(-currency_exponent(p.currency))),
            "currency": p.currency,
            "stock": p.stock,
            "category": p.category.slug,
            "path": reverse("web:product_detail", args=[p.pk, p.slug]),
        }
        for p in Product.objects.filter(is_listed=True).select_related("category").order_by("pk")
    ]
    out.write_text(json.dumps({"categories": categories, "products": products}))
    top = sum(1 for c in categories if c["parent"] is None)
    print(f"exported {len(products)} products, {len(categories)} categories ({top} top-level)")


def cart_total() -> None:
    """Units in all anonymous carts (sessions), to check that the adds were really made."""
    from django.contrib.sessions.models import Session

    from sokoni.orders.services.cart import SESSION_KEY, cart_from_session

    total = 0
    for session in Session.objects.all():
        total += sum(cart_from_session(session.get_decoded().get(SESSION_KEY)).values())
    print(total)


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sokoni.settings")
    django.setup()
    if sys.argv[1] == "export":
        export(Path(sys.argv[2]))
    elif sys.argv[1] == "cart-total":
        cart_total()
    else:
        raise SystemExit(f"unknown step {sys.argv[1]!r}")
