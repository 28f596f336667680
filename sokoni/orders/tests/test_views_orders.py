"""The buyer's order pages: the list, the detail with its escrow in words, and the actions."""

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.models import Product
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.orders.models import Dispute, Order
from sokoni.orders.services.lifecycle import order_confirm_receipt, order_ship
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import paid_order, place, shipped_order
from sokoni.orders.tests.test_views import messages_of, text_of
from sokoni.payments.codes import escrow_for_order, wallet_of
from sokoni.payments.models import JournalTransaction
from sokoni.payments.selectors import account_balance

pytestmark = pytest.mark.django_db


def state_of(order):
    """What an action could change: status, dates, extension, money and the history."""
    order.refresh_from_db()
    return (
        order.status,
        order.auto_release_at,
        order.extended_days,
        order.released_minor,
        order.refunded_minor,
        order.events.count(),
        JournalTransaction.objects.count(),
        account_balance(code=escrow_for_order(order.pk), currency=order.currency),
    )


def test_order_list_shows_only_the_buyers_orders_and_filters_by_status(client, tasks):
    """Someone else's orders never appear; the status filter narrows the list."""
    # given
    buyer = UserFactory()
    paid = paid_order(tasks, buyer=buyer)
    waiting = place(buyer=buyer).orders.get()
    others = paid_order(tasks)
    client.force_login(buyer)
    # when
    everything = client.get(reverse("orders:order_list"))
    only_paid = client.get(reverse("orders:order_list"), {"status": "paid"})
    nonsense = client.get(reverse("orders:order_list"), {"status": "nonsense"})
    # then
    assert everything.status_code == 200
    assert [o.pk for o in everything.context["page"].object_list] == [waiting.pk, paid.pk]
    assert [o.pk for o in only_paid.context["page"].object_list] == [paid.pk]
    assert [o.pk for o in nonsense.context["page"].object_list] == [waiting.pk, paid.pk]
    assert others.number not in everything.content.decode()
    assert reverse("orders:checkout_pay", args=[waiting.checkout_id]) in everything.content.decode()


