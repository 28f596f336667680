"""Reviews over the API: public ratings and pages, the buyer's review and edit, the shop's
reply, the seller's extortion report; refusals change nothing."""

import pytest

from sokoni.accounts.tests.factories import UserFactory
from sokoni.api.tests.test_orders_api import Caller
from sokoni.trust.models import ExtortionReport, Review, ReviewRevision
from sokoni.trust.services import review_create
from sokoni.trust.tests.test_extortion_reports import completed

pytestmark = pytest.mark.django_db


def reviewed(tasks, stars=4, text="Good tea."):
    order = completed(tasks)
    review = review_create(buyer=order.buyer, line_id=order.lines.get().pk, rating=stars, text=text)
    return order, review


def test_a_products_reviews_and_rating_are_public(client, tasks):
    order, review = reviewed(tasks)
    product = order.lines.get().product
    body = client.get(f"/api/v1/products/{product.pk}/reviews").json()
    assert body["rating"]["count"] == 1
    assert body["items"][0]["id"] == review.pk
    assert body["items"][0]["text"] == "Good tea."
    assert body["has_next"] is False
    assert client.get(f"/api/v1/products/{product.pk}/reviews", {"rating": 1}).json()["items"] == []
    shop = client.get(f"/api/v1/shops/{order.shop.slug}/reviews").json()
    assert [item["id"] for item in shop["items"]] == [review.pk]


@pytest.mark.parametrize("query", [{"rating": 6}, {"rating": "x"}, {"page": 0}, {"page": 10**6}])
def test_a_bad_filter_is_a_422(client, tasks, query):
    order, _ = reviewed(tasks)
    product = order.lines.get().product
    assert client.get(f"/api/v1/products/{product.pk}/reviews", query).status_code == 422


def test_an_unknown_product_or_shop_is_a_404(client):
    assert client.get("/api/v1/products/999999/reviews").status_code == 404
    assert client.get("/api/v1/shops/no-such-shop/reviews").status_code == 404


def test_the_buyer_reviews_over_the_api_once(client, tasks):
    order = completed(tasks)
    caller = Caller(client, order.buyer)
    line = order.lines.get()
    response = caller.post("/api/v1/reviews", {"line_id": line.pk, "rating": 5, "text": "Lovely."})
    assert response.status_code == 201
    assert response.json()["rating"] == 5
    again = caller.post("/api/v1/reviews", {"line_id": line.pk, "rating": 1, "text": "Again."})
    assert again.status_code == 409
    assert again.json()["code"] == "trust.already_reviewed"
    assert Review.objects.get().rating == 5


def test_the_order_tells_the_buyer_which_line_to_review(client, tasks):
    """The fuzzer's warning: no answer gave the line_id that POST /reviews needs."""
    order = completed(tasks)
    caller = Caller(client, order.buyer)
    # when: the id is read from the order, as the OpenAPI link from GET /orders/{id} says
    line_id = caller.get(f"/api/v1/orders/{order.pk}").json()["lines"][0]["id"]
    response = caller.post("/api/v1/reviews", {"line_id": line_id, "rating": 5, "text": "Fine."})
    # then
    assert response.status_code == 201
    assert line_id == order.lines.get().pk
    assert Review.objects.get().line_id == line_id


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"rating": 0, "text": "x"}, 422),
        ({"rating": 6, "text": "x"}, 422),
        ({"rating": 4, "text": ""}, 422),
        ({"rating": 4, "text": "x" * 2001}, 422),
        ({"rating": 4, "text": "x" * 20_000}, 422),
        ({"rating": 4, "text": "ok \u202e"}, 422),
        ({"rating": "five", "text": "x"}, 422),
    ],
)
def test_a_bad_review_is_refused_and_nothing_stored(client, tasks, body, status):
    order = completed(tasks)
    caller = Caller(client, order.buyer)
    response = caller.post("/api/v1/reviews", {"line_id": order.lines.get().pk, **body})
    assert response.status_code == status
    assert "detail" in response.json()
    assert not Review.objects.exists()


def test_a_stranger_cannot_review_someone_elses_order(client, tasks):
    order = completed(tasks)
    caller = Caller(client, UserFactory())
    response = caller.post(
        "/api/v1/reviews", {"line_id": order.lines.get().pk, "rating": 1, "text": "Bad."}
    )
    assert response.status_code == 404
    assert not Review.objects.exists()


def test_writing_needs_a_token(client, tasks):
    order = completed(tasks)
    response = client.post(
        "/api/v1/reviews",
        {"line_id": order.lines.get().pk, "rating": 5, "text": "x"},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_the_author_edits_and_the_seller_cannot(client, tasks):
    order, review = reviewed(tasks)
    seller = Caller(client, order.shop.owner)
    refused = seller.client.patch(
        f"/api/v1/reviews/{review.pk}",
        data='{"rating": 5, "text": "Best shop."}',
        content_type="application/json",
        **seller.headers,
    )
    assert refused.status_code == 404
    buyer = Caller(client, order.buyer)
    edited = buyer.client.patch(
        f"/api/v1/reviews/{review.pk}",
        data='{"rating": 3, "text": "Good tea, slow post."}',
        content_type="application/json",
        **buyer.headers,
    )
    assert edited.status_code == 200
    assert edited.json()["edited_at"] is not None
    assert ReviewRevision.objects.get().text == "Good tea."


def test_the_shop_replies_once_and_reports_a_buyer(client, tasks):
    order, review = reviewed(tasks, stars=1, text="Terrible.")
    seller = Caller(client, order.shop.owner)
    assert seller.post(f"/api/v1/reviews/{review.pk}/reply", {"text": "Sorry."}).status_code == 201
    assert seller.post(f"/api/v1/reviews/{review.pk}/reply", {"text": "Again"}).status_code == 409
    report = seller.post(
        "/api/v1/extortion-reports", {"review_id": review.pk, "details": "Cash for stars."}
    )
    assert report.status_code == 201
    assert report.json()["status"] == "open"
    review.refresh_from_db()
    assert review.status == "held"
    buyer = Caller(client, order.buyer)
    assert (
        buyer.post("/api/v1/extortion-reports", {"order_id": order.pk, "details": "x"}).status_code
        == 404
    )
    assert ExtortionReport.objects.count() == 1
