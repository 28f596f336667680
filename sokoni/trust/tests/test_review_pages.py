"""Review pages: ratings with their count on product and shop pages, reviews newest first with
a star filter and pages, the buyer's forms on a completed order, the seller's one reply, escaped
text, linked reviewers left out, and few queries."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.tests.factories import ProductFactory, ShopFactory
from sokoni.orders.services.lifecycle import order_confirm_receipt, order_ship
from sokoni.orders.tests.factories import PAYS, paid_order, pay, place
from sokoni.trust import selectors
from sokoni.trust.models import Review, ReviewReply, ReviewRevision
from sokoni.trust.reputation import reputation
from sokoni.trust.services import review_create, review_reply

pytestmark = pytest.mark.django_db


def completed(tasks, *, buyer=None, lines=None, phone=PAYS, **delivery):
    """An order that went through checkout, payment, shipping and the buyer's confirmation."""
    checkout = place(buyer=buyer, lines=lines, **delivery)
    pay(checkout, tasks, phone=phone)
    order = checkout.orders.get()
    order = order_ship(order=order, actor=order.shop.owner, tracking_ref="KE-TRACK-1")
    return order_confirm_receipt(order=order, actor=order.buyer)


def reviewed(tasks, product, rating, text="Good.", **kwargs):
    order = completed(tasks, lines=[(product, 1)], **kwargs)
    return review_create(buyer=order.buyer, line_id=order.lines.get().pk, rating=rating, text=text)


def product_url(product, query=""):
    return reverse("web:product_detail", args=[product.pk, product.slug]) + query


def shop_reviews_url(shop, query=""):
    return reverse("trust:shop_reviews", args=[shop.slug]) + query


def said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def positions(html, texts):
    return [html.index(text) for text in texts]


# -- ratings ----------------------------------------------------------------------------------


def test_the_product_page_shows_the_rating_with_its_count(client, tasks):
    """The score to one decimal with a star, and how many reviews it rests on."""
    # given
    product = ProductFactory(stock=50)
    reviewed(tasks, product, 5)
    reviewed(tasks, product, 4)
    expected = selectors.product_rating(product.pk)
    # when
    html = client.get(product_url(product)).content.decode()
    # then
    assert expected.count == 2
    assert f"{expected.shown} ★" in html
    assert "(2 reviews)" in html
    assert f"Rated {expected.shown} out of 5" in html  # for screen readers


def test_a_product_without_reviews_says_so(client):
    product = ProductFactory()
    html = client.get(product_url(product)).content.decode()
    assert "No reviews yet" in html
    assert selectors.product_rating(product.pk).count == 0


def test_the_shop_page_shows_its_rating_and_links_to_its_reviews(client, tasks):
    # given
    shop = ShopFactory()
    reviewed(tasks, ProductFactory(shop=shop), 5)
    reviewed(tasks, ProductFactory(shop=shop), 2)
    reviewed(tasks, ProductFactory(shop=shop), 4)
    expected = selectors.shop_rating(shop.pk)
    # when
    html = client.get(reverse("web:shop_detail", args=[shop.slug])).content.decode()
    # then
    assert expected.count == 3
    assert f"{expected.shown} ★" in html
    assert "(3 reviews)" in html
    assert shop_reviews_url(shop) in html


def test_the_rating_is_the_reputation_not_the_plain_mean(tasks):
    """Two fresh 5-star reviews do not make a perfect shop: the prior holds the score back."""
    product = ProductFactory(stock=50)
    reviewed(tasks, product, 5)
    reviewed(tasks, product, 5)
    rating = selectors.product_rating(product.pk)
    assert 4.0 < rating.score < 5.0
    assert rating.shown == f"{rating.score:.1f}"


