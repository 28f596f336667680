"""The dispute on the buyer's, the seller's and the staff's pages: the timeline, the step and
its deadline, statement forms with photos (plain multipart POST, redirect), bad input shown as
errors with nothing stored, and the evidence side by side for staff."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.catalog.tests.images import png_bytes, upload
from sokoni.orders.models import Dispute, DisputePhoto, DisputeStatement
from sokoni.orders.services.disputes import dispute_add_statement, dispute_escalate_due
from sokoni.orders.services.lifecycle import dispute_decide, order_dispute_open
from sokoni.orders.tests.factories import disputed_order, frozen, shipped_order
from sokoni.orders.tests.test_dispute_evidence import stored_files  # noqa: F401 - fixture
from sokoni.orders.tests.test_views import messages_of, text_of

pytestmark = pytest.mark.django_db

RLO = "\u202e"


def statements():
    return list(DisputeStatement.objects.order_by("pk").values_list("side", "text"))


def buyer_page(order):
    return reverse("orders:order_detail", args=[order.pk])


def seller_page(order):
    return reverse("orders:seller_order", args=[order.pk])


def test_the_buyer_opens_a_dispute_with_photos(client, tasks, stored_files):  # noqa: F811
    # given
    order = shipped_order(tasks)
    client.force_login(order.buyer)
    # when
    response = client.post(
        reverse("orders:order_dispute", args=[order.pk]),
        {
            "dispute-reason": "damaged",
            "dispute-details": "The jar broke.",
            "dispute-photos": [upload("a.png", png_bytes()), upload("b.png", png_bytes())],
        },
    )
    # then
    assert response.status_code == 302
    assert statements() == [("buyer", "The jar broke.")]
    assert DisputePhoto.objects.count() == 2
    assert len(stored_files()) == 6


def test_both_pages_show_the_step_and_its_deadline_in_the_readers_language(client, tasks):
    # given
    order = shipped_order(tasks)
    with frozen(datetime(2026, 11, 30, 9, 0, tzinfo=UTC)):
        order_dispute_open(order=order, actor=order.buyer, reason="damaged", details="Broken")
    # when
    client.force_login(order.buyer)
    buyer = client.get(buyer_page(order))
    client.force_login(order.shop.owner)
    seller = client.get(seller_page(order))
    with translation.override("fr"):
        seller_fr = client.get(seller_page(order))
    # then
    assert "The seller has until Dec. 3, 2026 to answer." in text_of(buyer)
    assert "You have until Dec. 3, 2026 to answer" in text_of(seller)
    assert "3 décembre 2026" in text_of(seller_fr)


def test_the_seller_answers_with_a_photo_and_the_buyer_sees_it(client, tasks, stored_files):  # noqa: F811
    # given
    order = disputed_order(tasks)
    client.force_login(order.shop.owner)
    # when
    response = client.post(
        reverse("orders:seller_statement", args=[order.pk]),
        {
            "statement-text": "Sent on Monday by bus.",
            "statement-photos": [upload("r.png", png_bytes())],
        },
    )
    # then
    assert response.status_code == 302
    assert messages_of(response) == ["Your statement is added to the dispute."]
    assert statements()[-1] == ("seller", "Sent on Monday by bus.")
    client.force_login(order.buyer)
    page = client.get(buyer_page(order))
    html = page.content.decode()
    [photo] = DisputePhoto.objects.all()
    assert "Sent on Monday by bus." in text_of(page)
    assert "Nothing came." in text_of(page)
    assert f'href="/private-photo/dispute/{photo.pk}/960.webp"' in html
    assert f'src="/private-photo/dispute/{photo.pk}/160.webp"' in html
    assert "/media/" not in html
    assert "Sokoni staff decide by" in text_of(page)


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("stranger", "orders:order_statement"),
        ("stranger", "orders:seller_statement"),
        ("stranger", "orders:dispute_statement"),
        ("seller", "orders:order_statement"),
        ("buyer", "orders:seller_statement"),
        ("buyer", "orders:dispute_statement"),
    ],
)
def test_only_the_parties_post_on_their_own_page(client, tasks, who, url):
    # given
    order = disputed_order(tasks)
    user = {"stranger": UserFactory(), "seller": order.shop.owner, "buyer": order.buyer}[who]
    client.force_login(user)
    # when
    response = client.post(reverse(url, args=[order.pk]), {"statement-text": "Me too"})
    # then
    assert response.status_code == 404
    assert statements() == [("buyer", "Nothing came.")]


def test_a_statement_form_answers_get_with_405(client, tasks):
    order = disputed_order(tasks)
    client.force_login(order.buyer)
    assert client.get(reverse("orders:order_statement", args=[order.pk])).status_code == 405


@pytest.mark.parametrize(
    ("text", "files", "error"),
    [
        ("", [], "This field is required."),
        ("x" * 20_000, [], "at most 2000 characters"),
        (f"Pay me {RLO}gnp.exe", [], "Remove the hidden control characters from the text."),
        ("See", [upload(f"{n}.png", png_bytes()) for n in range(4)], "Choose at most 3 photos."),
        ("See", [upload("fake.png", b"not an image at all")], "not a photo we can read"),
    ],
    ids=["empty", "20000", "rlo", "four-photos", "fake-photo"],
)
def test_bad_input_shows_an_error_and_stores_nothing(
    client,
    tasks,
    stored_files,  # noqa: F811
    text,
    files,
    error,
):
    # given
    order = disputed_order(tasks)
    client.force_login(order.buyer)
    # when
    response = client.post(
        reverse("orders:order_statement", args=[order.pk]),
        {"statement-text": text, "statement-photos": files},
    )
    # then
    assert response.status_code == 200
    assert error in text_of(response)
    assert statements() == [("buyer", "Nothing came.")]
    assert DisputePhoto.objects.count() == 0
    assert stored_files() == []


def test_an_oversized_photo_is_refused_on_the_page(client, tasks, settings, stored_files):  # noqa: F811
    # given
    settings.IMAGE_MAX_BYTES = 1_000
    order = disputed_order(tasks)
    client.force_login(order.shop.owner)
    # when
    response = client.post(
        reverse("orders:seller_statement", args=[order.pk]),
        {"statement-text": "See", "statement-photos": [upload("big.png", png_bytes(400, 400))]},
    )
    # then
    assert response.status_code == 200
    assert "too big" in text_of(response)
    assert statements() == [("buyer", "Nothing came.")]
    assert stored_files() == []


def test_a_script_tag_is_shown_as_text(client, tasks):
    # given
    order = disputed_order(tasks)
    dispute_add_statement(order=order, actor=order.buyer, text="<script>alert(1)</script>")
    # when
    pages = []
    for user, url in (
        (order.buyer, buyer_page(order)),
        (order.shop.owner, seller_page(order)),
        (StaffFactory(), reverse("orders:dispute_detail", args=[order.pk])),
    ):
        client.force_login(user)
        pages.append(client.get(url).content.decode())
    # then
    for html in pages:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "<script>alert(1)" not in html


def test_after_the_decision_both_pages_show_the_reason_and_no_form(client, tasks):
    # given
    order = disputed_order(tasks)
    dispute_decide(
        order=order, actor=StaffFactory(), decision="refund", note="The courier lost it."
    )
    # when
    client.force_login(order.buyer)
    buyer = client.get(buyer_page(order))
    refused = client.post(
        reverse("orders:order_statement", args=[order.pk]), {"statement-text": "Thanks"}
    )
    client.force_login(order.shop.owner)
    seller = client.get(seller_page(order))
    # then
    for page in (buyer, seller):
        assert "Decision: Refund the buyer in full." in text_of(page)
        assert "The courier lost it." in text_of(page)
        assert "statement-text" not in page.content.decode()
    assert refused.status_code == 302
    assert messages_of(refused) == ["This dispute is decided: nothing more can be added."]
    assert statements() == [("buyer", "Nothing came.")]


def test_staff_see_the_evidence_side_by_side_and_can_ask(client, tasks, stored_files):  # noqa: F811
    # given
    order = disputed_order(tasks)
    dispute_add_statement(
        order=order, actor=order.shop.owner, text="Sent by bus.", images=[png_bytes()]
    )
    dispute_add_statement(order=order, actor=order.buyer, text="Which bus?")
    staff = StaffFactory()
    client.force_login(staff)
    # when
    asked = client.post(
        reverse("orders:dispute_statement", args=[order.pk]),
        {"statement-text": "Please send the bus receipt."},
    )
    page = client.get(reverse("orders:dispute_detail", args=[order.pk]))
    # then
    assert asked.status_code == 302
    assert [s.text for s in page.context["buyer_statements"]] == ["Nothing came.", "Which bus?"]
    assert [s.text for s in page.context["seller_statements"]] == ["Sent by bus."]
    assert [s.text for s in page.context["staff_statements"]] == ["Please send the bus receipt."]
    html = page.content.decode()
    assert 'class="sides"' in html
    assert html.index("Which bus?") < html.index("Sent by bus.")  # buyer column, then seller
    [photo] = DisputePhoto.objects.all()
    assert f'href="/private-photo/dispute/{photo.pk}/960.webp"' in html
    assert "The seller has until" not in text_of(page)
    assert "Sokoni staff decide by" in text_of(page)


def test_the_staff_list_shows_escalated_disputes_first_with_the_reason(client, tasks):
    # given
    answered = disputed_order(tasks)
    silent = disputed_order(tasks)
    dispute_add_statement(order=answered, actor=answered.shop.owner, text="Sent.")
    dispute_escalate_due(now=Dispute.objects.get(order=silent).due_at + timedelta(seconds=1))
    client.force_login(StaffFactory())
    # when
    page = client.get(reverse("orders:disputes"))
    # then
    assert [o.pk for o in page.context["orders"]] == [silent.pk, answered.pk]
    assert "the seller did not answer in 3 days" in text_of(page)
    client.force_login(silent.buyer)
    buyer = client.get(buyer_page(silent))
    assert "Overdue (the seller did not answer in 3 days)" in text_of(buyer)
