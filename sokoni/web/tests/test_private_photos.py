"""Dispute evidence and photos sent in messages are served only to the people who may see them,
never by the public /media/ view nor to a shared cache; public photos stay public."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.api.tests.test_orders_api import Caller
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.catalog.tests.images import png_bytes
from sokoni.core.images import SIZES, is_private_key, rendition_path
from sokoni.core.tests import storage
from sokoni.orders.models import DisputePhoto, DisputeStatement
from sokoni.orders.services.disputes import dispute_add_statement
from sokoni.orders.tests.factories import disputed_order
from sokoni.trust.messages import (
    STAFF_READ_COVERS,
    attachment_for_staff,
    message_report,
    message_send,
    thread_start,
)
from sokoni.trust.models import MessageAttachment, ThreadAccess

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_private_folder():
    """The in-memory storage lives as long as the process: start each test without photos."""
    storage.empty_folder("private")
    for folder in ("disputes", "messages"):
        storage.empty_folder(folder)


def dispute_photo_url(photo, size=160):
    return reverse("dispute_photo", kwargs={"pk": photo.pk, "size": size})


def message_photo_url(attachment, size=160):
    return reverse("message_photo", kwargs={"pk": attachment.pk, "size": size})


def body(response):
    return b"".join(response.streaming_content)


def stored_bytes(key, size):
    with default_storage.open(rendition_path(key, size)) as handle:
        return handle.read()


def sent_to_log_in(response):
    return response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:login")
    )


@pytest.fixture
def evidence(tasks):
    """A disputed order whose seller answered with a photo of the courier's receipt."""
    order = disputed_order(tasks)
    dispute_add_statement(
        order=order, actor=order.shop.owner, text="Sent by bus.", images=[png_bytes()]
    )
    return order, DisputePhoto.objects.get()


@pytest.fixture
def sent_photo():
    """A buyer asks a shop about a product with a photo of their door."""
    message = thread_start(
        sender=UserFactory(), product_id=ProductFactory().pk, body="Here?", images=[png_bytes()]
    )
    return message.thread, MessageAttachment.objects.get()


# -- dispute photos ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["buyer", "seller", "staff"])
@pytest.mark.parametrize("size", SIZES)
def test_the_parties_to_a_dispute_and_staff_get_its_photo(client, evidence, who, size):
    """The buyer, the shop's owner and staff get every rendition's bytes as WebP, privately."""
    # given
    order, photo = evidence
    reader = {"buyer": order.buyer, "seller": order.shop.owner, "staff": StaffFactory()}[who]
    client.force_login(reader)
    # when
    response = client.get(dispute_photo_url(photo, size))
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert body(response) == stored_bytes(photo.key, size)
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "Cookie" in response["Vary"]
    assert "attachment" not in response["Content-Disposition"]


@pytest.mark.parametrize("who", ["a stranger", "another order's buyer", "another shop's owner"])
def test_anyone_else_gets_404_for_a_dispute_photo(client, tasks, evidence, who):
    """Strangers, sellers of other shops and another order's buyer are told nothing exists."""
    # given
    _order, photo = evidence
    other = disputed_order(tasks)
    reader = {
        "a stranger": UserFactory(),
        "another order's buyer": other.buyer,
        "another shop's owner": other.shop.owner,
    }[who]
    client.force_login(reader)
    # when
    response = client.get(dispute_photo_url(photo))
    # then
    assert response.status_code == 404
    assert not response.streaming


def test_anonymous_is_sent_to_log_in_for_a_dispute_photo(client, evidence):
    # given
    _order, photo = evidence
    # when
    response = client.get(dispute_photo_url(photo))
    # then
    assert sent_to_log_in(response)


def test_an_unknown_rendition_or_photo_is_404(client, evidence):
    # given
    order, photo = evidence
    client.force_login(order.buyer)
    # when
    odd_size = client.get(dispute_photo_url(photo, 161))
    unknown = client.get(reverse("dispute_photo", kwargs={"pk": photo.pk + 99, "size": 160}))
    # then
    assert odd_size.status_code == 404
    assert unknown.status_code == 404


@pytest.mark.parametrize("route", ["dispute_photo", "message_photo"])
@pytest.mark.parametrize("pk", [0, 2**63, 10**30])
def test_an_id_out_of_range_is_404_not_an_error(client, route, pk):
    # given
    client.force_login(StaffFactory())
    # when
    response = client.get(reverse(route, kwargs={"pk": pk, "size": 160}))
    # then
    assert response.status_code == 404


def test_a_dispute_photo_is_stored_under_the_private_folder(evidence):
    # given
    order, photo = evidence
    # then
    assert photo.key.startswith(f"private/disputes/{order.pk}/")
    assert is_private_key(photo.key)


def test_a_dispute_photo_stored_before_the_private_folder_is_still_shown(client, tasks):
    """Rows written before private/ existed keep their disputes/... keys: the private view
    serves them from there, and /media/ refuses them."""
    # given
    order = disputed_order(tasks)
    statement = DisputeStatement.objects.get()
    key = f"disputes/{order.pk}/0123456789abcdef0123456789abcdef"
    for size in SIZES:
        default_storage.save(
            rendition_path(key, size), ContentFile(b"RIFF-old-" + bytes([size % 256]))
        )
    photo = DisputePhoto.objects.create(statement=statement, key=key, width=10, height=10)
    client.force_login(order.buyer)
    # when
    served = client.get(dispute_photo_url(photo))
    public = client.get(f"/media/{key}/160.webp")
    # then
    assert served.status_code == 200
    assert body(served) == stored_bytes(key, 160)
    assert public.status_code == 404