def test_a_reviewer_paying_with_the_owners_number_does_not_count(tasks):
    """Phones are unique per account, so the link is the payment number: a buyer who paid
    from the shop owner's phone is the owner (or their friend) and counts for nothing."""
    # given
    shop = ShopFactory(owner=UserFactory(phone=PAYS))
    product = ProductFactory(shop=shop, stock=50)
    reviewed(tasks, product, 5, phone=PAYS)  # paid from the owner's own number
    reviewed(tasks, product, 2, phone="+254733111222")  # an unrelated buyer
    # when
    rating = selectors.product_rating(product.pk)
    # then
    assert rating.count == 1
    assert rating.score < 4.0  # only the 2-star weighs against the 4.0 prior
    assert selectors.shop_rating(shop.pk).count == 1


def test_a_reviewer_sending_parcels_to_the_owners_address_or_phone_does_not_count(tasks):
    """The owner once had a parcel sent to "Plot 7, Kiambu Rd."; a reviewer whose parcels go to
    "plot 7 kiambu rd" (or to the owner's phone) is the owner's household and does not count."""
    # given
    owner = UserFactory(phone="+254700555666")
    shop = ShopFactory(owner=owner)
    product = ProductFactory(shop=shop, stock=50)
    place(buyer=owner, lines=[(ProductFactory(), 1)], address="Plot 7, Kiambu Rd.")
    reviewed(tasks, product, 5, address="plot 7  KIAMBU rd")  # the owner's address, retyped
    reviewed(tasks, product, 5, recipient_phone="+254700555666")  # sent to the owner's phone
    reviewed(tasks, product, 2)  # an unrelated buyer, sent elsewhere
    # when
    rating = selectors.shop_rating(shop.pk)
    # then
    assert rating.count == 1
    assert rating.score < 4.0


def test_a_buyer_who_rates_far_below_everyone_else_weighs_less(tasks):
    """Seller after seller, H gives 1 star where the others give 5; M gives 4. Their 1-star
    on a new shop moves its rating differently: H's weighs less than half as much."""
    # given
    harsh, mild = UserFactory(), UserFactory()
    for _ in range(3):
        product = ProductFactory(stock=50)
        reviewed(tasks, product, 5)
        reviewed(tasks, product, 5)
        reviewed(tasks, product, 1, buyer=harsh)
        reviewed(tasks, product, 4, buyer=mild)
    by_harsh, by_mild = ProductFactory(stock=5), ProductFactory(stock=5)
    # when
    reviewed(tasks, by_harsh, 1, buyer=harsh)
    reviewed(tasks, by_mild, 1, buyer=mild)
    # then: the prior is 5 ratings at 4.0; a lighter 1-star pulls the score down less
    pulled_by_harsh = 4.0 - selectors.product_rating(by_harsh.pk).score
    pulled_by_mild = 4.0 - selectors.product_rating(by_mild.pk).score
    assert 0 < pulled_by_harsh < pulled_by_mild / 2


def test_held_reviews_are_neither_shown_nor_counted(client, tasks):
    product = ProductFactory(stock=50)
    shown = reviewed(tasks, product, 4, text="Shown review.")
    held = reviewed(tasks, product, 1, text="Held review.")
    Review.objects.filter(pk=held.pk).update(status="held")
    html = client.get(product_url(product)).content.decode()
    assert "Shown review." in html
    assert "Held review." not in html
    assert selectors.product_rating(product.pk).count == 1
    assert shown.status == "published"


# -- lists ------------------------------------------------------------------------------------


def test_reviews_are_shown_newest_first(client, tasks):
    product = ProductFactory(stock=50)
    for text in ("First review.", "Second review.", "Third review."):
        reviewed(tasks, product, 4, text=text)
    html = client.get(product_url(product)).content.decode()
    first, second, third = positions(html, ["First review.", "Second review.", "Third review."])
    assert third < second < first


