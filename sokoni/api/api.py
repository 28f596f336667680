"""API v1 (django-ninja); OpenAPI at /api/v1/openapi.json.

Every error is JSON ``{"detail": ...}`` with a 4xx status: validation errors (422), malformed
bodies (400), unknown or private objects (404), bad credentials (401), throttling (429) and
domain errors, mapped from their dotted codes by ``STATUS_BY_CODE`` (the one 5xx there is a
payment provider that does not answer: 503, try again).
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from typing import Any, Final, Literal

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Path, Query, Router
from ninja.errors import HttpError
from ninja.parser import Parser
from ninja.security import HttpBearer

from sokoni.accounts.models import User
from sokoni.accounts.selectors import user_for_token
from sokoni.accounts.services import api_token_issue
from sokoni.api.errors import UnknownFilter
from sokoni.api.orders import router as orders_router
from sokoni.api.reviews import public as reviews_public
from sokoni.api.reviews import router as reviews_router
from sokoni.api.schemas import (
    MeOut,
    ProductDetailOut,
    ProductPageOut,
    TokenCreateIn,
    TokenOut,
    VillageOut,
    VillagePageOut,
    errors,
    link,
    links,
)
from sokoni.api.shipping import router as shipping_router
from sokoni.api.throttles import PerAccount, PerAddress
from sokoni.catalog.models import Category, Product
from sokoni.catalog.search import product_search
from sokoni.catalog.selectors import product_get_public
from sokoni.core.errors import DomainError
from sokoni.core.images import photo_url
from sokoni.core.money import format_money
from sokoni.core.security import log_refusal
from sokoni.villages.countries import country_name
from sokoni.villages.models import Village, lines
from sokoni.villages.selectors import village_list_public

api = NinjaAPI(
    title="Sokoni API",
    version="1",
    urls_namespace="api-v1",
    docs_url="/docs",
    throttle=[PerAddress("api_address"), PerAccount("api_account")],
)


def _in_readers_language(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Answer (errors included) in the language of the cookie or Accept-Language header.

    The site's unprefixed URLs are English; API URLs have no prefix, so choose here.
    """

    @functools.wraps(run)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        language = translation.get_language_from_request(request, check_path=False)
        with translation.override(language):
            response = run(request, *args, **kwargs)
        response["Content-Language"] = language
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    return wrapper


api.add_decorator(_in_readers_language, mode="view")


class NotJson(Exception):
    """A body sent with another Content-Type than application/json."""


class JsonParser(Parser):
    """Read a body as JSON only when it says it is (ninja would read a text/plain or form body
    as JSON too): anything else is a 415, after the token and the rate limits are checked."""

    def parse_body(self, request: HttpRequest) -> Any:
        if request.content_type != "application/json":
            raise NotJson(request.content_type)
        return super().parse_body(request)


api.parser = JsonParser()

PER_PAGE: Final = 24
VILLAGES_PER_PAGE: Final = 50
MAX_PAGE: Final = 10_000
MAX_ID: Final = 2**63 - 1
SLUG: Final = r"^[-a-zA-Z0-9_]+$"

# Dotted domain error codes (and their families) to HTTP statuses; anything else is a 400.
STATUS_BY_CODE: Final[dict[str, int]] = {
    "core.not_found": 404,
    "core.permission_denied": 403,
    "core.stale_state": 409,
    "core.invalid_input": 422,
    "accounts.invalid_credentials": 401,
    "accounts.login_throttled": 429,
    "api.unknown_filter": 400,
    "api.idempotency_key_invalid": 400,
    "core.invalid_amount": 422,
    "core.currency_mismatch": 422,
    "orders.idempotency_key_reused": 422,
    "payments.fx_rate_missing": 422,
    "payments.insufficient_funds": 409,
    "payments.payout_invalid": 422,
    "payments.not_pending": 409,
    "payments.mismatch": 422,
    "payments.unknown_payment": 404,
    "payments.declined": 402,
    "payments.provider_unavailable": 503,
    "shipping.no_route": 422,
    "logistics.shipment_move_not_allowed": 409,
    "trust.not_reviewable": 409,
    "trust.message_flood": 429,
}


