"""The whole journey by USSD: a villager registers, sets a PIN, buys with cash at the centre;
the operator takes the cash; the seller ships by USSD; the parcel is checked in and the pickup
code releases the escrow. The ledger is checked after each step."""

from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command

from sokoni.accounts.models import User
from sokoni.accounts.services import pin_set
from sokoni.catalog.tests.factories import CategoryFactory, ProductFactory, ShopFactory
from sokoni.channels.tests.ussd import Dial
from sokoni.logistics.services import pickup_check_in, pickup_hand_over
from sokoni.orders.models import Order
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import balance
from sokoni.payments.codes import REVENUE_COMMISSION, escrow_for_order, wallet_of
from sokoni.payments.models import PaymentIntent
from sokoni.payments.selectors import ledger_problems
from sokoni.payments.services.intents import payment_confirm_cash
from sokoni.shipping.tests.factories import flat_fee
from sokoni.villages.models import Resident
from sokoni.villages.tests.factories import ServiceCentreFactory, VillageFactory

pytestmark = pytest.mark.django_db

VILLAGER = "+254712900001"


@pytest.fixture
def market():
    village = VillageFactory(name="Othaya")
    centre = ServiceCentreFactory(village=village, name="Othaya Centre")
    seller_shop = ShopFactory(village=village)
    flat_fee(village, 10_000)
    grains = CategoryFactory(name="Grains")
    maize = ProductFactory(
        shop=seller_shop, category=grains, name="Maize 90kg", price_minor=240_000, stock=12
    )
    pin_set(user=seller_shop.owner, new_pin="7315")
    return {"centre": centre, "shop": seller_shop, "maize": maize, "grains": grains}


def test_register_buy_cash_ship_check_in_and_collect(client, market, tasks):
    centre, maize = market["centre"], market["maize"]
    # 1. an unknown number is offered registration; the villager picks the centre, sets a PIN
    phone = Dial(client, VILLAGER)
    assert "Register" in phone.reply
    phone.send(phone.option("Register"))
    assert "Othaya: Othaya Centre" in phone.reply
    phone.send(phone.option("Othaya Centre"), "4071", "4071")
    villager = User.objects.get(phone=VILLAGER)
    assert Resident.objects.get(user=villager).centre == centre
    assert not villager.has_usable_password()
    assert "registered at Othaya Centre" in phone.reply
    assert ledger_problems() == []

    # 2. buy: category, product, quantity, pickup, cash, PIN -> order number and reference
    phone.send(phone.option("Buy"))
    phone.send(phone.option("Grains"))
    phone.send(phone.option("Maize 90kg"))
    assert "How many? (1-12)" in phone.reply
    phone.send("2")
    assert "total KES 4,900." in phone.reply
    phone.send(phone.option("Yes"))
    phone.send(phone.option("Cash"))
    phone.send("4071")
    assert phone.ended
    order = Order.objects.get(buyer=villager)
    assert order.number in phone.reply
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.checkout.service_centre == centre
    maize.refresh_from_db()
    assert maize.stock == 10
    intent = (
        order.checkout.payments_for_checkout()
        if hasattr(order.checkout, "payments_for_checkout")
        else None
    )

    intent = PaymentIntent.objects.get(purpose="checkout", purpose_id=order.checkout_id)
    assert intent.reference in phone.reply
    assert balance(escrow_for_order(order.pk)) == 0
    assert ledger_problems() == []

    # 3. the operator takes the cash: float -> escrow
    payment_confirm_cash(reference=intent.reference, operator=centre.operator, amount_minor=490_000)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID
    assert balance(escrow_for_order(order.pk)) == 490_000
    assert balance(f"float:agent:{centre.operator_id}") == -490_000
    assert ledger_problems() == []

    # 4. the seller ships by USSD
    seller = Dial(client, market["shop"].owner.phone)
    seller.send(seller.option("Sell"))
    seller.send(seller.option("New orders"))
    seller.send(seller.option(order.number))
    seller.send(seller.option("no tracking"))
    seller.send("7315")
    assert f"{order.number} marked sent" in seller.reply
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert balance(escrow_for_order(order.pk)) == 490_000
    assert ledger_problems() == []

    # 5. the parcel is checked in; the code by SMS releases the escrow at hand-over
    with mock.patch("sokoni.logistics.services.secrets.randbelow", return_value=604_213):
        pickup_check_in(order_id=order.pk, operator=centre.operator)
    status = Dial(client, VILLAGER)
    status.send(status.option("My orders"))
    status.send(status.option(order.number))
    assert "At Othaya Centre" in status.reply
    assert "Confirm receipt" not in status.reply  # collected with the code, not by a click
    pickup_hand_over(order_id=order.pk, operator=centre.operator, code="604213")
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert balance(escrow_for_order(order.pk)) == 0
    assert balance(wallet_of(market["shop"].owner_id)) == 490_000 - order.commission_minor
    assert balance(REVENUE_COMMISSION) == order.commission_minor
    assert ledger_problems() == []
    out = StringIO()
    call_command("ledger_check", stdout=out)
    assert out.getvalue().strip() == "ledger ok"
