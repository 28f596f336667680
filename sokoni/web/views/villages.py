"""Public village pages (the INVIL portal): the list by country and region, and one village."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sokoni.catalog.selectors import product_list_public, shop_list_public
from sokoni.core.db_router import reads_from_replica
from sokoni.core.errors import NotFound
from sokoni.core.text import parse_positive_int
from sokoni.villages.selectors import (
    service_centre_list_public,
    village_get_public,
    village_groups_public,
    village_photos,
)
from sokoni.web.page_cache import visitor_page

# Keep the village page within one round trip (<= 14 KB gzipped): a page of products, and
# the first shops with a link to the rest.
PRODUCTS_PER_PAGE = 24
SHOPS_SHOWN = 12
MAX_PAGE = 500  # bounds the OFFSET a crafted ?page= can ask for


@require_GET
@visitor_page
@reads_from_replica
def village_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/village_list.html", {"countries": village_groups_public()})


@require_GET
@visitor_page
@reads_from_replica
def village_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        village = village_get_public(slug=slug, user=request.user)
    except NotFound as exc:
        raise Http404 from exc
    page = parse_positive_int(request.GET.get("page"), default=1, maximum=MAX_PAGE)
    start = (page - 1) * PRODUCTS_PER_PAGE
    # One row more than shown tells whether a next page exists, without counting.
    products = list(
        product_list_public()
        .filter(village=village)
        .order_by("-created_at")[start : start + PRODUCTS_PER_PAGE + 1]
    )
    shops = list(
        shop_list_public()
        .filter(village=village)
        .only("name", "slug")
        .order_by("name")[: SHOPS_SHOWN + 1]
    )
    return render(
        request,
        "web/village_detail.html",
        {
            "village": village,
            "photos": village_photos(village=village),
            "centres": service_centre_list_public(village=village),
            "shops": shops[:SHOPS_SHOWN],
            "more_shops": len(shops) > SHOPS_SHOWN,
            "products": products[:PRODUCTS_PER_PAGE],
            "page": page,
            "previous_page": page - 1 if page > 1 else None,
            "next_page": page + 1
            if len(products) > PRODUCTS_PER_PAGE and page < MAX_PAGE
            else None,
        },
    )
