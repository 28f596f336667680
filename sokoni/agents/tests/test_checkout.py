"""Assisted orders: a cart kept for the villager in the operator's session, checkout for pickup
at the centre, and payment in cash (from the operator's float into escrow) or mobile money."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from sokoni.agents.selectors import float_account_code
from sokoni.agents.services import SESSION_KEY
from sokoni.agents.tests.conftest import cart_of, messages_of, text_of
from sokoni.catalog.models import Product
from sokoni.messaging.models import OutboundSms
from sokoni.orders.models import CartItem, Checkout
from sokoni.orders.states import DeliveryMethod, OrderStatus
from sokoni.orders.tests.factories import balance, world
from sokoni.payments.codes import escrow_for_order
from sokoni.payments.models import PaymentIntent
from sokoni.payments.selectors import ledger_problems
from sokoni.payments.states import PaymentMethod, PaymentStatus

pytestmark = pytest.mark.django_db

KEY = "form-key-0123456789abcdef"


def add(client, c, product, quantity=1):
    return client.post(
        reverse("agents:cart_add", args=[c.villager.pk]),
        {"product_id": product.pk, "quantity": quantity},
    )


def check_out(client, c, method="cash", key=KEY):
    return client.post(
        reverse("agents:checkout", args=[c.villager.pk]), {"key": key, "method": method}
    )


def test_catalogue_search_finds_products_to_add(client, counter):
    # given
    client.force_login(counter.operator)
    # when
    page = client.get(reverse("agents:cart", args=[counter.villager.pk]), {"q": "purple"})
    everything = client.get(reverse("agents:cart", args=[counter.villager.pk]))
    # then
    assert [p.pk for p in page.context["result"].items] == [counter.tea.pk]
    assert {p.pk for p in everything.context["result"].items} == {
        counter.honey.pk,
        counter.tea.pk,
    }


def test_the_assisted_cart_lives_in_the_operators_session_per_villager(client, counter):
    """Adding, changing and removing lines never touches the villager's own cart."""
    # given
    client.force_login(counter.operator)
    # when
    add(client, counter, counter.honey, 2)
    add(client, counter, counter.honey, 1)
    add(client, counter, counter.tea, 1)
    client.post(
        reverse("agents:cart_update", args=[counter.villager.pk]),
        {"product_id": counter.tea.pk, "quantity": 4},
    )
    response = client.post(
        reverse("agents:cart_remove", args=[counter.villager.pk]), {"product_id": counter.honey.pk}
    )
    # then
    assert messages_of(response) == ["Removed from the cart."]
    assert cart_of(client.session, counter.villager) == {counter.tea.pk: 4}
    assert set(client.session[SESSION_KEY]) == {str(counter.villager.pk)}
    assert CartItem.objects.count() == 0


def test_more_than_the_stock_is_refused_and_changes_nothing(client, counter):
    # given
    client.force_login(counter.operator)
    add(client, counter, counter.honey, 8)
    # when
    response = add(client, counter, counter.honey, 3)
    # then
    assert messages_of(response) == ["Only 10 of Forest honey 500 g left in stock."]
    assert cart_of(client.session, counter.villager) == {counter.honey.pk: 8}


def test_cash_checkout_places_a_pickup_order_and_the_cash_moves_float_to_escrow(client, counter):
    """Check out with cash, take the exact cash: the order is paid from the operator's float."""
    # given
    client.force_login(counter.operator)
    add(client, counter, counter.honey, 2)
    # when
    response = check_out(client, counter)
    # then: one checkout, placed by the operator for pickup at the villager's centre
    checkout = Checkout.objects.get()
    assert response["Location"] == reverse("agents:checkout_detail", args=[checkout.pk])
    assert (checkout.buyer, checkout.placed_by, checkout.agent_commission_bp) == (
        counter.villager,
        counter.operator,
        200,
    )
    assert checkout.delivery_method == DeliveryMethod.PICKUP
    assert checkout.service_centre_id == counter.centre.pk
    assert (checkout.recipient_name, checkout.recipient_phone) == ("Mama Atieno", "+254712345678")
    assert (checkout.currency, checkout.total_minor) == ("KES", 150_000)
    intent = PaymentIntent.objects.get()
    assert (intent.method, intent.status, intent.collector) == (
        PaymentMethod.CASH,
        PaymentStatus.PENDING,
        counter.operator,
    )
    assert cart_of(client.session, counter.villager) == {}
    assert OutboundSms.objects.filter(to="+254712345678", dedupe_key__contains="placed").exists()
    page = client.get(response["Location"])
    assert "Take KES1,500.00 in cash from the villager" in text_of(page)
    # when: the operator takes the cash and confirms it
    response = client.post(response["Location"], {"amount": "1,500"})
    # then
    assert messages_of(response) == [
        "Cash received: KES1,500.00. The order is paid and held by Sokoni."
    ]
    intent.refresh_from_db()
    order = checkout.orders.get()
    assert intent.status == PaymentStatus.SUCCEEDED
    assert order.status == OrderStatus.PAID
    assert balance(float_account_code(counter.operator.pk)) == -150_000
    assert balance(escrow_for_order(order.pk)) == 150_000
    assert ledger_problems() == []
    page = text_of(client.get(response["Location"]))
    assert "Your cash float -KES1,500.00" in page
    assert f"Held by Sokoni for order {order.number} +KES1,500.00" in page


