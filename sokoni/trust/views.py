"""Review pages: a shop's reviews, and the buyer's and the seller's POSTs.

Each POST calls one service; a refusal (a second review, a second reply, a bad rating or text)
comes back as a message and stores nothing. Anything not the user's own is a 404.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from sokoni.catalog import selectors as catalog
from sokoni.core.errors import DomainError, NotFound
from sokoni.orders.views.common import safe_next, user_of, visible
from sokoni.trust import selectors
from sokoni.trust.forms import review_photos
from sokoni.trust.services import report_extortion, review_create, review_edit, review_reply


def attempt(request: HttpRequest, call: Callable[[], object], done: str) -> None:
    """Call one service; its refusal comes back as a message, an unknown object as a 404."""
    try:
        call()
    except NotFound as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, done)


@require_GET
def shop_reviews(request: HttpRequest, slug: str) -> HttpResponse:
    shop = visible(lambda: catalog.shop_get_public(slug))
    page = selectors.reviews_for_shop(
        shop.pk,
        rating=request.GET.get("rating"),
        page=selectors.parse_page(request.GET.get("page")),
    )
    return render(
        request,
        "trust/shop_reviews.html",
        {
            "shop": shop,
            "rating": selectors.shop_rating(shop.pk),
            "reviews": page,
            "page_param": "page",
            "stars": selectors.STARS,
        },
    )


@login_required
@require_POST
def review_create_view(request: HttpRequest, line_id: int) -> HttpResponse:
    user = user_of(request)
    order_id = visible(lambda: selectors.line_order_id_for_buyer(user.pk, line_id))
    attempt(
        request,
        lambda: review_create(
            buyer=user,
            line_id=line_id,
            rating=selectors.parse_rating(request.POST.get("rating")),
            text=request.POST.get("text", ""),
            photos=review_photos(request),
        ),
        _("Thank you for your review."),
    )
    return redirect("orders:order_detail", pk=order_id)


@login_required
@require_POST
def review_edit_view(request: HttpRequest, review_id: int) -> HttpResponse:
    user = user_of(request)
    review = visible(lambda: selectors.review_get_for_author(user.pk, review_id))
    attempt(
        request,
        lambda: review_edit(
            author=user,
            review_id=review.pk,
            rating=selectors.parse_rating(request.POST.get("rating")),
            text=request.POST.get("text", ""),
            photos=review_photos(request),
        ),
        _("Your review is updated."),
    )
    return redirect("orders:order_detail", pk=review.order_id)


@login_required
@require_POST
def review_reply_view(request: HttpRequest, review_id: int) -> HttpResponse:
    user = user_of(request)
    review = visible(lambda: selectors.review_get_for_shop_owner(user.pk, review_id))
    attempt(
        request,
        lambda: review_reply(seller=user, review_id=review.pk, text=request.POST.get("text", "")),
        _("Your reply is published."),
    )
    return redirect(safe_next(request, reverse("trust:shop_reviews", args=[review.shop.slug])))


# -- extortion reports -------------------------------------------------------------------------

_REPORTED = gettext_lazy(
    "Thank you: Sokoni staff will look at your report. The buyer's reviews of your shop are "
    "held until they decide."
)


def _report(request: HttpRequest, **subject: int) -> HttpResponse:
    """The seller reports the buyer of an order (``order_id``) or the author of a review of
    their shop (``review_id``)."""
    user = user_of(request)
    attempt(
        request,
        lambda: report_extortion(seller=user, details=request.POST.get("details", ""), **subject),
        str(_REPORTED),
    )
    return redirect(safe_next(request, reverse("trust:reports")))


@login_required
@require_POST
def report_order_view(request: HttpRequest, order_id: int) -> HttpResponse:
    return _report(request, order_id=order_id)


@login_required
@require_POST
def report_review_view(request: HttpRequest, review_id: int) -> HttpResponse:
    return _report(request, review_id=review_id)


@login_required
@require_GET
def reports_view(request: HttpRequest) -> HttpResponse:
    """The seller's own reports and where each stands."""
    user = user_of(request)
    return render(request, "trust/reports.html", {"reports": selectors.reports_of_seller(user.pk)})