def test_order_pages_need_login(client):
    response = client.get(reverse("orders:order_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_shipped_order_says_where_the_money_is_and_when_it_is_released(client, tasks):
    """The escrow in plain words, the lines, delivery, tracking and the history."""
    # given
    order = shipped_order(tasks)
    client.force_login(order.buyer)
    # when
    page = client.get(reverse("orders:order_detail", args=[order.pk]))
    # then
    text = text_of(page)
    date = date_format(order.auto_release_at, "DATE_FORMAT")
    assert page.status_code == 200
    assert (
        "Your money is held by Sokoni. The seller gets it when you confirm you received the "
        f"goods, or automatically on {date}." in text
    )
    assert "Tracking reference KE-TRACK-1" in text
    assert "Recipient Grace Wanjiru, +254 722 000111" in text
    assert "Delivery address Box 12, Othaya" in text
    assert "Goods KES2,500.00 Delivery Free Total KES2,500.00" in text
    assert "Paid, money held in escrow → Shipped, money held until received" in text
    assert "I received the goods" in text
    assert "Wait longer before the release" in text
    assert "open a dispute" in text
    assert "Cancel the order" not in text


def test_another_buyers_order_is_not_found_and_its_actions_change_nothing(client, tasks):
    """Every page and action of someone else's order answers 404 and changes nothing."""
    # given
    order = shipped_order(tasks)
    before = state_of(order)
    client.force_login(UserFactory())
    # when
    answers = [
        client.get(reverse("orders:order_detail", args=[order.pk])).status_code,
        client.post(reverse("orders:order_confirm", args=[order.pk])).status_code,
        client.post(reverse("orders:order_cancel", args=[order.pk])).status_code,
        client.post(reverse("orders:order_extend", args=[order.pk]), {"days": "5"}).status_code,
        client.post(
            reverse("orders:order_dispute", args=[order.pk]),
            {"dispute-reason": "damaged", "dispute-details": "Broken"},
        ).status_code,
        client.get(reverse("orders:order_detail", args=[2**63])).status_code,
    ]
    # then
    assert answers == [404] * 6
    assert state_of(order) == before


def test_confirming_receipt_releases_the_money_once(client, tasks):
    """The first confirmation pays the seller; the second is refused and moves nothing."""
    # given
    order = shipped_order(tasks)
    seller = order.shop.owner_id
    client.force_login(order.buyer)
    # when
    first = client.post(reverse("orders:order_confirm", args=[order.pk]))
    after_first = state_of(order)
    second = client.post(reverse("orders:order_confirm", args=[order.pk]))
    # then
    assert first["Location"] == reverse("orders:order_detail", args=[order.pk])
    assert messages_of(first) == ["Thank you. The money is released to the seller."]
    assert messages_of(second) == ["This cannot be done to the order in its present state."]
    assert order.status == OrderStatus.COMPLETED
    assert account_balance(code=wallet_of(seller), currency="KES") == 237_500
    assert state_of(order) == after_first
    page = client.get(reverse("orders:order_detail", args=[order.pk]))
    assert "Received. Sokoni released KES2,500.00 to the seller." in text_of(page)
    assert "I received the goods" not in text_of(page)


def test_confirm_answers_only_post(client, tasks):
    order = shipped_order(tasks)
    client.force_login(order.buyer)
    response = client.get(reverse("orders:order_confirm", args=[order.pk]))
    assert response.status_code == 405
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED


def test_buyer_extends_the_release_once(client, tasks):
    """Five more days move the release date; a second extension is refused."""
    # given
    order = shipped_order(tasks)
    release_at = order.auto_release_at
    client.force_login(order.buyer)
    # when
    first = client.post(reverse("orders:order_extend", args=[order.pk]), {"days": "5"})
    after_first = state_of(order)
    second = client.post(reverse("orders:order_extend", args=[order.pk]), {"days": "3"})
    # then
    assert messages_of(first) == ["The automatic release is postponed."]
    assert messages_of(second) == ["The release date can be extended only once."]
    assert (order.extended_days, order.auto_release_at) == (
        5,
        release_at + timezone.timedelta(days=5),
    )
    assert state_of(order) == after_first
    page = client.get(reverse("orders:order_detail", args=[order.pk]))
    assert "You extended the time by 5 days." in text_of(page)
    assert "Wait longer before the release" not in text_of(page)


@pytest.mark.parametrize("days", ["4", "", "ten", "-3"])
def test_extension_by_other_than_3_5_7_or_10_days_is_refused(client, tasks, days):
    # given
    order = shipped_order(tasks)
    before = state_of(order)
    client.force_login(order.buyer)
    # when
    response = client.post(reverse("orders:order_extend", args=[order.pk]), {"days": days})
    # then
    assert messages_of(response) == ["Choose 3, 5, 7 or 10 days."]
    assert state_of(order) == before


def test_buyer_opens_a_dispute_which_freezes_the_money(client, tasks):
    """A dispute with a reason and details; the page then says the money is frozen."""
    # given
    order = shipped_order(tasks)
    client.force_login(order.buyer)
    # when
    response = client.post(
        reverse("orders:order_dispute", args=[order.pk]),
        {"dispute-reason": "damaged", "dispute-details": "The pot arrived in pieces."},
    )
    # then
    order.refresh_from_db()
    dispute = Dispute.objects.get()
    assert response.status_code == 302
    assert order.status == OrderStatus.DISPUTED
    assert (dispute.reason, dispute.details, dispute.opened_by) == (
        "damaged",
        "The pot arrived in pieces.",
        order.buyer,
    )
    assert account_balance(code=escrow_for_order(order.pk), currency="KES") == 250_000
    page = client.get(reverse("orders:order_detail", args=[order.pk]))
    assert "The money is frozen until Sokoni staff decide" in text_of(page)
    assert "Arrived damaged" in text_of(page)
    assert "The pot arrived in pieces." in text_of(page)


def test_dispute_without_details_is_a_form_error_and_changes_nothing(client, tasks):
    """The form comes back with the error and the reason kept."""
    # given
    order = shipped_order(tasks)
    before = state_of(order)
    client.force_login(order.buyer)
    # when
    response = client.post(
        reverse("orders:order_dispute", args=[order.pk]),
        {"dispute-reason": "not_received", "dispute-details": "  "},
    )
    # then
    assert response.status_code == 200
    assert response.context["dispute_form"].errors["details"] == ["This field is required."]
    assert "<details open>" in response.content.decode()
    assert state_of(order) == before
    assert Dispute.objects.count() == 0


def test_dispute_on_a_completed_order_is_refused(client, tasks):
    """Once released, a dispute can no longer be opened."""
    # given
    order = shipped_order(tasks)
    order_confirm_receipt(order=order, actor=order.buyer)
    before = state_of(order)
    client.force_login(order.buyer)
    # when
    response = client.post(
        reverse("orders:order_dispute", args=[order.pk]),
        {"dispute-reason": "damaged", "dispute-details": "Too late"},
    )
    # then
    assert messages_of(response) == ["This cannot be done to the order in its present state."]
    assert state_of(order) == before


def test_buyer_cancels_a_paid_order_and_is_refunded(client, tasks):
    """Before shipping, cancelling refunds in full and returns the stock."""
    # given
    product = ProductFactory(stock=5)
    order = paid_order(tasks, lines=[(product, 2)])
    client.force_login(order.buyer)
    # when
    response = client.post(reverse("orders:order_cancel", args=[order.pk]))
    # then
    order.refresh_from_db()
    assert messages_of(response) == ["The order is cancelled. Any money paid is refunded to you."]
    assert (order.status, order.refunded_minor) == (OrderStatus.REFUNDED, 250_000)
    assert account_balance(code=escrow_for_order(order.pk), currency="KES") == 0
    assert Product.objects.get(pk=product.pk).stock == 5
    page = client.get(reverse("orders:order_detail", args=[order.pk]))
    assert "Refunded: KES2,500.00 went back to where you paid from." in text_of(page)


def test_shipped_order_cannot_be_cancelled(client, tasks):
    # given
    order = shipped_order(tasks)
    before = state_of(order)
    client.force_login(order.buyer)
    # when
    response = client.post(reverse("orders:order_cancel", args=[order.pk]))
    # then
    assert messages_of(response) == ["This cannot be done to the order in its present state."]
    assert state_of(order) == before


def test_unpaid_order_points_to_the_pay_page(client):
    """An order waiting for payment says nothing was paid and links to paying."""
    # given
    order = place().orders.get()
    client.force_login(order.buyer)
    # when
    page = client.get(reverse("orders:order_detail", args=[order.pk]))
    # then
    assert "Nothing has been paid yet." in text_of(page)
    assert reverse("orders:checkout_pay", args=[order.checkout_id]) in page.content.decode()


def test_history_names_who_did_what_and_why(client, tasks):
    """Each event shows its time, the move, who made it and why."""
    # given
    order = paid_order(tasks)
    order_ship(order=order, actor=order.shop.owner, tracking_ref="Bus parcel 7781")
    client.force_login(order.buyer)
    # when
    page = client.get(reverse("orders:order_detail", args=[order.pk]))
    # then
    text = text_of(page)
    owner = order.shop.owner.name
    assert f"by {order.buyer.name}" in text
    assert f"by {owner} · Bus parcel 7781" in text
    assert [row.to_label for row in page.context["history"]] == [
        "Waiting for payment",
        "Paid, money held in escrow",
        "Shipped, money held until received",
    ]


def test_order_detail_page_stays_small(client, tasks):
    """An order page fits in 14 KB gzipped."""
    import gzip

    order = shipped_order(tasks)
    client.force_login(order.buyer)
    page = client.get(reverse("orders:order_detail", args=[order.pk]))
    assert len(gzip.compress(page.content)) <= 14 * 1024


def test_order_count_on_the_list_matches_the_database(client, tasks):
    """Thirty orders are paged by 25."""
    # given
    buyer = UserFactory()
    product = ProductFactory(stock=100)
    for _ in range(30):
        place(buyer=buyer, lines=[(product, 1)])
    client.force_login(buyer)
    # when
    first = client.get(reverse("orders:order_list"))
    second = client.get(reverse("orders:order_list"), {"page": "2"})
    # then
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert Order.objects.filter(buyer=buyer).count() == 30