def test_the_rating_filter_shows_only_that_rating(client, tasks):
    product = ProductFactory(stock=50)
    reviewed(tasks, product, 5, text="Five stars here.")
    reviewed(tasks, product, 1, text="One star here.")
    html = client.get(product_url(product, "?rating=1")).content.decode()
    assert "One star here." in html
    assert "Five stars here." not in html
    html = client.get(shop_reviews_url(product.shop, "?rating=5")).content.decode()
    assert "Five stars here." in html
    assert "One star here." not in html


@pytest.mark.parametrize("value", ["9", "0", "-1", "abc", "", "4.5", "1' OR 1=1"])
def test_a_bad_rating_filter_is_ignored(client, tasks, value):
    product = ProductFactory(stock=50)
    reviewed(tasks, product, 5, text="Five stars here.")
    reviewed(tasks, product, 1, text="One star here.")
    for url in (product_url(product), shop_reviews_url(product.shop)):
        response = client.get(url, {"rating": value})
        html = response.content.decode()
        assert response.status_code == 200
        assert "Five stars here." in html
        assert "One star here." in html


def test_shop_reviews_come_ten_to_a_page(client, tasks):
    """Eleven reviews: the ten newest on page 1 with a link on, the oldest on page 2."""
    # given
    shop = ShopFactory()
    products = [ProductFactory(shop=shop) for _ in range(11)]
    order = completed(tasks, lines=[(product, 1) for product in products])
    for n, line in enumerate(order.lines.order_by("pk")):
        review_create(buyer=order.buyer, line_id=line.pk, rating=4, text=f"Review number {n}.")
    # when
    first = client.get(shop_reviews_url(shop)).content.decode()
    second = client.get(shop_reviews_url(shop, "?page=2")).content.decode()
    junk = client.get(shop_reviews_url(shop, "?page=zzz"))
    # then
    assert first.count("Review number ") == 10
    assert "Review number 0." not in first
    assert 'href="?page=2#reviews"' in first
    assert second.count("Review number ") == 1
    assert "Review number 0." in second
    assert junk.status_code == 200
    assert junk.content.decode().count("Review number ") == 10


def test_product_reviews_come_ten_to_a_page(client, tasks):
    product = ProductFactory(stock=50)
    for n in range(11):
        reviewed(tasks, product, 5 if n % 2 else 3, text=f"Review number {n}.")
    first = client.get(product_url(product)).content.decode()
    second = client.get(product_url(product, "?reviews_page=2")).content.decode()
    filtered = client.get(product_url(product, "?rating=3")).content.decode()
    assert first.count("Review number ") == 10
    assert 'href="?reviews_page=2#reviews"' in first
    assert second.count("Review number ") == 1
    assert "Review number 0." in second
    assert filtered.count("Review number ") == 6
    assert "reviews_page=2" not in filtered


# -- the buyer --------------------------------------------------------------------------------


