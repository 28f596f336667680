"""Up to three photos on a review: stored as WebP renditions on the review's row, shown with
the review; too many, fake or oversized photos are refused and nothing is stored."""

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from sokoni.catalog.tests.images import bomb_bytes, png_bytes, text_upload, upload
from sokoni.core.errors import DomainError
from sokoni.core.tests import storage
from sokoni.trust.models import Review
from sokoni.trust.services import review_create, review_edit
from sokoni.trust.tests.test_review_pages import completed, product_url, said

pytestmark = pytest.mark.django_db


def files(folder: str = "reviews") -> set[str]:
    return storage.stored_files(folder)


def test_a_review_keeps_its_photos_and_the_pages_show_them(client, tasks):
    # given
    order = completed(tasks)
    line = order.lines.get()
    client.force_login(order.buyer)
    # when
    client.post(
        reverse("trust:review_create", args=[line.pk]),
        {
            "rating": "5",
            "text": "Fresh.",
            "photos": [upload("a.png", png_bytes()), upload("b.png", png_bytes(colour="red"))],
        },
    )
    # then
    review = Review.objects.get()
    assert len(review.photos) == 2
    assert {"key", "width", "height"} <= set(review.photos[0])
    assert default_storage.exists(f"{review.photos[0]['key']}/160.webp")
    page = client.get(product_url(line.product)).content.decode()
    assert f"{review.photos[1]['key']}/160.webp" in page
    assert "Photo 2 of the review" in page


def test_four_photos_are_refused_and_nothing_is_stored(client, tasks):
    order = completed(tasks)
    line = order.lines.get()
    client.force_login(order.buyer)
    before = files()
    response = client.post(
        reverse("trust:review_create", args=[line.pk]),
        {
            "rating": "5",
            "text": "Fresh.",
            "photos": [upload(f"{n}.png", png_bytes()) for n in range(4)],
        },
    )
    assert response.status_code == 302
    assert not Review.objects.exists()
    assert files() == before
    assert any("at most 3" in m for m in said(response))


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param(lambda: text_upload("not-a-photo.jpg"), id="fake"),
        pytest.param(lambda: upload("bomb.png", bomb_bytes()), id="bomb"),
    ],
)
def test_a_fake_or_oversized_photo_is_refused_and_nothing_is_stored(client, tasks, bad):
    order = completed(tasks)
    line = order.lines.get()
    client.force_login(order.buyer)
    before = files()
    response = client.post(
        reverse("trust:review_create", args=[line.pk]),
        {"rating": "5", "text": "Fresh.", "photos": [upload("ok.png", png_bytes()), bad()]},
    )
    assert response.status_code == 302
    assert not Review.objects.exists()
    assert files() == before
    assert said(response)


def test_a_photo_over_the_size_limit_is_refused(client, tasks, settings):
    settings.IMAGE_MAX_BYTES = 100
    order = completed(tasks)
    line = order.lines.get()
    with pytest.raises(DomainError, match="too big"):
        review_create(
            buyer=order.buyer, line_id=line.pk, rating=5, text="Fresh.", photos=[png_bytes()]
        )
    assert not Review.objects.exists()


def test_an_edit_adds_photos_up_to_three_in_all(tasks):
    # given
    order = completed(tasks)
    line = order.lines.get()
    review = review_create(
        buyer=order.buyer, line_id=line.pk, rating=4, text="Good.", photos=[png_bytes()] * 2
    )
    # when: one more is fine, with the words unchanged (no revision)
    review_edit(
        author=order.buyer, review_id=review.pk, rating=4, text="Good.", photos=[png_bytes()]
    )
    # then
    review.refresh_from_db()
    assert len(review.photos) == 3
    assert not review.revisions.exists()
    # and a fourth is refused, the words unchanged too
    with pytest.raises(DomainError, match="at most 3"):
        review_edit(
            author=order.buyer, review_id=review.pk, rating=1, text="Bad.", photos=[png_bytes()]
        )
    review.refresh_from_db()
    assert (review.rating, review.text, len(review.photos)) == (4, "Good.", 3)


def test_a_second_review_with_photos_stores_no_files(tasks):
    order = completed(tasks)
    line = order.lines.get()
    review_create(buyer=order.buyer, line_id=line.pk, rating=4, text="Good.")
    before = files()
    with pytest.raises(DomainError):
        review_create(
            buyer=order.buyer, line_id=line.pk, rating=1, text="Again.", photos=[png_bytes()]
        )
    assert files() == before