def test_a_browser_revalidating_a_photo_gets_304_after_the_check(client, evidence):
    # given
    order, photo = evidence
    client.force_login(order.buyer)
    etag = client.get(dispute_photo_url(photo))["ETag"]
    # when
    again = client.get(dispute_photo_url(photo), HTTP_IF_NONE_MATCH=etag)
    client.force_login(UserFactory())
    stranger = client.get(dispute_photo_url(photo), HTTP_IF_NONE_MATCH=etag)
    # then
    assert again.status_code == 304
    assert stranger.status_code == 404


def test_the_dispute_pages_link_the_private_photo_not_media(client, evidence):
    # given
    order, photo = evidence
    client.force_login(order.buyer)
    # when
    html = client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    # then
    assert f'src="{dispute_photo_url(photo)}"' in html
    assert f'href="{dispute_photo_url(photo, 960)}"' in html
    assert photo.key not in html


# -- photos in messages --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["buyer", "seller"])
def test_the_two_people_in_a_thread_get_its_photos(client, sent_photo, who):
    # given
    thread, attachment = sent_photo
    client.force_login(thread.buyer if who == "buyer" else thread.shop.owner)
    # when
    response = client.get(message_photo_url(attachment, 960))
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert body(response) == stored_bytes(attachment.key, 960)
    assert response["Cache-Control"] == "private, max-age=3600"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert attachment.key.startswith(f"private/messages/{thread.pk}/")


def test_a_stranger_gets_404_and_anonymous_is_sent_to_log_in_for_a_message_photo(
    client, sent_photo
):
    # given
    _thread, attachment = sent_photo
    url = message_photo_url(attachment)
    # when
    anonymous = client.get(url)
    client.force_login(UserFactory())
    stranger = client.get(url)
    # then
    assert sent_to_log_in(anonymous)
    assert stranger.status_code == 404


def test_staff_get_404_for_a_photo_in_a_thread_nobody_reported(client, sent_photo):
    """Staff read a private thread only while it is reported or disputed: its photos too."""
    # given
    _thread, attachment = sent_photo
    client.force_login(StaffFactory())
    # when
    response = client.get(message_photo_url(attachment))
    # then
    assert response.status_code == 404
    assert ThreadAccess.objects.count() == 0


def test_staff_get_a_photo_in_a_reported_thread_and_the_read_is_logged_once_an_hour(
    client, sent_photo
):
    # given
    thread, attachment = sent_photo
    message_report(reporter=thread.shop.owner, message_id=attachment.message_id, reason="abuse")
    staff = StaffFactory()
    client.force_login(staff)
    # when
    first = client.get(message_photo_url(attachment))
    second = client.get(message_photo_url(attachment, 960))
    later = timezone.now() + STAFF_READ_COVERS + timedelta(minutes=1)
    attachment_for_staff(staff=staff, attachment_id=attachment.pk, now=later)
    # then
    assert first.status_code == 200
    assert body(first) == stored_bytes(attachment.key, 160)
    assert second.status_code == 200
    assert list(ThreadAccess.objects.values_list("staff_id", "thread_id", "why")) == [
        (staff.pk, thread.pk, "reported"),
        (staff.pk, thread.pk, "reported"),
    ]


def test_the_thread_page_links_the_private_photo_not_media(client, sent_photo):
    # given
    thread, attachment = sent_photo
    message_send(sender=thread.shop.owner, thread_id=thread.pk, body="Yes.")
    client.force_login(thread.shop.owner)
    # when
    html = client.get(reverse("trust:thread", args=[thread.pk])).content.decode()
    # then
    assert f'src="{message_photo_url(attachment)}"' in html
    assert attachment.key not in html


# -- the public /media/ view -----------------------------------------------------------------------


def test_media_refuses_every_private_photo(client, evidence, sent_photo):
    """The stored files exist, yet /media/ answers 404 for them, in any case of letters."""
    # given
    _order, photo = evidence
    _thread, attachment = sent_photo
    paths = [rendition_path(key, size) for key in (photo.key, attachment.key) for size in SIZES]
    assert all(default_storage.exists(path) for path in paths)
    client.force_login(photo.statement.author)
    # when
    answers = [client.get(f"/media/{path}").status_code for path in paths]
    shouted = client.get(f"/media/{rendition_path(photo.key, 160).upper()}").status_code
    # then
    assert answers == [404] * len(paths)
    assert shouted == 404


@pytest.mark.parametrize("folder", ["private", "disputes", "messages", "Private", "MESSAGES"])
def test_media_refuses_the_private_folders_old_and_new(client, folder):
    # given
    default_storage.save(f"{folder}/1/abc/160.webp", ContentFile(b"RIFF....WEBP"))
    # when
    response = client.get(f"/media/{folder}/1/abc/160.webp")
    # then
    assert response.status_code == 404


def test_public_product_photos_are_still_public_and_cacheable(client):
    # given
    default_storage.save("products/pp/abc/160.webp", ContentFile(b"RIFF....WEBP"))
    # when
    response = client.get("/media/products/pp/abc/160.webp")
    # then
    assert response.status_code == 200
    assert body(response) == b"RIFF....WEBP"
    assert response["Cache-Control"] == "public, max-age=604800"


# -- the API -------------------------------------------------------------------------------------


def test_the_api_never_hands_out_a_private_photos_key_or_media_url(client, evidence):
    """The API shows no dispute statements today; an order under dispute with photos must not
    carry their storage key or a /media/ address for them."""
    # given
    order, photo = evidence
    caller = Caller(client, order.buyer)
    # when
    response = caller.get(f"/api/v1/orders/{order.pk}")
    # then
    assert response.status_code == 200
    assert photo.key not in response.content.decode()