def test_the_buyer_reviews_a_completed_order_from_its_page(client, tasks):
    # given
    order = completed(tasks)
    line = order.lines.get()
    client.force_login(order.buyer)
    page = client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    assert reverse("trust:review_create", args=[line.pk]) in page
    assert "<legend>Your rating</legend>" in page
    # when
    response = client.post(
        reverse("trust:review_create", args=[line.pk]), {"rating": "4", "text": "Sweet."}
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:order_detail", args=[order.pk])
    review = Review.objects.get()
    assert (review.line_id, review.author_id, review.rating, review.text) == (
        line.pk,
        order.buyer_id,
        4,
        "Sweet.",
    )
    page = client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    assert reverse("trust:review_edit", args=[review.pk]) in page


def test_a_second_review_of_the_same_line_is_refused_and_nothing_changes(client, tasks):
    order = completed(tasks)
    line = order.lines.get()
    client.force_login(order.buyer)
    url = reverse("trust:review_create", args=[line.pk])
    client.post(url, {"rating": "4", "text": "Sweet."})
    # when
    response = client.post(url, {"rating": "1", "text": "Changed my mind."})
    # then
    assert response.status_code == 302
    assert "You have already reviewed this. You can edit your review instead." in said(response)
    assert Review.objects.count() == 1
    assert (Review.objects.get().rating, Review.objects.get().text) == (4, "Sweet.")
    assert ReviewRevision.objects.count() == 0


@pytest.mark.parametrize(
    ("rating", "text", "message"),
    [
        ("9", "Fine.", "Choose a rating from 1 to 5 stars."),
        ("", "Fine.", "Choose a rating from 1 to 5 stars."),
        ("4", "   ", "Write a few words (up to 2,000 characters)."),
        ("4", "x" * 20_000, "Write a few words (up to 2,000 characters)."),
        ("4", "Good \u202egnirts", "Remove the hidden control characters from the text."),
    ],
)
def test_a_bad_review_is_refused_with_a_message_and_nothing_stored(
    client, tasks, rating, text, message
):
    order = completed(tasks)
    client.force_login(order.buyer)
    response = client.post(
        reverse("trust:review_create", args=[order.lines.get().pk]),
        {"rating": rating, "text": text},
    )
    assert response.status_code == 302
    assert said(response) == [message]
    assert Review.objects.count() == 0


def test_editing_a_review_keeps_a_revision(client, tasks):
    # given
    order = completed(tasks)
    review = review_create(buyer=order.buyer, line_id=order.lines.get().pk, rating=2, text="Late.")
    client.force_login(order.buyer)
    # when
    response = client.post(
        reverse("trust:review_edit", args=[review.pk]),
        {"rating": "4", "text": "Late, but tasty."},
    )
    # then
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.rating, review.text) == (4, "Late, but tasty.")
    revision = ReviewRevision.objects.get()
    assert (revision.review_id, revision.rating, revision.text) == (review.pk, 2, "Late.")


def test_a_stranger_gets_404_and_nothing_is_stored(client, tasks):
    # given
    order = completed(tasks)
    line = order.lines.get()
    review = review_create(buyer=order.buyer, line_id=line.pk, rating=5, text="Mine.")
    client.force_login(UserFactory())
    # when
    created = client.post(
        reverse("trust:review_create", args=[line.pk]), {"rating": "1", "text": "Bad."}
    )
    edited = client.post(
        reverse("trust:review_edit", args=[review.pk]), {"rating": "1", "text": "Bad."}
    )
    # then
    assert (created.status_code, edited.status_code) == (404, 404)
    review.refresh_from_db()
    assert (Review.objects.count(), review.rating, review.text) == (1, 5, "Mine.")
    assert ReviewRevision.objects.count() == 0


def test_the_review_pages_need_a_login_and_a_post(client, tasks):
    order = completed(tasks)
    url = reverse("trust:review_create", args=[order.lines.get().pk])
    assert client.post(url, {"rating": "5", "text": "Hi."}).status_code == 302  # to log in
    client.force_login(order.buyer)
    assert client.get(url).status_code == 405
    assert Review.objects.count() == 0


def test_an_order_not_completed_shows_no_review_form(client, tasks):
    order = paid_order(tasks)
    client.force_login(order.buyer)
    page = client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    assert "/reviews/line/" not in page
    assert "Your reviews" not in page


# -- the seller -------------------------------------------------------------------------------


def test_the_seller_replies_once(client, tasks):
    # given
    product = ProductFactory(stock=50)
    review = reviewed(tasks, product, 2, text="Slow.")
    owner = product.shop.owner
    client.force_login(owner)
    page = client.get(shop_reviews_url(product.shop)).content.decode()
    assert reverse("trust:review_reply", args=[review.pk]) in page
    url = reverse("trust:review_reply", args=[review.pk])
    # when
    first = client.post(url, {"text": "Sorry, the rains.", "next": product_url(product)})
    second = client.post(url, {"text": "Again."})
    # then
    assert first["Location"] == product_url(product)
    assert "The shop has already replied to this review." in said(second)
    reply = ReviewReply.objects.get()
    assert (reply.review_id, reply.author_id, reply.text) == (
        review.pk,
        owner.pk,
        "Sorry, the rains.",
    )
    html = client.get(product_url(product)).content.decode()
    assert "Sorry, the rains." in html
    assert url not in html  # no second form


