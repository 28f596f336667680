"""Public category, shop and product pages: lean HTML, few queries, 404 for what is not public."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from sokoni.catalog import selectors
from sokoni.catalog.delivery import shop_quote
from sokoni.catalog.models import Product, ProductImage
from sokoni.core.db_router import reads_from_replica
from sokoni.core.errors import NotFound
from sokoni.core.images import photo_srcset, photo_url
from sokoni.core.text import parse_positive_int
from sokoni.orders.destinations import Choice, destination_chosen, destination_options
from sokoni.shipping.errors import NoRoute
from sokoni.shipping.promise import promise_label
from sokoni.shipping.quotes import Quote
from sokoni.trust import selectors as trust
from sokoni.web.page_cache import visitor_page

PER_PAGE: Final = 24
# Deep offsets are slow and nobody reads page 400 of a category; search narrows instead.
MAX_PAGE: Final = 400


@dataclass(frozen=True)
class Listing:
    """One page of products, with what the pager needs (no COUNT query)."""

    products: list[Product]
    number: int
    has_next: bool
    sort: str

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def _query(self, number: int) -> str:
        params: dict[str, Any] = {}
        if self.sort != "newest":
            params["sort"] = self.sort
        if number > 1:
            params["page"] = number
        return f"?{urlencode(params)}" if params else "?"

    @property
    def previous_query(self) -> str:
        return self._query(self.number - 1)

    @property
    def next_query(self) -> str:
        return self._query(self.number + 1)


def _sort(request: HttpRequest) -> str:
    sort = request.GET.get("sort", "newest")
    return sort if sort in selectors.SORTS else "newest"


def _listing(request: HttpRequest, products: QuerySet[Product], sort: str) -> Listing:
    number = parse_positive_int(request.GET.get("page"), 1, maximum=MAX_PAGE)
    start = (number - 1) * PER_PAGE
    rows = list(products[start : start + PER_PAGE + 1])
    return Listing(
        products=rows[:PER_PAGE], number=number, has_next=len(rows) > PER_PAGE, sort=sort
    )


@require_GET
@visitor_page
@reads_from_replica
def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        category = selectors.category_get(slug)
    except NotFound as exc:
        raise Http404 from exc
    sort = _sort(request)
    listing = _listing(request, selectors.product_list_for_category(category, sort), sort)
    return render(
        request,
        "web/category_detail.html",
        {
            "category": category,
            "children": selectors.category_children(category),
            "listing": listing,
            "sorts": _sort_choices(),
        },
    )


def _sort_choices() -> list[tuple[str, str]]:
    return [
        ("newest", _("Newest first")),
        ("price", _("Price: low to high")),
        ("price_desc", _("Price: high to low")),
    ]


@require_GET
@visitor_page
@reads_from_replica
def shop_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        shop = selectors.shop_get_public(slug)
    except NotFound as exc:
        raise Http404 from exc
    sort = _sort(request)
    listing = _listing(request, selectors.product_list_for_shop_public(shop, sort), sort)
    return render(
        request,
        "web/shop_detail.html",
        {
            "shop": shop,
            "village": shop.village,
            "listing": listing,
            "sorts": _sort_choices(),
            "rating": trust.shop_rating(shop.pk),
        },
    )


@dataclass(frozen=True)
class Picture:
    """A product photo as the page draws it: a srcset of the stored WebP renditions, its size
    (so nothing moves when it arrives) and its average colour, painted while it loads."""

    src: str
    srcset: str
    width: int
    height: int
    colour: str
    alt: str


def _picture(image: ProductImage, fallback_alt: str) -> Picture:
    width, height = image.width or 960, image.height or 960
    return Picture(
        src=photo_url(image.key, 480),
        srcset=photo_srcset(image.key, width, height),
        width=width,
        height=height,
        colour=image.colour,
        alt=image.alt or fallback_alt,
    )


@dataclass(frozen=True)
class DeliveryOffer:
    """The price and dates of delivering one unit to where the visitor wants it."""

    choice: Choice | None
    places: SafeString
    quote: Quote | None = None
    no_route: str = ""

    @property
    def promise(self) -> str:
        return promise_label(self.quote.earliest, self.quote.latest) if self.quote else ""


def _delivery(request: HttpRequest, product: Product) -> DeliveryOffer:
    choice = destination_chosen(request, product.shop)
    places = destination_options(choice.value if choice else "")
    if choice is None:
        return DeliveryOffer(choice, places)
    try:
        quote = shop_quote(product.shop, [(product, 1)], choice.destination, now=timezone.now())
    except NoRoute as error:
        return DeliveryOffer(choice, places, no_route=str(error.message))
    return DeliveryOffer(choice, places, quote)


@require_GET
@visitor_page
@reads_from_replica
def product_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    try:
        product = selectors.product_get_public(pk)
    except NotFound as exc:
        raise Http404 from exc
    if slug != product.slug:
        return HttpResponsePermanentRedirect(
            reverse("web:product_detail", args=[product.pk, product.slug])
        )
    pictures = [_picture(image, product.name) for image in product.images.all()]
    return render(
        request,
        "web/product_detail.html",
        {
            "delivery": _delivery(request, product) if product.ships else None,
            "product": product,
            "shop": product.shop,
            "village": product.village,
            "category": product.category,
            "pictures": pictures,
            "certifications": getattr(product, "verified_certifications", []),
            "rating": trust.product_rating(product.pk),
            "reviews": trust.reviews_for_product(
                product.pk,
                rating=request.GET.get("rating"),
                page=trust.parse_page(request.GET.get("reviews_page")),
            ),
            "page_param": "reviews_page",
            "stars": trust.STARS,
        },
    )
