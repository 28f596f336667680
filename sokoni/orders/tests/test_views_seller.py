"""The seller's order pages (list, packing slip, ship, cancel, refund) and the wallet."""

import pytest
from django.urls import reverse

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.tests.factories import ProductFactory, ShopFactory
from sokoni.orders.services.lifecycle import order_confirm_receipt, order_dispute_open
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import paid_order, place, shipped_order
from sokoni.orders.tests.test_views import messages_of, text_of
from sokoni.payments.codes import escrow_for_order, wallet_of
from sokoni.payments.models import JournalTransaction, Payout
from sokoni.payments.selectors import account_balance
from sokoni.payments.states import PayoutStatus
from sokoni.villages.tests.factories import ServiceCentreFactory

pytestmark = pytest.mark.django_db


def state_of(order):
    order.refresh_from_db()
    return (
        order.status,
        order.tracking_ref,
        order.shipped_at,
        order.refunded_minor,
        order.events.count(),
        JournalTransaction.objects.count(),
        account_balance(code=escrow_for_order(order.pk), currency=order.currency),
    )


def test_seller_sees_the_paid_orders_of_own_shops_only(client, tasks):
    """Unpaid orders and other shops' orders are not listed; status and shop filters work."""
    # given
    seller = UserFactory()
    honey = ShopFactory(owner=seller, name="Aberdare Honey")
    tea = ShopFactory(owner=seller, name="Othaya Tea")
    from_honey = paid_order(tasks, lines=[(ProductFactory(shop=honey), 1)])
    from_tea = shipped_order(tasks, lines=[(ProductFactory(shop=tea), 1)])
    place(lines=[(ProductFactory(shop=honey), 1)])  # not paid: not the seller's business yet
    elsewhere = paid_order(tasks)
    client.force_login(seller)
    # when
    everything = client.get(reverse("orders:seller_orders"))
    shipped = client.get(reverse("orders:seller_orders"), {"status": "shipped"})
    only_honey = client.get(reverse("orders:seller_orders"), {"shop": str(honey.pk)})
    # then
    listed = [o.pk for o in everything.context["page"].object_list]
    assert listed == [from_tea.pk, from_honey.pk]
    assert [o.pk for o in shipped.context["page"].object_list] == [from_tea.pk]
    assert [o.pk for o in only_honey.context["page"].object_list] == [from_honey.pk]
    assert elsewhere.number not in everything.content.decode()
    assert '<select name="shop"' in everything.content.decode()


def test_seller_with_one_shop_gets_no_shop_filter(client, tasks):
    order = paid_order(tasks)
    client.force_login(order.shop.owner)
    page = client.get(reverse("orders:seller_orders"))
    assert [o.pk for o in page.context["page"].object_list] == [order.pk]
    assert 'name="shop"' not in page.content.decode()


def test_packing_slip_shows_lines_recipient_and_pickup_centre(client, tasks):
    """The seller sees what to pack and where it goes."""
    # given
    centre = ServiceCentreFactory(name="Othaya market centre", hours="Mon-Sat 8:00-18:00")
    order = paid_order(
        tasks,
        method="pickup",
        service_centre_id=centre.pk,
        recipient_name="Mama Atieno",
        address="",
    )
    client.force_login(order.shop.owner)
    # when
    page = client.get(reverse("orders:seller_order", args=[order.pk]))
    # then
    text = text_of(page)
    assert page.status_code == 200
    assert "Recipient Mama Atieno, +254 722 000111" in text
    assert f"Pickup at Othaya market centre, {centre.village.name}" in text
    assert "Mon-Sat 8:00-18:00" in text
    line = order.lines.get()
    assert f"{line.name} 2 KES1,250.00 KES2,500.00" in text
    assert "Mark as shipped" in text


