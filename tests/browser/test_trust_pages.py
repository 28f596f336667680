"""Trust pages in a real browser: reviews with photos, messages, reports, moderation and the
staff's logged thread pass axe-core; a buyer reviews with a photo and the seller reports."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

from sokoni.orders.models import Order
from tests.browser.support import World, axe_violations, describe, log_in, pickup_checkout

pytestmark = pytest.mark.browser


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def _completed(world: World, product: Any) -> Order:
    from sokoni.orders.services.lifecycle import order_confirm_receipt, order_ship

    order = pickup_checkout(world, product).orders.get()
    order = order_ship(order=order, actor=product.shop.owner, tracking_ref="T-9")
    return order_confirm_receipt(order=order, actor=world.buyer)


def test_trust_pages_have_no_axe_violations(page: Any, live_server: Any, world: World) -> None:
    from sokoni.trust.messages import message_send, thread_start
    from sokoni.trust.services import report_extortion, review_create

    # given: a reviewed order with a photo, a thread with an off-platform message and a
    # demand, and the seller's report
    product = world.products[0]
    order = _completed(world, product)
    seller = product.shop.owner
    review = review_create(
        buyer=world.buyer,
        line_id=order.lines.get().pk,
        rating=2,
        text="Late. <script>alert(1)</script>",
        photos=[_png()],
    )
    first = thread_start(
        sender=world.buyer, order_id=order.pk, body="Call me on 0712 345 678", images=[_png()]
    )
    message_send(
        sender=world.buyer, thread_id=first.thread_id, body="Refund KES 500 or I leave 1 star."
    )
    report = report_extortion(seller=seller, order_id=order.pk, details="Cash for stars.")
    pages = [
        (world.buyer, reverse("orders:order_detail", args=[order.pk])),
        (world.buyer, reverse("trust:inbox")),
        (world.buyer, reverse("trust:thread", args=[first.thread_id])),
        (world.buyer, reverse("trust:thread_start_product", args=[world.products[3].pk])),
        (seller, reverse("trust:thread", args=[first.thread_id])),
        (seller, reverse("orders:seller_order", args=[order.pk])),
        (seller, reverse("trust:shop_reviews", args=[product.shop.slug])),
        (seller, reverse("trust:reports")),
        (world.staff, reverse("moderation:queue")),
        (world.staff, reverse("moderation:report", args=[report.pk])),
        (world.staff, reverse("trust:staff_thread", args=[first.thread_id])),
    ]
    for user, path in pages:
        # when
        page.context.clear_cookies()
        log_in(page, live_server, user)
        response = page.goto(live_server.url + path)
        # then
        assert response is not None
        assert response.status == 200, path
        violations = axe_violations(page)
        assert violations == [], f"axe-core found violations on {path}:\n{describe(violations)}"
    assert review.pk


def test_a_buyer_reviews_with_a_photo_in_the_browser(
    page: Any, live_server: Any, world: World, tmp_path: Any
) -> None:
    from sokoni.trust.models import Review

    # given
    order = _completed(world, world.products[1])
    photo = tmp_path / "tea.png"
    photo.write_bytes(_png())
    log_in(page, live_server, world.buyer)
    page.goto(live_server.url + reverse("orders:order_detail", args=[order.pk]))
    # when
    page.locator("fieldset label").filter(has_text="4").first.click()
    page.get_by_label("Your review").fill("Fresh tea, well packed.")
    page.get_by_label("Photos (up to 3)").set_input_files(str(photo))
    with page.expect_navigation():
        page.get_by_role("button", name="Publish the review").click()
    # then
    review = Review.objects.get()
    assert (review.rating, review.text, len(review.photos)) == (4, "Fresh tea, well packed.", 1)
    assert page.locator(f"img[src*='{review.photos[0]['key']}']").count() == 1


def test_a_photo_sent_in_a_message_shows_to_its_reader_and_no_one_else(
    page: Any, live_server: Any, world: World
) -> None:
    """The thumbnail in a thread loads from the private photo view for the thread's seller; the
    same address shows a stranger nothing, and /media/ never serves the file."""
    from sokoni.accounts.tests.factories import UserFactory
    from sokoni.trust.messages import thread_start

    # given
    product = world.products[2]
    message = thread_start(
        sender=world.buyer, product_id=product.pk, body="This door?", images=[_png()]
    )
    attachment = message.attachments.get()
    thumb = reverse("message_photo", kwargs={"pk": attachment.pk, "size": 160})
    # when
    log_in(page, live_server, product.shop.owner)
    page.goto(live_server.url + reverse("trust:thread", args=[message.thread_id]))
    image = page.locator(f"img[src='{thumb}']")
    image.wait_for()
    loaded = image.evaluate("img => img.decode().then(() => img.naturalWidth)")
    page.context.clear_cookies()
    log_in(page, live_server, UserFactory())
    stranger = page.goto(live_server.url + thumb)
    public = page.goto(f"{live_server.url}/media/{attachment.key}/160.webp")
    # then
    assert loaded > 0
    assert stranger is not None
    assert stranger.status == 404
    assert public is not None
    assert public.status == 404