def test_wrong_cash_amount_is_a_form_error_and_moves_no_money(client, counter):
    # given
    client.force_login(counter.operator)
    add(client, counter, counter.honey, 2)
    check_out(client, counter)
    checkout = Checkout.objects.get()
    before = world()
    # when
    page = client.post(reverse("agents:checkout_detail", args=[checkout.pk]), {"amount": "1400"})
    bad = client.post(reverse("agents:checkout_detail", args=[checkout.pk]), {"amount": "lots"})
    # then
    assert page.context["cash"].errors["amount"] == [
        "The cash taken must be exactly the amount due."
    ]
    assert bad.context["cash"].errors["amount"] == ["Enter a number, such as 12.50."]
    assert world() == before


def test_mobile_money_waits_for_the_villager_then_shows_paid(client, counter, tasks):
    """The prompt goes to the villager's phone; the page refreshes until the answer comes."""
    # given
    client.force_login(counter.operator)
    add(client, counter, counter.tea, 1)
    # when
    response = check_out(client, counter, method="mobile_money")
    page = client.get(response["Location"])
    # then
    intent = PaymentIntent.objects.get()
    assert (intent.method, intent.payer_phone, intent.payer) == (
        PaymentMethod.MOBILE_MONEY,
        "+254712345678",
        counter.villager,
    )
    assert "Waiting for the villager to approve the payment on +254 712 345678" in text_of(page)
    assert f'data-poll="{response["Location"]}"' in page.content.decode()
    assert "Check again" in text_of(page)
    # when: the villager approves (the sandbox answers and calls back)
    tasks.run(
        now=timezone.now() + timezone.timedelta(seconds=30),
        only={"sandbox_mobile_answer", "sandbox_deliver_callback"},
    )
    page = client.get(response["Location"])
    # then
    checkout = Checkout.objects.get()
    assert checkout.orders.get().status == OrderStatus.PAID
    assert "KES520.00 paid by Mobile money" in text_of(page)
    assert "data-poll" not in page.content.decode()
    assert balance(float_account_code(counter.operator.pk)) == 0
    assert ledger_problems() == []


def test_the_same_form_sent_twice_makes_one_checkout(client, counter):
    """A double click or a reload: the second submission finds the first checkout."""
    # given
    client.force_login(counter.operator)
    add(client, counter, counter.honey, 2)
    # when
    first = check_out(client, counter)
    second = check_out(client, counter)
    # then
    assert first["Location"] == second["Location"]
    assert Checkout.objects.count() == 1
    assert PaymentIntent.objects.count() == 1
    assert Product.objects.get(pk=counter.honey.pk).stock == 8


def test_the_same_form_sent_twice_before_the_cart_empties_makes_one_checkout(client, counter):
    """Two submissions racing with the same cart in the session: the key makes one checkout."""
    # given: the second request still carries the full cart
    client.force_login(counter.operator)
    add(client, counter, counter.honey, 2)
    carts = client.session[SESSION_KEY]
    # when
    check_out(client, counter)
    session = client.session
    session[SESSION_KEY] = carts
    session.save()
    check_out(client, counter)
    # then
    assert Checkout.objects.count() == 1
    assert PaymentIntent.objects.count() == 1


def test_out_of_stock_at_checkout_is_a_form_error_and_places_nothing(client, counter):
    # given: the villager wants 5, then the seller sells most of the stock elsewhere
    client.force_login(counter.operator)
    add(client, counter, counter.honey, 5)
    Product.objects.filter(pk=counter.honey.pk).update(stock=2)
    before = world()
    # when
    page = check_out(client, counter)
    # then
    assert page.status_code == 200
    assert page.context["form"].non_field_errors() == [
        "Only 2 of Forest honey 500 g left in stock."
    ]
    assert world() == before
    assert cart_of(client.session, counter.villager) == {counter.honey.pk: 5}


def test_an_empty_cart_cannot_be_checked_out(client, counter):
    # given
    client.force_login(counter.operator)
    # when
    page = check_out(client, counter)
    # then
    assert page.context["form"].non_field_errors() == ["The cart is empty."]
    assert Checkout.objects.count() == 0


def test_operator_cancels_an_assisted_order_and_the_stock_returns(client, counter):
    # given
    client.force_login(counter.operator)
    add(client, counter, counter.honey, 2)
    check_out(client, counter)
    checkout = Checkout.objects.get()
    # when
    response = client.post(reverse("agents:checkout_cancel", args=[checkout.pk]))
    # then
    assert messages_of(response) == ["The order is cancelled; its goods are back on sale."]
    assert checkout.orders.get().status == OrderStatus.CANCELLED
    assert Product.objects.get(pk=counter.honey.pk).stock == 10
    assert PaymentIntent.objects.get().status == PaymentStatus.EXPIRED


def test_declined_mobile_money_can_be_paid_in_cash_instead(client, counter, tasks):
    # given: a villager whose mobile money the sandbox declines
    from sokoni.agents.tests.conftest import make_counter

    c = make_counter(operator_name="Operator Two", phone="0712 340 000")
    client.force_login(c.operator)
    add(client, c, c.tea, 1)
    response = check_out(client, c, method="mobile_money")
    tasks.run(
        now=timezone.now() + timezone.timedelta(seconds=30),
        only={"sandbox_mobile_answer", "sandbox_deliver_callback"},
    )
    page = client.get(response["Location"])
    assert "did not go through" in text_of(page)
    # when
    client.post(
        reverse("agents:checkout_pay", args=[Checkout.objects.get().pk]), {"method": "cash"}
    )
    page = client.get(response["Location"])
    # then
    assert "Take KES520.00 in cash from the villager" in text_of(page)
    assert PaymentIntent.objects.filter(method=PaymentMethod.CASH).count() == 1