def _status(error: DomainError) -> int:
    for cls in type(error).__mro__:
        code = getattr(cls, "code", None)
        if code in STATUS_BY_CODE:
            return STATUS_BY_CODE[code]
    return 400


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc.message), "code": exc.code}, status=_status(exc)
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own refusals (a body that is not JSON, a wrong method, throttling) as JSON,
    the malformed bodies logged (throttling logs itself)."""
    if isinstance(exc.__cause__, NotJson):
        log_refusal(request, "content type", 415, str(exc.__cause__))
        detail = _("Send the body as JSON (Content-Type: application/json).")
        body = {"detail": detail, "code": "api.unsupported_media_type"}
        return api.create_response(request, body, status=415)
    if exc.status_code == 400:
        log_refusal(request, "malformed body", 400, str(exc))
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(SuspiciousOperation)
def _refused(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    """A request Django refuses (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields):
    a JSON 4xx like every other API error, logged without a stack trace."""
    too_big = isinstance(exc, RequestDataTooBig)
    status = 413 if too_big else 400
    log_refusal(request, type(exc).__name__, status)
    detail = _("The request body is too large.") if too_big else _("Bad request.")
    code = "api.too_large" if too_big else "api.bad_request"
    return api.create_response(request, {"detail": detail, "code": code}, status=status)


class BearerAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a token from POST /auth/token."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        return user_for_token(token)


bearer = BearerAuth()


# -- shapes -------------------------------------------------------------------------------------


def _money(minor: int, currency: str) -> dict[str, Any]:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "amount_minor": minor,
        "currency": currency,
        "formatted": format_money(minor, currency, language),
    }


def _village(village: Village) -> dict[str, Any]:
    return {
        "slug": village.slug,
        "name": village.name,
        "country": village.country,
        "country_name": country_name(village.country),
        "region": village.region,
        "district": village.district,
        "latitude": float(village.latitude),
        "longitude": float(village.longitude),
        "households": village.households,
        "description": village.description,
        "specialities": lines(village.specialities),
        "attractions": lines(village.attractions),
        "url": reverse("web:village_detail", args=[village.slug]),
    }


def _first_image(product: Product) -> str | None:
    """The key of a product's first photo: read with a listing, or from its prefetched photos."""
    if hasattr(product, "card_image"):
        return product.card_image or None
    images = list(product.images.all())
    return images[0].key if images else None


def _product(product: Product) -> dict[str, Any]:
    image = _first_image(product)
    return {
        "id": product.pk,
        "name": product.name,
        "slug": product.slug,
        "kind": product.kind,
        "unit": product.unit,
        "price": _money(product.price_minor, product.currency),
        "in_stock": product.stock > 0,
        "shop": {"slug": product.shop.slug, "name": product.shop.name},
        "village": {"slug": product.village.slug, "name": product.village.name},
        "image": photo_url(image, 160) if image else None,
        "url": reverse("web:product_detail", args=[product.pk, product.slug]),
    }


# -- villages -----------------------------------------------------------------------------------


@api.get(
    "/villages",
    response={200: VillagePageOut, **errors(422)},
    openapi_extra=links(
        200, village=link("sokoni_api_api_villages_get", slug="$response.body#/items/0/slug")
    ),
    tags=["villages"],
)
def villages_list(request: HttpRequest, page: int = Query(1, ge=1, le=MAX_PAGE)) -> dict[str, Any]:
    """Approved villages by country, region and name."""
    villages = village_list_public().order_by("country", "region", "name", "pk")
    start = (page - 1) * VILLAGES_PER_PAGE
    rows = list(villages[start : start + VILLAGES_PER_PAGE + 1])
    return {
        "items": [_village(v) for v in rows[:VILLAGES_PER_PAGE]],
        "page": page,
        "per_page": VILLAGES_PER_PAGE,
        "has_next": len(rows) > VILLAGES_PER_PAGE,
        "total": villages.count(),
    }


@api.get("/villages/{slug}", response={200: VillageOut, **errors(404, 422)}, tags=["villages"])
def villages_get(
    request: HttpRequest, slug: str = Path(..., max_length=140, pattern=SLUG)
) -> dict[str, Any]:
    """One approved village; unknown and unapproved villages are 404."""
    village = village_list_public().filter(slug=slug).first()
    if village is None:
        raise Http404
    return _village(village)


# -- products -----------------------------------------------------------------------------------


@api.get(
    "/products",
    response={200: ProductPageOut, **errors(400, 422)},
    openapi_extra=links(
        200,
        product=link("sokoni_api_api_products_get", product_id="$response.body#/items/0/id"),
        reviews=link("sokoni_api_reviews_product_reviews", product_id="$response.body#/items/0/id"),
        add_to_cart=link(
            "sokoni_api_orders_cart_items_add",
            body={"product_id": "$response.body#/items/0/id", "quantity": 1},
        ),
    ),
    tags=["products"],
)
def products_list(
    request: HttpRequest,
    q: str = Query("", max_length=10_000, description="Words to search for."),
    category: str | None = Query(None, max_length=80, pattern=SLUG),
    village: str | None = Query(None, max_length=140, pattern=SLUG),
    sort: Literal["relevance", "price", "-price", "newest"] = Query("relevance"),
    page: int = Query(1, ge=1, le=MAX_PAGE),
) -> dict[str, Any]:
    """Search the public catalogue (the same search as the site, typos forgiven)."""
    category_obj = Category.objects.filter(slug=category).first() if category else None
    if category and category_obj is None:
        raise UnknownFilter(_("There is no category %(slug)s.") % {"slug": category})
    village_obj = village_list_public().filter(slug=village).first() if village else None
    if village and village_obj is None:
        raise UnknownFilter(_("There is no village %(slug)s.") % {"slug": village})
    result = product_search(
        query=q, category=category_obj, village=village_obj, sort=sort, page=page, per_page=PER_PAGE
    )
    return {
        "items": [_product(p) for p in result.items],
        "page": result.page,
        "per_page": result.per_page,
        "has_next": result.has_next,
        "total": result.total,
        "total_is_capped": result.total_is_capped,
        "query": result.query,
        "corrected_query": result.corrected_query,
    }


