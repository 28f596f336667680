"""Staff deciding disputes, and the service-centre operator's cash desk."""

import pytest
from django.urls import reverse

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.orders.models import Dispute
from sokoni.orders.services.checkout import checkout_pay
from sokoni.orders.services.lifecycle import order_dispute_open
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import paid_order, place, shipped_order
from sokoni.orders.tests.test_views import messages_of, text_of
from sokoni.payments.codes import escrow_for_order, wallet_of
from sokoni.payments.models import JournalTransaction, PaymentIntent
from sokoni.payments.selectors import account_balance
from sokoni.payments.states import PaymentMethod, PaymentStatus
from sokoni.villages.tests.factories import ServiceCentreFactory

pytestmark = pytest.mark.django_db


def disputed_order(tasks):
    order = shipped_order(tasks)
    order_dispute_open(
        order=order, actor=order.buyer, reason="not_as_described", details="Plastic, not clay."
    )
    order.refresh_from_db()
    return order


def state_of(order):
    order.refresh_from_db()
    dispute = Dispute.objects.get(order=order)
    return (
        order.status,
        order.released_minor,
        order.refunded_minor,
        dispute.decision,
        order.events.count(),
        JournalTransaction.objects.count(),
        account_balance(code=escrow_for_order(order.pk), currency=order.currency),
    )


def test_disputes_are_hidden_from_everyone_but_staff(client, tasks):
    """Buyers, sellers and other users get 404; nothing is decided."""
    # given
    order = disputed_order(tasks)
    before = state_of(order)
    # when
    answers = []
    for user in (order.buyer, order.shop.owner, UserFactory()):
        client.force_login(user)
        answers += [
            client.get(reverse("orders:disputes")).status_code,
            client.get(reverse("orders:dispute_detail", args=[order.pk])).status_code,
            client.post(
                reverse("orders:dispute_detail", args=[order.pk]),
                {"decision": "refund", "note": "Mine now"},
            ).status_code,
        ]
    # then
    assert answers == [404] * 9
    assert state_of(order) == before


def test_anonymous_visitors_are_asked_to_log_in(client):
    response = client.get(reverse("orders:disputes"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_staff_see_open_disputes_oldest_first(client, tasks):
    # given
    first, second = disputed_order(tasks), disputed_order(tasks)
    paid_order(tasks)  # not disputed
    client.force_login(StaffFactory())
    # when
    page = client.get(reverse("orders:disputes"))
    detail = client.get(reverse("orders:dispute_detail", args=[first.pk]))
    # then
    assert [o.pk for o in page.context["orders"]] == [first.pk, second.pk]
    assert "Not as described" in text_of(page)
    assert [s.text for s in detail.context["buyer_statements"]] == ["Plastic, not clay."]
    assert "Plastic, not clay." in text_of(detail)
    assert "Decide" in text_of(detail)


def test_order_without_a_dispute_has_no_dispute_page(client, tasks):
    order = paid_order(tasks)
    client.force_login(StaffFactory())
    response = client.get(reverse("orders:dispute_detail", args=[order.pk]))
    assert response.status_code == 404


def test_staff_release_a_disputed_order_to_the_seller(client, tasks):
    # given
    order = disputed_order(tasks)
    client.force_login(StaffFactory())
    # when
    response = client.post(
        reverse("orders:dispute_detail", args=[order.pk]),
        {"decision": "release", "note": "The photos show clay."},
    )
    # then
    order.refresh_from_db()
    assert response["Location"] == reverse("orders:dispute_detail", args=[order.pk])
    assert messages_of(response) == ["Decided. The money has moved as you decided."]
    assert (order.status, order.released_minor) == (OrderStatus.COMPLETED, 250_000)
    assert account_balance(code=wallet_of(order.shop.owner_id), currency="KES") == 237_500
    assert order.dispute.note == "The photos show clay."
    page = client.get(reverse("orders:dispute_detail", args=[order.pk]))
    assert "Release the money to the seller" in text_of(page)
    assert 'name="note"' not in page.content.decode()


def test_staff_refund_the_buyer(client, tasks):
    order = disputed_order(tasks)
    client.force_login(StaffFactory())
    client.post(
        reverse("orders:dispute_detail", args=[order.pk]),
        {"decision": "refund", "note": "Not as described."},
    )
    order.refresh_from_db()
    assert (order.status, order.refunded_minor) == (OrderStatus.REFUNDED, 250_000)
    assert account_balance(code=escrow_for_order(order.pk), currency="KES") == 0


def test_staff_share_the_money(client, tasks):
    """A share typed in the order's currency goes to the buyer; the rest to the seller."""
    # given
    order = disputed_order(tasks)
    client.force_login(StaffFactory())
    # when
    client.post(
        reverse("orders:dispute_detail", args=[order.pk]),
        {"decision": "split", "buyer_share": "1000", "note": "Half the pots broke."},
    )
    # then
    order.refresh_from_db()
    assert (order.status, order.refunded_minor, order.released_minor) == (
        OrderStatus.SETTLED,
        100_000,
        150_000,
    )
    assert order.dispute.buyer_share_minor == 100_000
    assert account_balance(code=escrow_for_order(order.pk), currency="KES") == 0


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"decision": "release", "note": ""}, "note", "This field is required."),
        ({"decision": "split", "note": "Half"}, "buyer_share", "Enter the buyer's share."),
        (
            {"decision": "split", "buyer_share": "2500", "note": "All"},
            "buyer_share",
            "The buyer's share must be more than zero and less than the order total.",
        ),
        (
            {"decision": "split", "buyer_share": "0", "note": "None"},
            "buyer_share",
            "The buyer's share must be more than zero and less than the order total.",
        ),
        (
            {"decision": "split", "buyer_share": "ten", "note": "?"},
            "buyer_share",
            "Enter a number, such as 12.50.",
        ),
        ({"decision": "keep", "note": "?"}, "decision", None),
    ],
)
def test_bad_decisions_are_form_errors_and_move_nothing(client, tasks, data, field, message):
    # given
    order = disputed_order(tasks)
    before = state_of(order)
    client.force_login(StaffFactory())
    # when
    response = client.post(reverse("orders:dispute_detail", args=[order.pk]), data)
    # then
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert state_of(order) == before


