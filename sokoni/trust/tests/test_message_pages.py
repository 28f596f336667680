"""Message pages: inbox, thread, starting a thread from a product or an order, reporting, the
staff's logged read; 404 for strangers, escaped text, clear refusals that store nothing."""

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.catalog.tests.images import png_bytes
from sokoni.orders.tests.factories import shipped_order
from sokoni.trust.messages import message_report, message_send, thread_start
from sokoni.trust.models import (
    ExtortionReport,
    Message,
    MessageAttachment,
    MessageReport,
    Thread,
    ThreadAccess,
)

pytestmark = pytest.mark.django_db

WARNING = "Keep the conversation on Sokoni"
EXTORTION = "Pay me KES 1000 and I will give 5 stars"


def ask(body="Is it still available?", product=None, buyer=None):
    product = product or ProductFactory()
    return thread_start(sender=buyer or UserFactory(), product_id=product.pk, body=body)


def thread_url(thread_id):
    return reverse("trust:thread", args=[thread_id])


def photo(name="photo.jpg", data=None):
    return SimpleUploadedFile(name, data or png_bytes(), content_type="image/jpeg")


def shown(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# -- who sees what ------------------------------------------------------------------------------


def test_a_stranger_gets_404_on_every_message_page(client):
    first = ask()
    client.force_login(UserFactory())
    assert client.get(thread_url(first.thread_id)).status_code == 404
    assert client.post(thread_url(first.thread_id), {"body": "Hi"}).status_code == 404
    report = reverse("trust:message_report", args=[first.pk])
    assert client.post(report, {"reason": "spam"}).status_code == 404
    assert client.get(reverse("trust:staff_thread", args=[first.thread_id])).status_code == 404
    assert Message.objects.count() == 1
    assert MessageReport.objects.count() == 0


def test_signed_out_visitors_are_sent_to_log_in(client):
    first = ask()
    response = client.get(thread_url(first.thread_id))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_inbox_lists_threads_as_buyer_and_as_seller_newest_first_unread_marked(client):
    # given
    user = UserFactory()
    own_product = ProductFactory(shop__owner=user)
    bought = ask("About the honey", buyer=user)
    asked = ask("About your basket", product=own_product)
    # when
    client.force_login(user)
    page = client.get(reverse("trust:inbox")).content.decode()
    # then
    assert page.index(asked.thread.buyer.name) < page.index(bought.thread.shop.name)
    assert page.count("Unread") == 1  # the buyer's question to the user's shop
    assert own_product.name in page


def test_opening_a_thread_marks_it_read_and_the_sender_sees_read(client):
    # given
    first = ask()
    owner = first.thread.shop.owner
    client.force_login(first.sender)
    assert "· Read" not in client.get(thread_url(first.thread_id)).content.decode()
    # when
    client.force_login(owner)
    client.get(thread_url(first.thread_id))
    # then
    assert Thread.objects.get().seller_read_at is not None
    client.force_login(first.sender)
    assert "· Read" in client.get(thread_url(first.thread_id)).content.decode()


# -- text ----------------------------------------------------------------------------------------


def test_script_tags_are_shown_escaped_with_auto_direction(client):
    first = ask("<script>alert('x')</script>")
    client.force_login(first.thread.shop.owner)
    page = client.get(thread_url(first.thread_id)).content.decode()
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert 'dir="auto">&lt;script&gt;' in page


def test_a_right_to_left_override_is_refused_with_a_clear_message(client):
    first = ask()
    client.force_login(first.sender)
    response = client.post(thread_url(first.thread_id), {"body": "Pay \u202e0001 KES"})
    assert response.status_code == 400
    assert "hidden control characters" in response.content.decode()
    assert Message.objects.count() == 1


def test_a_flood_is_answered_429_with_the_message_shown(client, settings):
    settings.MESSAGE_RATE_PER_10_MIN = 2
    first = ask()
    client.force_login(first.sender)
    assert client.post(thread_url(first.thread_id), {"body": "Two"}).status_code == 302
    response = client.post(thread_url(first.thread_id), {"body": "Three"})
    assert response.status_code == 429
    assert "too many messages" in response.content.decode()
    assert Message.objects.count() == 2


# -- photos ---------------------------------------------------------------------------------------


def test_a_photo_is_shown_as_a_thumbnail_link_with_alt_text(client):
    first = ask()
    client.force_login(first.sender)
    response = client.post(thread_url(first.thread_id), {"body": "", "images": [photo()]})
    assert response.status_code == 302
    pk = MessageAttachment.objects.get().pk
    page = client.get(thread_url(first.thread_id)).content.decode()
    assert f'href="/private-photo/message/{pk}/960.webp"' in page
    assert f'src="/private-photo/message/{pk}/160.webp"' in page
    assert "/media/" not in page
    assert 'alt="Photo 1 sent with this message"' in page


@pytest.mark.parametrize(
    ("files", "words"),
    [
        (lambda: [photo() for _ in range(4)], "at most 3 photos"),
        (lambda: [photo("list.jpg", b"just a text file")], "not a photo we can read"),
    ],
)
def test_too_many_or_fake_photos_are_refused_and_nothing_stored(client, files, words):
    first = ask()
    client.force_login(first.sender)
    response = client.post(thread_url(first.thread_id), {"body": "See", "images": files()})
    assert response.status_code == 400
    assert words in response.content.decode()
    assert Message.objects.count() == 1
    assert MessageAttachment.objects.count() == 0


def test_an_oversized_photo_is_refused(client, settings):
    settings.IMAGE_MAX_BYTES = 500
    first = ask()
    client.force_login(first.sender)
    big = photo(data=png_bytes(300, 300) + bytes(1000))
    response = client.post(thread_url(first.thread_id), {"body": "See", "images": [big]})
    assert response.status_code == 400
    assert "too big" in response.content.decode()
    assert Message.objects.count() == 1


# -- warnings and reports -------------------------------------------------------------------------


def test_off_platform_warning_to_the_sender_at_once_and_to_both_sides_in_the_thread(client):
    # given
    first = ask()
    client.force_login(first.sender)
    # when
    response = client.post(
        thread_url(first.thread_id), {"body": "Call me on WhatsApp +254 712 345 678"}
    )
    # then
    assert any(WARNING in text for text in shown(response))
    for reader in (first.sender, first.thread.shop.owner):
        client.force_login(reader)
        page = client.get(thread_url(first.thread_id)).content.decode()
        assert page.count('role="note">Keep the conversation on Sokoni') == 1


def test_the_seller_is_prompted_to_report_a_suspected_extortion(client):
    first = ask(EXTORTION)
    client.force_login(first.thread.shop.owner)
    seller_page = client.get(thread_url(first.thread_id)).content.decode()
    assert "Report extortion" in seller_page
    assert 'name="reason" value="extortion"' in seller_page
    client.force_login(first.sender)
    assert "Report extortion" not in client.get(thread_url(first.thread_id)).content.decode()


def test_the_seller_reports_extortion_once_from_the_page(client, tasks):
    # given
    order = shipped_order(tasks)
    demand = thread_start(sender=order.buyer, order_id=order.pk, body=EXTORTION)
    report_url = reverse("trust:message_report", args=[demand.pk])
    client.force_login(order.shop.owner)
    # when
    first = client.post(report_url, {"reason": "extortion"})
    again = client.post(report_url, {"reason": "extortion"})
    # then
    assert first.status_code == again.status_code == 302
    assert "Thank you: the message is reported." in shown(first)[0]
    assert "already reported" in shown(again)[-1]
    assert MessageReport.objects.count() == 1
    assert ExtortionReport.objects.get().message_id == demand.pk
    page = client.get(thread_url(demand.thread_id)).content.decode()
    assert "You reported this message." in page


def test_every_message_from_the_other_side_has_a_report_button_and_ones_own_none(client):
    first = ask()
    message_send(sender=first.thread.shop.owner, thread_id=first.thread_id, body="Yes")
    client.force_login(first.sender)
    page = client.get(thread_url(first.thread_id)).content.decode()
    assert page.count("Report this message") == 1


# -- starting a thread -----------------------------------------------------------------------------


def test_ask_the_seller_from_the_product_page(client):
    # given
    product = ProductFactory()
    buyer = UserFactory()
    client.force_login(buyer)
    product_page = client.get(
        reverse("web:product_detail", args=[product.pk, product.slug])
    ).content.decode()
    start = reverse("trust:thread_start_product", args=[product.pk])
    assert f'href="{start}"' in product_page
    assert client.get(start).status_code == 200
    # when
    response = client.post(start, {"body": "Is it big?"})
    # then
    thread = Thread.objects.get()
    assert response["Location"] == thread_url(thread.pk)
    assert client.get(start)["Location"] == thread_url(thread.pk)  # continues the thread


def test_the_owner_cannot_ask_their_own_shop(client):
    product = ProductFactory()
    client.force_login(product.shop.owner)
    start = reverse("trust:thread_start_product", args=[product.pk])
    assert client.get(start).status_code == 404
    assert client.post(start, {"body": "Hello"}).status_code == 404
    assert Thread.objects.count() == 0


def test_both_sides_of_an_order_may_message_and_a_stranger_may_not(client, tasks):
    order = shipped_order(tasks)
    start = reverse("trust:thread_start_order", args=[order.pk])
    client.force_login(order.buyer)
    assert start in client.get(reverse("orders:order_detail", args=[order.pk])).content.decode()
    client.force_login(order.shop.owner)
    assert start in client.get(reverse("orders:seller_order", args=[order.pk])).content.decode()
    assert client.post(start, {"body": "Sent today"}).status_code == 302
    client.force_login(UserFactory())
    assert client.get(start).status_code == 404
    assert client.post(start, {"body": "Hi"}).status_code == 404
    assert Message.objects.count() == 1


def test_a_refused_first_message_keeps_the_text_and_stores_nothing(client):
    product = ProductFactory()
    client.force_login(UserFactory())
    start = reverse("trust:thread_start_product", args=[product.pk])
    response = client.post(start, {"body": "x" * 2001})
    assert response.status_code == 400
    assert "up to 2,000 characters" in response.content.decode()
    assert Thread.objects.count() == 0


# -- staff ----------------------------------------------------------------------------------------


def test_staff_cannot_open_an_unreported_thread(client):
    first = ask()
    client.force_login(StaffFactory())
    response = client.get(reverse("trust:staff_thread", args=[first.thread_id]))
    assert response.status_code == 404
    assert ThreadAccess.objects.count() == 0


def test_staff_read_a_reported_thread_and_the_read_is_logged(client):
    first = ask(EXTORTION)
    message_report(reporter=first.thread.shop.owner, message_id=first.pk, reason="extortion")
    staff = StaffFactory()
    client.force_login(staff)
    response = client.get(reverse("trust:staff_thread", args=[first.thread_id]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your access is logged." in page
    assert EXTORTION in page
    assert "Report this message" not in page
    assert list(ThreadAccess.objects.values_list("staff_id", "why")) == [(staff.pk, "reported")]


# -- admin ----------------------------------------------------------------------------------------


def test_the_thread_admin_lists_no_message_bodies(client):
    first = ask("A private question about the honey")
    client.force_login(StaffFactory())
    page = client.get(reverse("admin:trust_thread_changelist")).content.decode()
    assert first.thread.shop.name in page
    assert "private question" not in page
    detail = client.get(reverse("admin:trust_thread_change", args=[first.thread_id]))
    assert "private question" not in detail.content.decode()


def test_staff_close_a_message_report_from_the_admin_with_a_note(client):
    first = ask("Buy cheap watches")
    report = message_report(reporter=first.thread.shop.owner, message_id=first.pk, reason="spam")
    client.force_login(StaffFactory())
    changelist = reverse("admin:trust_messagereport_changelist")
    page = client.get(changelist).content.decode()
    assert reverse("trust:staff_thread", args=[first.thread_id]) in page
    client.post(
        changelist,
        {"action": "close", "_selected_action": [report.pk], "apply": "1", "reason": "Warned."},
    )
    report.refresh_from_db()
    assert (report.status, report.decision_note) == ("closed", "Warned.")
