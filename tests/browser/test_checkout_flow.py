"""A purchase held in escrow, end to end in a real browser: cart, card, ship, confirm."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from sokoni.orders.models import Order
from sokoni.orders.states import OrderStatus
from sokoni.payments.codes import wallet_of
from sokoni.payments.selectors import account_balance
from tests.browser.support import World, axe_violations, describe, log_in

pytestmark = pytest.mark.browser


def _no_violations(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core found violations on {page.url}:\n{describe(violations)}"


def test_buyer_pays_by_card_seller_ships_buyer_confirms_and_the_seller_is_paid(
    page: Any, live_server: Any, world: World
) -> None:
    """Add to cart, check out by sandbox card, ship, confirm receipt; axe on every step."""
    honey = world.products[0]  # the seller's organic honey, KES 750.00
    # given: the buyer is signed in and opens the product page
    log_in(page, live_server, world.buyer)
    page.goto(reverse("web:product_detail", args=[honey.pk, honey.slug]))

    # when: they add two jars to the cart
    page.fill("#buy-qty", "2")
    page.get_by_role("button", name="Add to cart").click()
    # then: back on the product page with a message
    page.get_by_text(f"Added to your cart: {honey.name}.").wait_for()

    # when: they open the cart
    page.get_by_role("link", name="Cart", exact=True).click()
    page.wait_for_url(re.compile(r"/cart/$"))
    # then: one line, the shop's subtotal, and no accessibility problem
    assert "KES1,500.00" in page.locator("main").inner_text()
    _no_violations(page)

    # when: they check out, delivering to an address and paying by the sandbox's good card
    page.get_by_role("link", name="Checkout").click()
    page.wait_for_url(re.compile(r"/checkout/$"))
    _no_violations(page)
    page.fill("#id_address", "Box 12, Othaya")
    page.check("#id_method_1")  # card
    page.fill("#id_card_number", "4242424242424242")
    page.get_by_role("button", name="Place the order and pay").click()
    # then: the pay page says it is paid, and the order is held in escrow
    page.wait_for_url(re.compile(r"/checkout/\d+/pay/$"))
    page.get_by_text("Paid. Thank you!").wait_for()
    order = Order.objects.get(buyer=world.buyer)
    assert order.status == OrderStatus.PAID
    assert order.total_minor == 150_000

    # when: they open the order
    page.get_by_role("link", name=order.number).click()
    page.wait_for_url(re.compile(rf"/orders/{order.pk}/$"))
    # then: the money is said to be held by Sokoni
    assert "Your money is held by Sokoni" in page.locator("main").inner_text()
    _no_violations(page)

    # when: the seller marks it shipped with a tracking reference
    log_in(page, live_server, world.seller)
    page.goto(reverse("orders:seller_order", args=[order.pk]))
    page.fill("#id_tracking_ref", "G4S-558-Othaya")
    page.get_by_role("button", name="Mark as shipped").click()
    page.get_by_text("Marked as shipped.").wait_for()
    order.refresh_from_db()
    assert (order.status, order.tracking_ref) == (OrderStatus.SHIPPED, "G4S-558-Othaya")

    # when: the buyer sees the shipped order and confirms receipt
    log_in(page, live_server, world.buyer)
    page.goto(reverse("orders:order_detail", args=[order.pk]))
    assert "automatically on" in page.locator("main").inner_text()
    _no_violations(page)
    page.get_by_role("button", name="I received the goods").click()
    page.get_by_text("Thank you. The money is released to the seller.").wait_for()
    # then: the order is completed and the seller's wallet holds the total less 5 %
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert account_balance(code=wallet_of(world.seller.pk), currency="KES") == 142_500
    _no_violations(page)


def test_every_order_page_has_no_axe_violations(page: Any, live_server: Any, world: World) -> None:
    """Pay page, lists, packing slip, wallet, disputes and the cash desk pass axe-core."""
    from sokoni.orders.services.checkout import Delivery, checkout_pay, checkout_place
    from sokoni.orders.services.lifecycle import (
        order_confirm_receipt,
        order_dispute_open,
        order_ship,
    )
    from sokoni.villages.models import ServiceCentre

    # given: one order completed, one disputed, and one waiting for cash at a centre
    honey, comb = world.products[0], world.products[1]
    centre = ServiceCentre.objects.filter(village=world.villages[0]).get()
    delivery = Delivery(
        method="pickup",
        recipient_name="Mama Atieno",
        recipient_phone="+254722000222",
        service_centre_id=centre.pk,
    )

    def paid(product: Any) -> Order:
        checkout = checkout_place(
            buyer=world.buyer, items=[(product.pk, 1)], currency="KES", delivery=delivery
        )
        checkout_pay(
            checkout=checkout, actor=world.buyer, method="card", card_number="4242424242424242"
        )
        return checkout.orders.get()

    done = order_ship(order=paid(honey), actor=world.seller, tracking_ref="T-1")
    order_confirm_receipt(order=done, actor=world.buyer)
    disputed = order_ship(order=paid(comb), actor=world.seller, tracking_ref="T-2")
    order_dispute_open(order=disputed, actor=world.buyer, reason="damaged", details="Cracked")
    cash = checkout_place(
        buyer=world.buyer, items=[(world.products[2].pk, 1)], currency="KES", delivery=delivery
    )
    checkout_pay(checkout=cash, actor=world.buyer, method="cash", centre_id=centre.pk)
    pages = [
        (world.buyer, reverse("orders:checkout_pay", args=[cash.pk])),
        (world.buyer, reverse("orders:order_list")),
        (world.buyer, reverse("orders:order_detail", args=[disputed.pk])),
        (world.seller, reverse("orders:seller_orders")),
        (world.seller, reverse("orders:seller_order", args=[disputed.pk])),
        (world.seller, reverse("orders:wallet")),
        (world.staff, reverse("orders:disputes")),
        (world.staff, reverse("orders:dispute_detail", args=[disputed.pk])),
        (centre.operator, reverse("orders:agent_cash")),
    ]
    for user, path in pages:
        # when
        log_in(page, live_server, user)
        response = page.goto(path)
        # then
        assert response is not None
        assert response.status == 200, path
        _no_violations(page)


def test_checkout_with_errors_has_no_axe_violations(
    page: Any, live_server: Any, world: World
) -> None:
    """The error summary and the fields in error stay accessible."""
    from sokoni.orders.services.cart import cart_add

    # given
    cart_add(user=world.buyer, product_id=world.products[3].pk, quantity=1)
    log_in(page, live_server, world.buyer)
    page.goto(reverse("orders:checkout"))
    # when: sent without an address and with a card number that is too short
    page.check("#id_method_1")
    page.fill("#id_card_number", "42")
    page.get_by_role("button", name="Place the order and pay").click()
    # then
    page.get_by_text("Please correct the following:").wait_for()
    assert page.locator("#id_card_number_error").inner_text() == (
        "Enter the card number, 12 to 19 digits."
    )
    _no_violations(page)
