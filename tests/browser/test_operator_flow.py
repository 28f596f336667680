"""A service-centre operator's day in a real browser: register a villager, order for them, take
the cash, check the parcel in and hand it over against its code; axe-core on every page."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from sokoni.accounts.tests.factories import PASSWORD
from sokoni.agents.models import CashCount
from sokoni.agents.selectors import float_account_code
from sokoni.logistics.models import Pickup
from sokoni.messaging.models import OutboundSms
from sokoni.orders.models import Order
from sokoni.orders.services.lifecycle import order_ship
from sokoni.orders.states import OrderStatus
from sokoni.payments.codes import wallet_of
from sokoni.payments.selectors import account_balance, ledger_problems
from sokoni.villages.models import Resident, ServiceCentre
from tests.browser.support import World, axe_violations, describe

pytestmark = pytest.mark.browser


def _no_violations(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], f"axe-core found violations on {page.url}:\n{describe(violations)}"


def _main(page: Any) -> str:
    return " ".join(page.locator("main").inner_text().split())


def test_operator_registers_a_villager_orders_for_them_and_hands_the_parcel_over(
    page: Any, live_server: Any, world: World
) -> None:
    """The whole assisted order at a service centre, with zero axe violations on each page."""
    centre = ServiceCentre.objects.select_related("operator").get(village=world.villages[0])
    operator = centre.operator
    honey = world.products[0]  # Organic highland honey, 500 g: KES 750.00

    # given: the operator logs in with their phone number and password
    page.goto(reverse("accounts:login"))
    page.fill("#id_phone", operator.phone)
    page.fill("#id_password", PASSWORD)
    page.click("main form button[type=submit]")
    page.get_by_role("button", name="Log out").wait_for()
    # when: they open the desk
    page.goto(reverse("agents:home"))
    # then
    assert "Service centre desk" in _main(page)
    assert centre.name in _main(page)
    _no_violations(page)

    # when: they look up a number nobody has yet
    page.fill("#id_phone", "0712 345 678")
    page.get_by_role("button", name="Look up").click()
    page.get_by_text("Nobody has this number yet").wait_for()
    _no_violations(page)
    # and register the villager on the spot
    page.fill("main form[action$='/villagers/new/'] input[name=name]", "Mama Atieno")
    page.select_option("main form[action$='/villagers/new/'] select[name=language]", "sw")
    page.get_by_role("button", name="Register", exact=True).click()
    # then: the villager's page, with no PIN yet and the USSD code to set one
    page.get_by_text("Registered. Ask the villager to dial *384*7#").wait_for()
    villager = Resident.objects.select_related("user").get(centre=centre).user
    assert villager.phone == "+254712345678"
    assert "Not set yet" in _main(page)
    _no_violations(page)

    # when: they build the villager's cart from a search
    page.get_by_role("link", name="Order for this villager").click()
    page.wait_for_url(re.compile(rf"/agent/villagers/{villager.pk}/cart/$"))
    _no_violations(page)
    page.fill("#id_q", "highland honey")
    page.get_by_role("button", name="Search", exact=True).last.click()
    page.wait_for_url(re.compile(r"q=highland"))
    page.fill(f"#aq-{honey.pk}", "2")
    page.locator(f"#aq-{honey.pk} ~ button").click()
    page.get_by_text(f"In the cart: {honey.name}.").wait_for()
    # then: the cart shows the total to pay in the centre's currency
    assert "To pay: KES1,500.00" in _main(page)
    _no_violations(page)

    # when: they place the order, to be paid in cash at the centre
    page.get_by_role("radio", name="Cash, here at the centre").check()
    page.get_by_role("button", name="Place the order").click()
    page.wait_for_url(re.compile(r"/agent/checkouts/\d+/$"))
    # then: the page says how much cash to take
    assert "Take KES1,500.00 in cash from the villager" in _main(page)
    _no_violations(page)
    # when: they take the cash and confirm it
    page.fill("#id_amount", "1500")
    page.get_by_role("button", name="Confirm the cash").click()
    page.get_by_text("Cash received: KES1,500.00.").wait_for()
    # then: the order is paid from the operator's float into escrow
    order = Order.objects.get(buyer=villager)
    assert order.status == OrderStatus.PAID
    assert account_balance(code=float_account_code(operator.pk), currency="KES") == -150_000
    assert "Your cash float -KES1,500.00" in _main(page)
    _no_violations(page)

    # given: the seller ships the parcel to the centre
    order_ship(order=order, actor=world.seller, tracking_ref="BUS-OTHAYA-7")
    # when: it arrives and the operator checks it in
    page.get_by_role("link", name="Parcels expected").click()
    page.wait_for_url(re.compile(r"/agent/parcels/expected/$"))
    assert "BUS-OTHAYA-7" in _main(page)
    _no_violations(page)
    page.get_by_role("button", name=f"Check in {order.number}").click()
    page.get_by_text(f"Parcel {order.number} checked in.").wait_for()
    # then: the villager got the code by text message
    pickup = Pickup.objects.get(order=order)
    sms = OutboundSms.objects.get(dedupe_key=f"pickup:{pickup.pk}:code:1")
    assert sms.to == villager.phone
    match = re.search(r"\b(\d{6})\b", sms.body)
    assert match is not None
    code = match[1]
    _no_violations(page)

    # when: someone gives a wrong code
    wrong = "000000" if code != "000000" else "111111"
    page.fill("#id_code", wrong)
    page.get_by_role("button", name="Hand over the parcel").click()
    # then: refused, with the tries left, and the page stays accessible
    page.get_by_text("Wrong pickup code. 4 tries left").first.wait_for()
    _no_violations(page)
    # when: the villager gives the right code
    page.fill("#id_code", code)
    page.get_by_role("button", name="Hand over the parcel").click()
    page.get_by_text(f"Parcel {order.number} handed over.").wait_for()
    # then: the order is complete, the seller paid, and the operator earned 2 %
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert account_balance(code=wallet_of(operator.pk), currency="KES") == 3_000
    assert ledger_problems() == []
    _no_violations(page)

    # when: at the end of the day they count 1,400 in the drawer
    page.get_by_role("link", name="Cash count").click()
    page.fill("#id_counted", "1400")
    page.get_by_role("button", name="Save the count").click()
    page.get_by_text("Count saved. It differs from the ledger").wait_for()
    # then: the difference is shown
    assert CashCount.objects.get().difference_minor == -10_000
    assert "The last count is KES100.00 short of the ledger." in _main(page)
    _no_violations(page)

    # then: every other page of the area passes axe-core too
    for path in (
        reverse("agents:orders"),
        reverse("agents:parcels_waiting"),
        reverse("agents:float"),
        reverse("agents:villager_find"),
        reverse("agents:villager_register"),
        reverse("agents:villager_pin_reset", args=[villager.pk]),
        reverse("agents:checkout_detail", args=[order.checkout_id]),
        reverse("agents:parcel_detail", args=[order.pk]),
        reverse("agents:home"),
    ):
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, path
        _no_violations(page)


def test_operator_pages_in_their_other_states_have_no_axe_violations(
    page: Any, live_server: Any, world: World, tasks: Any
) -> None:
    """Waiting for mobile money, errors on the lookup and checkout forms, a locked parcel."""
    from sokoni.agents import services
    from sokoni.catalog.models import Product
    from sokoni.logistics.errors import CodeLocked, CodeWrong
    from tests.browser.support import log_in

    # given: a villager with one order waiting for mobile money, one shipped and locked
    centre = ServiceCentre.objects.select_related("operator").get(village=world.villages[0])
    operator = centre.operator
    villager = services.villager_register_at_centre(
        operator=operator, centre_id=centre.pk, phone="0722 100 200", name="Baraka"
    ).user
    session: dict[str, Any] = {}

    def checkout(product: Any, method: str, key: str) -> Any:
        services.assisted_cart_put(
            operator=operator,
            session=session,
            villager_id=villager.pk,
            product_id=product.pk,
            quantity=1,
        )
        placed, _replay = services.assisted_checkout_place(
            operator=operator, session=session, villager_id=villager.pk, key=key
        )
        services.assisted_checkout_pay(operator=operator, checkout_id=placed.pk, method=method)
        return placed

    mobile = checkout(world.products[1], "mobile_money", "browser-key-mobile-0001")
    cash = checkout(world.products[2], "cash", "browser-key-cash-00002")
    services.assisted_cash_confirm(
        operator=operator, checkout_id=cash.pk, amount_minor=cash.total_minor
    )
    shipped = order_ship(order=cash.orders.get(), actor=world.seller, tracking_ref="T-9")
    services.parcel_check_in(operator=operator, order_id=shipped.pk)
    for _ in range(5):
        with pytest.raises((CodeWrong, CodeLocked)):
            services.parcel_hand_over(operator=operator, order_id=shipped.pk, code="999999")
    log_in(page, live_server, operator)

    # when / then: waiting for the villager's approval, the status region asks again by itself
    page.goto(reverse("agents:checkout_detail", args=[mobile.pk]))
    assert "Waiting for the villager to approve the payment" in _main(page)
    _no_violations(page)
    # when: the villager approves on their phone (the sandbox answers and calls back)
    tasks.run(
        now=timezone.now() + timedelta(seconds=30),
        only={"sandbox_mobile_answer", "sandbox_deliver_callback"},
    )
    # then: the page shows it is paid without anyone reloading it
    page.get_by_text("paid by Mobile money").wait_for(timeout=15_000)
    _no_violations(page)
    # a locked parcel, in the list and on its page
    for path in (
        reverse("agents:parcels_waiting"),
        reverse("agents:parcel_detail", args=[shipped.pk]),
    ):
        page.goto(path)
        assert "Locked" in _main(page) or "locked until" in _main(page)
        _no_violations(page)
    # a bad phone number on the lookup
    page.goto(reverse("agents:villager_find"))
    page.fill("#id_phone", "12")
    page.get_by_role("button", name="Look up").click()
    page.get_by_text("Please correct the following:").wait_for()
    _no_violations(page)
    # a checkout refused for lack of stock
    page.goto(reverse("agents:cart", args=[villager.pk]))
    page.fill(f"#aq-{world.products[3].pk}", "3")
    page.locator(f"#aq-{world.products[3].pk} ~ button").click()
    page.get_by_text(f"In the cart: {world.products[3].name}.").wait_for()
    Product.objects.filter(pk=world.products[3].pk).update(stock=1)
    page.get_by_role("button", name="Place the order").click()
    page.get_by_text("Please correct the following:").wait_for()
    assert f"Only 1 of {world.products[3].name} left in stock." in _main(page)
    _no_violations(page)