@api.get(
    "/products/{product_id}",
    response={200: ProductDetailOut, **errors(404, 422)},
    openapi_extra=links(
        200,
        shop_reviews=link("sokoni_api_reviews_shop_reviews", slug="$response.body#/shop/slug"),
        add_to_cart=link(
            "sokoni_api_orders_cart_items_add",
            body={"product_id": "$response.body#/id", "quantity": 1},
        ),
    ),
    tags=["products"],
)
def products_get(
    request: HttpRequest, product_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """One public product; unknown and unpublished products are 404."""
    product = product_get_public(product_id)
    certifications = getattr(product, "verified_certifications", [])
    return {
        **_product(product),
        "description": product.description,
        "stock": product.stock,
        "category": {"slug": product.category.slug, "name": product.category.label},
        "images": [photo_url(image.key, 480) for image in product.images.all()],
        "certifications": [c.kind for c in certifications],
    }


# -- accounts -----------------------------------------------------------------------------------


@api.post(
    "/auth/token",
    response={200: TokenOut, **errors(400, 401, 422, 429)},
    throttle=[PerAddress("api_token"), PerAddress("api_address")],
    tags=["accounts"],
)
def auth_token(request: HttpRequest, payload: TokenCreateIn) -> dict[str, Any]:
    """Exchange a phone number and password for a bearer token (failures are throttled)."""
    raw, token = api_token_issue(
        phone=payload.phone, password=payload.password, ip=request.META.get("REMOTE_ADDR")
    )
    return {"token": raw, "token_type": "bearer", "expires_at": token.expires_at}


@api.get("/me", response={200: MeOut, **errors(401)}, auth=bearer, tags=["accounts"])
def me(request: HttpRequest) -> dict[str, Any]:
    """The account the bearer token belongs to."""
    user: User = request.auth  # type: ignore[attr-defined]
    return {
        "id": user.pk,
        "phone": user.phone,
        "name": user.name,
        "language": user.language,
        "currency": user.currency,
    }


# The cart, checkout, orders and wallet (issue 3), all behind a bearer token.
api.add_router("", orders_router, auth=bearer)
# Delivery destinations and quotes (issue 5), public like the catalogue.
api.add_router("", shipping_router)
# Reviews (issue 6): ratings and reviews are public; writing needs a token.
api.add_router("", reviews_public)
api.add_router("", reviews_router, auth=bearer)

# Last (routers answer in the order they were added): any other path under /api/v1/ is a
# JSON 404, not the site's HTML page.
fallback = Router()


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:path}", include_in_schema=False
)
def not_found(request: HttpRequest, path: str) -> HttpResponse:
    raise Http404


def _method_not_allowed(allowed: list[str], path: str) -> Callable[..., None]:
    def method_not_allowed(request: HttpRequest, **params: Any) -> None:
        raise HttpError(405, _("Use one of: %(methods)s.") % {"methods": ", ".join(allowed)})

    # The path's parameters, declared so that ninja finds them in the signature.
    keyword = inspect.Parameter.KEYWORD_ONLY
    method_not_allowed.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD),
            *(inspect.Parameter(name, keyword, annotation=str) for name in _path_params(path)),
        ]
    )
    return method_not_allowed


def _path_params(path: str) -> list[str]:
    return [item.strip("{}").split(":")[-1] for item in re.findall(r"{[^}]*}", path)]


def _refuse_other_methods(router: Router) -> None:
    """Answer a wrong method on a known path with a JSON 405, like every other API error."""
    everything = ("GET", "POST", "PUT", "PATCH", "DELETE")
    for path, view in list(router.path_operations.items()):
        allowed = sorted({method for op in view.operations for method in op.methods})
        others = [method for method in everything if method not in allowed]
        if others:
            view_func = _method_not_allowed(allowed, path)
            router.api_operation(others, path, include_in_schema=False, auth=None)(view_func)


_refuse_other_methods(api.default_router)
_refuse_other_methods(orders_router)
api.add_router("", fallback)
