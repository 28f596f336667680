"""Everyone can buy: with JavaScript turned off (Opera Mini's no-JavaScript mode), every buyer
step is a plain HTML form; the seller ships and the operator takes cash the same way; and with
the keyboard alone, search → product → cart → checkout completes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from sokoni.orders.models import Order
from sokoni.orders.states import OrderStatus
from tests.browser.support import World, log_in, pickup_checkout

pytestmark = pytest.mark.browser


@pytest.fixture
def no_js(browser: Any, live_server: Any) -> Any:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_the_buyer_flow_works_without_javascript(
    no_js: Any, live_server: Any, world: World
) -> None:
    page = no_js
    honey = world.products[0]
    # given: signed in, JavaScript off (the page cannot run a single script)
    log_in(page, live_server, world.buyer)
    page.goto(reverse("web:home"))
    assert page.evaluate("1 + 1") == 2  # Playwright's own evaluation still works...
    assert page.locator("noscript").count() >= 0  # ...but the page's scripts do not run
    # when: search, open the product, add two to the cart
    page.fill("#q-top", "honey")
    page.locator("form.find button[type=submit]").click()
    page.wait_for_url(re.compile(r"/search/"))
    page.get_by_role("link", name=honey.name).first.click()
    page.wait_for_url(re.compile(rf"/{honey.pk}/"))
    page.fill("#buy-qty", "2")
    page.get_by_role("button", name="Add to cart").click()
    page.get_by_text(f"Added to your cart: {honey.name}.").wait_for()
    # then: the cart, checkout by card, the paid order
    page.get_by_role("link", name="Cart", exact=True).click()
    page.wait_for_url(re.compile(r"/cart/$"))
    page.get_by_role("link", name="Checkout").click()
    page.wait_for_url(re.compile(r"/checkout/$"))
    page.fill("#id_address", "Box 12, Othaya")
    page.check("#id_method_1")  # card
    page.fill("#id_card_number", "4242424242424242")
    page.get_by_role("button", name="Place the order and pay").click()
    page.wait_for_url(re.compile(r"/checkout/\d+/pay/$"))
    page.get_by_text("Paid. Thank you!").wait_for()
    order = Order.objects.get(buyer=world.buyer)
    assert (order.status, order.total_minor) == (OrderStatus.PAID, 150_000)

    # when: the seller ships, without JavaScript either
    log_in(page, live_server, world.seller)
    page.goto(reverse("orders:seller_order", args=[order.pk]))
    page.fill("#id_tracking_ref", "G4S-558-Othaya")
    page.get_by_role("button", name="Mark as shipped").click()
    page.get_by_text("Marked as shipped.").wait_for()

    # and the buyer confirms receipt from the order list
    log_in(page, live_server, world.buyer)
    page.goto(reverse("orders:order_list"))
    page.get_by_role("link", name=order.number).click()
    page.get_by_role("button", name="I received the goods").click()
    page.get_by_text("Thank you. The money is released to the seller.").wait_for()
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED


def test_the_operator_takes_cash_without_javascript(
    no_js: Any, live_server: Any, world: World
) -> None:
    from sokoni.payments.models import PaymentIntent
    from sokoni.villages.models import ServiceCentre

    # given: a buyer chose to pay cash at the Othaya centre
    page = no_js
    centre = ServiceCentre.objects.filter(village=world.villages[0]).get()
    checkout = pickup_checkout(world, world.products[3], pay="cash")
    intent = PaymentIntent.objects.get(purpose_id=checkout.pk, method="cash")
    # when: the operator finds it at the cash desk and confirms the cash
    log_in(page, live_server, centre.operator)
    page.goto(reverse("orders:agent_cash"))
    page.get_by_label("Payment reference").fill(intent.reference)
    page.get_by_label("Amount received").fill("320")
    page.get_by_role("button", name="Confirm the cash").click()
    page.wait_for_load_state("load")
    # then
    intent.refresh_from_db()
    assert intent.status == "succeeded", page.locator("main").inner_text()


def _tab_to(page: Any, selector: str, limit: int = 80) -> None:
    """Press Tab until the focused element matches ``selector`` (it must be reachable)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "(s) => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"{selector} is not reachable with the Tab key")


def test_search_to_checkout_with_the_keyboard_only(
    page: Any, live_server: Any, world: World
) -> None:
    honey = world.products[0]
    log_in(page, live_server, world.buyer)
    page.goto(live_server.url + reverse("web:home"))
    # search
    _tab_to(page, "#q-top")
    page.keyboard.type("honey")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/"))
    # the product
    _tab_to(page, f"main a[href*='/{honey.pk}/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/{honey.pk}/"))
    # add to the cart
    _tab_to(page, "#buy-qty")
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.get_by_text(f"Added to your cart: {honey.name}.").wait_for()
    # the cart, then checkout
    _tab_to(page, "a[href$='/cart/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/cart/$"))
    _tab_to(page, "a[href$='/checkout/']")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/checkout/$"))
    _tab_to(page, "#id_address")
    page.keyboard.type("Box 12, Othaya")
    _tab_to(page, "input[name=method]")  # a radio group is one tab stop; arrows choose
    while not page.evaluate("document.querySelector('#id_method_1').checked"):
        page.keyboard.press("ArrowDown")
    _tab_to(page, "#id_card_number")
    page.keyboard.type("4242424242424242")
    _tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/checkout/\d+/pay/$"))
    page.get_by_text("Paid. Thank you!").wait_for()
    assert Order.objects.get(buyer=world.buyer).status == OrderStatus.PAID