def test_seller_marks_an_order_shipped(client, tasks):
    """The tracking reference is stored and the release clock starts."""
    # given
    order = paid_order(tasks)
    client.force_login(order.shop.owner)
    # when
    response = client.post(
        reverse("orders:seller_ship", args=[order.pk]), {"tracking_ref": "  KE-77  81 "}
    )
    # then
    order.refresh_from_db()
    assert response["Location"] == reverse("orders:seller_order", args=[order.pk])
    assert messages_of(response) == ["Marked as shipped. The buyer is told to expect the parcel."]
    assert (order.status, order.tracking_ref) == (OrderStatus.SHIPPED, "KE-77 81")
    assert order.auto_release_at is not None


def test_shipping_without_a_tracking_reference_is_a_form_error(client, tasks):
    # given
    order = paid_order(tasks)
    before = state_of(order)
    client.force_login(order.shop.owner)
    # when
    response = client.post(reverse("orders:seller_ship", args=[order.pk]), {"tracking_ref": ""})
    # then
    assert response.status_code == 200
    assert response.context["ship_form"].errors["tracking_ref"] == ["This field is required."]
    assert state_of(order) == before


def test_shipping_twice_is_refused(client, tasks):
    # given
    order = shipped_order(tasks)
    before = state_of(order)
    client.force_login(order.shop.owner)
    # when
    response = client.post(
        reverse("orders:seller_ship", args=[order.pk]), {"tracking_ref": "Another"}
    )
    # then
    assert messages_of(response) == ["This cannot be done to the order in its present state."]
    assert state_of(order) == before


def test_another_sellers_order_is_not_found_and_nothing_changes(client, tasks):
    """A seller acting on another shop's order gets 404 everywhere."""
    # given
    order = paid_order(tasks)
    before = state_of(order)
    client.force_login(ShopFactory().owner)
    # when
    answers = [
        client.get(reverse("orders:seller_order", args=[order.pk])).status_code,
        client.post(
            reverse("orders:seller_ship", args=[order.pk]), {"tracking_ref": "X1"}
        ).status_code,
        client.post(reverse("orders:seller_cancel", args=[order.pk])).status_code,
        client.post(reverse("orders:seller_refund", args=[order.pk])).status_code,
    ]
    # then
    assert answers == [404, 404, 404, 404]
    assert state_of(order) == before


def test_unpaid_order_is_not_shown_to_the_seller(client):
    order = place().orders.get()
    client.force_login(order.shop.owner)
    response = client.get(reverse("orders:seller_order", args=[order.pk]))
    assert response.status_code == 404


def test_seller_cancels_a_paid_order_and_the_buyer_is_refunded(client, tasks):
    # given
    order = paid_order(tasks)
    client.force_login(order.shop.owner)
    # when
    response = client.post(reverse("orders:seller_cancel", args=[order.pk]))
    # then
    order.refresh_from_db()
    assert messages_of(response) == ["The order is cancelled and the buyer refunded in full."]
    assert (order.status, order.refunded_minor) == (OrderStatus.REFUNDED, 250_000)
    assert account_balance(code=escrow_for_order(order.pk), currency="KES") == 0


def test_seller_agrees_to_refund_a_disputed_order(client, tasks):
    # given
    order = shipped_order(tasks)
    order_dispute_open(order=order, actor=order.buyer, reason="damaged", details="Broken lid")
    client.force_login(order.shop.owner)
    page = client.get(reverse("orders:seller_order", args=[order.pk]))
    # when
    response = client.post(reverse("orders:seller_refund", args=[order.pk]))
    # then
    order.refresh_from_db()
    assert "Arrived damaged" in text_of(page)
    assert "Broken lid" in text_of(page)
    assert "Agree to refund the buyer" in text_of(page)
    assert messages_of(response) == ["You agreed to refund: the buyer gets the money back."]
    assert order.status == OrderStatus.REFUNDED
    assert order.dispute.decision == "refund"
    assert account_balance(code=escrow_for_order(order.pk), currency="KES") == 0


