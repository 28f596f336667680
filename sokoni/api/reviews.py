"""Reviews over the API: a product's or shop's shown rating and reviews (public), the buyer's
review and edit, the shop's one reply, and the seller's extortion report. The same services as
the web pages; photos are added on the web (multipart), the API shows their URLs."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status

from sokoni.api.schemas import errors, link, links
from sokoni.catalog.selectors import product_get_public, shop_get_public
from sokoni.core.images import photo_url
from sokoni.trust import selectors
from sokoni.trust.models import MAX_TEXT, Review
from sokoni.trust.services import report_extortion, review_create, review_edit, review_reply

public = Router()
router = Router()
MAX_ID: Final = 2**63 - 1
ERRORS: Final = errors(400, 401, 404, 409, 422)


class RatingOut(Schema):
    score: float = Field(
        description="The shown reputation (Bayesian, trust- and recency-weighted)."
    )
    shown: str = Field(description="The score as the pages show it, e.g. '4.3'.")
    count: int = Field(description="How many reviews count towards it.")


class PhotoOut(Schema):
    thumbnail: str
    large: str
    width: int
    height: int


class ReplyOut(Schema):
    text: str
    created_at: datetime


class ReviewOut(Schema):
    id: int
    product_id: int
    rating: int
    text: str
    author: str = Field(description="The buyer's first name.")
    created_at: datetime
    edited_at: datetime | None
    status: str = Field(description="published; the author also sees held or removed.")
    photos: list[PhotoOut]
    reply: ReplyOut | None


class ReviewPageOut(Schema):
    rating: RatingOut
    items: list[ReviewOut]
    page: int
    has_next: bool


class ReviewPageQuery(Schema):
    rating: int | None = Field(None, ge=1, le=5, description="Only reviews with these stars.")
    page: int = Field(1, ge=1, le=selectors.MAX_PAGE)


class ReviewIn(Schema):
    line_id: int = Field(ge=1, le=MAX_ID, description="The order line reviewed.")
    rating: int = Field(description="1 to 5 stars.", examples=[5])
    text: str = Field(max_length=MAX_TEXT * 2, examples=["Good honey, well packed."])


class ReviewEditIn(Schema):
    rating: int = Field(description="1 to 5 stars.", examples=[4])
    text: str = Field(max_length=MAX_TEXT * 2, examples=["Good honey; the jar leaked a little."])


class ReplyIn(Schema):
    text: str = Field(max_length=MAX_TEXT * 2, examples=["Thank you! We now wrap every jar."])


class ReportIn(Schema):
    order_id: int | None = Field(None, ge=1, le=MAX_ID)
    review_id: int | None = Field(None, ge=1, le=MAX_ID)
    details: str = Field(
        max_length=MAX_TEXT * 2,
        description="What the buyer asked for.",
        examples=["Asked for a refund in cash for five stars."],
    )


class ReportOut(Schema):
    id: int
    status: str
    order_id: int | None
    review_id: int | None
    reported_at: datetime


def _review_links(review_id: str) -> dict[str, dict[str, Any]]:
    """OpenAPI links from an answer holding a review's id (the expression): edit it (its
    author), reply to it or report its author (the shop's owner)."""
    return {
        "edit": link("sokoni_api_reviews_reviews_edit", review_id=review_id),
        "reply": link("sokoni_api_reviews_reviews_reply", review_id=review_id),
        "report": link("sokoni_api_reviews_reports_create", body={"review_id": review_id}),
    }


def _review(review: Review) -> dict[str, Any]:
    reply = getattr(review, "reply", None)
    return {
        "id": review.pk,
        "product_id": review.product_id,
        "rating": review.rating,
        "text": review.text,
        "author": (review.author.name or "").split(" ")[0],
        "created_at": review.created_at,
        "edited_at": review.edited_at,
        "status": review.status,
        "photos": [
            {
                "thumbnail": photo_url(p["key"], 160),
                "large": photo_url(p["key"], 960),
                "width": p["width"],
                "height": p["height"],
            }
            for p in review.photos
        ],
        "reply": {"text": reply.text, "created_at": reply.created_at} if reply else None,
    }


def _page(rating: selectors.ShownRating, page: selectors.ReviewPage) -> dict[str, Any]:
    return {
        "rating": {"score": rating.score, "shown": rating.shown, "count": rating.count},
        "items": [_review(review) for review in page.reviews],
        "page": page.number,
        "has_next": page.has_next,
    }


@public.get(
    "/products/{product_id}/reviews",
    response={200: ReviewPageOut, **errors(404, 422)},
    openapi_extra=links(200, **_review_links("$response.body#/items/0/id")),
    tags=["reviews"],
)
def product_reviews(
    request: HttpRequest,
    product_id: int = Path(..., ge=1, le=MAX_ID),
    query: ReviewPageQuery = Query(...),  # noqa: B008 - django-ninja's way
) -> dict[str, Any]:
    """A product's shown rating and one page of its published reviews, newest first."""
    product = product_get_public(product_id)
    return _page(
        selectors.product_rating(product.pk),
        selectors.reviews_for_product(product.pk, rating=str(query.rating or ""), page=query.page),
    )


@public.get(
    "/shops/{slug}/reviews",
    response={200: ReviewPageOut, **errors(404, 422)},
    openapi_extra=links(200, **_review_links("$response.body#/items/0/id")),
    tags=["reviews"],
)
def shop_reviews(
    request: HttpRequest,
    slug: str = Path(..., max_length=200, pattern=r"^[-a-zA-Z0-9_]+$"),
    query: ReviewPageQuery = Query(...),  # noqa: B008 - django-ninja's way
) -> dict[str, Any]:
    """A shop's shown rating and one page of its published reviews, newest first."""
    shop = shop_get_public(slug)
    return _page(
        selectors.shop_rating(shop.pk),
        selectors.reviews_for_shop(shop.pk, rating=str(query.rating or ""), page=query.page),
    )


def _user(request: HttpRequest) -> Any:
    return request.auth  # type: ignore[attr-defined]


@router.post(
    "/reviews",
    response={201: ReviewOut, **ERRORS},
    openapi_extra=links(201, **_review_links("$response.body#/id")),
    tags=["reviews"],
)
def reviews_create(request: HttpRequest, payload: ReviewIn) -> Status:
    """The buyer reviews one line of a completed order, once, within the review window."""
    review = review_create(
        buyer=_user(request), line_id=payload.line_id, rating=payload.rating, text=payload.text
    )
    return Status(201, _review(review))


@router.patch("/reviews/{review_id}", response={200: ReviewOut, **ERRORS}, tags=["reviews"])
def reviews_edit(
    request: HttpRequest, payload: ReviewEditIn, review_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """The author changes their review; the earlier version is kept."""
    review = review_edit(
        author=_user(request), review_id=review_id, rating=payload.rating, text=payload.text
    )
    return _review(Review.objects.select_related("author", "reply").get(pk=review.pk))


@router.post("/reviews/{review_id}/reply", response={201: ReplyOut, **ERRORS}, tags=["reviews"])
def reviews_reply(
    request: HttpRequest, payload: ReplyIn, review_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status:
    """The shop's owner answers a review once, publicly."""
    reply = review_reply(seller=_user(request), review_id=review_id, text=payload.text)
    return Status(201, {"text": reply.text, "created_at": reply.created_at})


@router.post("/extortion-reports", response={201: ReportOut, **ERRORS}, tags=["reviews"])
def reports_create(request: HttpRequest, payload: ReportIn) -> Status:
    """The seller reports the buyer of one of their orders, or the author of a review of their
    shop, for demanding money, a refund outside a dispute or free goods for a rating."""
    report = report_extortion(
        seller=_user(request),
        order_id=payload.order_id,
        review_id=payload.review_id,
        details=payload.details,
    )
    return Status(201, report)