def test_a_buyer_cannot_reply(client, tasks):
    product = ProductFactory(stock=50)
    review = reviewed(tasks, product, 2, text="Slow.")
    client.force_login(review.author)
    page = client.get(product_url(product)).content.decode()
    response = client.post(reverse("trust:review_reply", args=[review.pk]), {"text": "Me too."})
    assert reverse("trust:review_reply", args=[review.pk]) not in page
    assert response.status_code == 404
    assert ReviewReply.objects.count() == 0


def test_an_outside_next_address_is_not_followed(client, tasks):
    product = ProductFactory(stock=50)
    review = reviewed(tasks, product, 2, text="Slow.")
    client.force_login(product.shop.owner)
    response = client.post(
        reverse("trust:review_reply", args=[review.pk]),
        {"text": "Sorry.", "next": "https://evil.example/"},
    )
    assert response["Location"] == shop_reviews_url(product.shop)


# -- bad input shown harmless -----------------------------------------------------------------


def test_a_script_in_a_review_is_shown_escaped(client, tasks):
    product = ProductFactory(stock=50)
    review = reviewed(tasks, product, 1, text="<script>alert(1)</script>\nsecond line")
    client.force_login(product.shop.owner)
    client.post(
        reverse("trust:review_reply", args=[review.pk]), {"text": "<b>bold</b><script>x</script>"}
    )
    for url in (product_url(product), shop_reviews_url(product.shop)):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>second line" in html
        assert "<b>bold</b>" not in html
        assert "&lt;b&gt;bold&lt;/b&gt;" in html


# -- queries ----------------------------------------------------------------------------------


def test_a_rating_takes_two_queries_and_a_page_of_reviews_one(tasks, django_assert_num_queries):
    """A rating: whether there is any review, then all of them with what weighs each."""
    product = ProductFactory(stock=50)
    for stars in (5, 4, 2):
        review = reviewed(tasks, product, stars)
    owner = product.shop.owner
    review_reply(seller=owner, review_id=review.pk, text="Thanks.")
    with django_assert_num_queries(2):
        assert selectors.product_rating(product.pk).count == 3
    with django_assert_num_queries(2):
        assert selectors.shop_rating(product.shop_id).count == 3
    with django_assert_num_queries(1):
        page = selectors.reviews_for_product(product.pk)
        assert [r.reply.text for r in page.reviews if hasattr(r, "reply")] == ["Thanks."]
        assert all(r.author.name is not None for r in page.reviews)


def test_a_product_without_reviews_is_rated_by_one_small_query(tasks, django_assert_num_queries):
    """No review yet, the case of most products: the empty rating, from one lookup."""
    # given
    product = ProductFactory(stock=50)
    reviewed(tasks, ProductFactory(shop=product.shop, stock=50), 5)
    # when
    with django_assert_num_queries(1):
        rating = selectors.product_rating(product.pk)
    # then
    assert rating.count == 0
    assert rating.shown == reputation([], now=timezone.now()).shown  # the prior alone
    assert selectors.shop_rating(product.shop_id).count == 1


def test_the_product_page_costs_the_same_with_many_reviews(client, tasks):
    """No query per review: the page with 10 reviews costs what it costs with one."""
    product = ProductFactory(stock=50)
    url = product_url(product)
    reviewed(tasks, product, 5)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(9):
        review = reviewed(tasks, product, 1 + n % 5)
    review_reply(seller=product.shop.owner, review_id=review.pk, text="Thanks.")
    with CaptureQueriesContext(connection) as many:
        html = client.get(url).content.decode()
    assert html.count("verified purchase") == 10
    assert len(many.captured_queries) == len(one.captured_queries)