def test_a_dispute_cannot_be_decided_twice(client, tasks):
    # given
    order = disputed_order(tasks)
    client.force_login(StaffFactory())
    client.post(
        reverse("orders:dispute_detail", args=[order.pk]), {"decision": "refund", "note": "Once"}
    )
    before = state_of(order)
    # when
    response = client.post(
        reverse("orders:dispute_detail", args=[order.pk]), {"decision": "release", "note": "Twice"}
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This cannot be done to the order in its present state."
    ]
    assert "This cannot be done to the order in its present state." in text_of(response)
    assert state_of(order) == before


# -- the cash desk ----------------------------------------------------------------------------


def cash_checkout(centre):
    checkout = place()
    intent = checkout_pay(
        checkout=checkout, actor=checkout.buyer, method=PaymentMethod.CASH, centre_id=centre.pk
    )
    return checkout, intent


def test_only_operators_of_a_centre_have_a_cash_desk(client):
    """Anyone who runs no centre gets 404; staff included."""
    for user in (UserFactory(), StaffFactory()):
        client.force_login(user)
        assert client.get(reverse("orders:agent_cash")).status_code == 404
        assert client.post(reverse("orders:agent_cash")).status_code == 404


def test_operator_sees_cash_waiting_at_own_centres_only(client):
    # given
    centre = ServiceCentreFactory(name="Othaya market centre")
    _checkout, mine = cash_checkout(centre)
    _other, theirs = cash_checkout(ServiceCentreFactory())
    client.force_login(centre.operator)
    # when
    page = client.get(reverse("orders:agent_cash"))
    # then
    assert [i.pk for i in page.context["due"]] == [mine.pk]
    assert f"{mine.reference} KES2,500.00" in text_of(page)
    assert theirs.reference not in page.content.decode()


def test_operator_confirms_the_cash_and_the_order_is_paid(client):
    """The exact amount against the reference pays the orders; the cash sits in the float."""
    # given
    centre = ServiceCentreFactory()
    checkout, intent = cash_checkout(centre)
    client.force_login(centre.operator)
    # when
    response = client.post(
        reverse("orders:agent_cash"),
        {
            "reference": intent.reference.lower()[:5] + " " + intent.reference.lower()[5:],
            "amount": "2500",
        },
    )
    # then
    intent.refresh_from_db()
    assert messages_of(response) == [
        f"Cash received: KES2,500.00 for {intent.reference}. The order is paid."
    ]
    assert intent.status == PaymentStatus.SUCCEEDED
    assert checkout.orders.get().status == OrderStatus.PAID
    assert account_balance(code=f"float:agent:{centre.operator_id}", currency="KES") == -250_000


@pytest.mark.parametrize(
    ("reference", "amount", "field", "message"),
    [
        (None, "2000", "amount", "The cash taken must be exactly the amount due."),
        (None, "lots", "amount", "Enter a number, such as 12.50."),
        ("SKNOPE2345", "2500", "reference", "There is no payment with this reference."),
    ],
)
def test_wrong_cash_confirmations_change_nothing(client, reference, amount, field, message):
    # given
    centre = ServiceCentreFactory()
    checkout, intent = cash_checkout(centre)
    client.force_login(centre.operator)
    # when
    response = client.post(
        reverse("orders:agent_cash"), {"reference": reference or intent.reference, "amount": amount}
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    intent.refresh_from_db()
    assert intent.status == PaymentStatus.PENDING
    assert checkout.orders.get().status == OrderStatus.PENDING_PAYMENT
    assert JournalTransaction.objects.count() == 0


def test_operator_cannot_confirm_cash_due_at_another_centre(client):
    # given
    mine = ServiceCentreFactory()
    _checkout, theirs = cash_checkout(ServiceCentreFactory())
    client.force_login(mine.operator)
    # when
    response = client.post(
        reverse("orders:agent_cash"), {"reference": theirs.reference, "amount": "2500"}
    )
    # then
    assert response.context["form"].errors["reference"] == [
        "There is no payment with this reference."
    ]
    assert PaymentIntent.objects.get(pk=theirs.pk).status == PaymentStatus.PENDING