def test_refund_of_an_order_not_disputed_is_refused(client, tasks):
    # given
    order = paid_order(tasks)
    before = state_of(order)
    client.force_login(order.shop.owner)
    # when
    response = client.post(reverse("orders:seller_refund", args=[order.pk]))
    # then
    assert messages_of(response) == ["This cannot be done to the order in its present state."]
    assert state_of(order) == before


# -- the wallet -------------------------------------------------------------------------------


def wallet_state(user):
    return (
        account_balance(code=wallet_of(user.pk), currency="KES"),
        Payout.objects.count(),
        JournalTransaction.objects.count(),
    )


def completed_order(tasks):
    order = shipped_order(tasks)
    return order_confirm_receipt(order=order, actor=order.buyer)


def test_wallet_shows_balance_and_every_movement(client, tasks):
    """After a release the wallet holds the total less commission, with the movement listed."""
    # given
    order = completed_order(tasks)
    seller = order.shop.owner
    client.force_login(seller)
    # when
    page = client.get(reverse("orders:wallet"))
    # then
    text = text_of(page)
    assert page.status_code == 200
    assert page.context["balances"] == [("KES", 237_500)]
    assert f"Order {order.number}: money released to you +KES2,375.00" in text
    assert f'value="{seller.phone[:4]}' in page.content.decode()  # the phone is offered


def test_seller_requests_a_payout_to_their_phone(client, tasks):
    """The amount leaves the wallet at once; the sandbox sends it through the task queue."""
    # given
    seller = completed_order(tasks).shop.owner
    client.force_login(seller)
    # when
    response = client.post(
        reverse("orders:wallet"),
        {"currency": "KES", "amount": "1,000.50", "phone": "0712 345 678"},
    )
    tasks.run()
    # then
    payout = Payout.objects.get()
    assert response["Location"] == reverse("orders:wallet")
    assert messages_of(response) == [
        "Payout requested: KES1,000.50 to +254 712 345678. It arrives in a few minutes."
    ]
    assert (payout.amount_minor, payout.currency, payout.phone) == (100_050, "KES", "+254712345678")
    assert account_balance(code=wallet_of(seller.pk), currency="KES") == 137_450
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID
    page = client.get(reverse("orders:wallet"))
    assert "KES1,000.50 +254 712 345678 Sent" in text_of(page)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"amount": "5000", "phone": "0712345678"},
            "amount",
            "The wallet holds less than this amount.",
        ),
        ({"amount": "0", "phone": "0712345678"}, "amount", "Enter an amount above zero."),
        ({"amount": "abc", "phone": "0712345678"}, "amount", "Enter a number, such as 12.50."),
        ({"amount": "-5", "phone": "0712345678"}, "amount", "Enter a price of zero or more."),
        (
            {"amount": "1.001", "phone": "0712345678"},
            "amount",
            "Prices in KES have at most 2 decimal places.",
        ),
        (
            {"amount": "10", "phone": "12"},
            "phone",
            "Enter a valid phone number, such as +254 712 345 678.",
        ),
        ({"amount": "10", "phone": "0712345678", "currency": "EUR"}, "currency", None),
    ],
)
def test_bad_payout_requests_are_form_errors_and_move_nothing(client, tasks, data, field, message):
    # given
    seller = completed_order(tasks).shop.owner
    before = wallet_state(seller)
    client.force_login(seller)
    # when
    response = client.post(reverse("orders:wallet"), {"currency": "KES", **data})
    # then
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert wallet_state(seller) == before


def test_empty_wallet_offers_no_payout(client):
    client.force_login(UserFactory())
    page = client.get(reverse("orders:wallet"))
    assert "Your wallet is empty." in text_of(page)
    assert 'name="amount"' not in page.content.decode()


def test_seller_pages_need_login(client):
    for name in ("orders:seller_orders", "orders:wallet"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_seller_home_links_to_orders_and_wallet(client):
    shop = ShopFactory()
    client.force_login(shop.owner)
    html = client.get(reverse("catalog:seller_home")).content.decode()
    assert reverse("orders:seller_orders") in html
    assert reverse("orders:wallet") in html
