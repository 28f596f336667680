"""Every webhook replayed: twice in a row and twice at once (threads, each on its own
PostgreSQL connection), through the real views. One effect each (one capture, one journal
transaction, one status change), the replay answered 2xx; a bad signature or secret 4xx with
nothing changed.

The list below is checked against the URL configuration and the provider registries
(test_webhook_list.py), so a new provider or webhook not covered here fails there.
"""

from __future__ import annotations

import itertools
import json

import pytest
from django.test import Client
from django.utils import timezone

from sokoni.accounts.services import pin_set
from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.tests.factories import CategoryFactory, ProductFactory, ShopFactory
from sokoni.channels.models import InboundSms
from sokoni.channels.tests.ussd import Dial
from sokoni.logistics.gateways.base import webhook_secret as courier_secret
from sokoni.logistics.models import CourierEventReceipt, Shipment, TrackingEvent
from sokoni.logistics.states import ShipmentStatus
from sokoni.logistics.tests.test_export import booked
from sokoni.orders.models import Checkout, Order
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import (
    balance,
    pay_by_card,
    place,
    shipped_order,
    world,
)
from sokoni.payments.codes import wallet_of
from sokoni.payments.gateways.base import webhook_secret
from sokoni.payments.gateways.sandbox import callback_body
from sokoni.payments.models import JournalTransaction, SandboxTransaction, WebhookReceipt
from sokoni.payments.selectors import ledger_problems
from sokoni.payments.signatures import HEADER, sign
from sokoni.payments.states import PaymentMethod
from sokoni.shipping.tests.factories import flat_fee
from sokoni.villages.tests.factories import ServiceCentreFactory, VillageFactory
from tests.faults.conftest import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

# Every webhook route and the test that replays it; every provider of each.
WEBHOOKS = {
    "payments/webhooks/<slug:provider>/": "test_a_payment_callback_replayed_captures_once",
    "logistics/courier/<slug:gateway>/events/": (
        "test_a_courier_event_replayed_moves_the_parcel_once"
    ),
    "channels/sms/inbound/": "test_an_inbound_sms_replayed_releases_the_escrow_once",
    "channels/ussd/": "test_a_ussd_hop_replayed_places_one_order",
}
PAYMENT_PROVIDERS = ["sandbox-mobile", "sandbox-card"]
COURIER_GATEWAYS = ["sandbox"]
_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def _postgresql(postgresql_only):
    pass


def _twice_then_twice_at_once(deliver):
    """Deliver twice in a row, then twice at once; return the four responses."""
    first, second = deliver(), deliver()
    return [first, second, *race(deliver, deliver)]


# -- payment providers --------------------------------------------------------------------------


def _approved_intent(provider: str, tasks):
    """A payment the provider's books show as paid, its callback not yet delivered."""
    checkout = place()
    if provider == "sandbox-card":
        intent = pay_by_card(checkout)  # the card answers at once; its callback comes later
    else:
        from sokoni.orders.services.checkout import checkout_pay

        intent = checkout_pay(
            checkout=checkout,
            actor=checkout.buyer,
            method=PaymentMethod.MOBILE_MONEY,
            phone="+254712345678",
        )
        SandboxTransaction.objects.filter(provider_ref=intent.provider_ref).update(
            state="succeeded"
        )
    tasks.clear()  # the sandbox's own deliveries: the test delivers instead
    return checkout, intent


@pytest.mark.parametrize("provider", PAYMENT_PROVIDERS)
def test_a_payment_callback_replayed_captures_once(provider, tasks):
    """A forged callback first: 400, nothing changed. Then four deliveries of one signed
    callback: the money is held once, the orders paid once, one receipt kept; every delivery
    answered 200."""
    # given
    checkout, intent = _approved_intent(provider, tasks)
    body = callback_body(intent.provider_ref, f"EV-{provider}")
    header = sign(body=body, secret=webhook_secret(provider))

    def deliver(header=header):
        return Client().post(
            f"/payments/webhooks/{provider}/",
            data=body,
            content_type="application/json",
            headers={HEADER: header},
        )

    # when: forged
    before = world()
    forged = deliver(sign(body=body, secret="not-the-secret"))
    # then
    assert forged.status_code == 400
    assert forged.json()["code"] == "payments.signature_invalid"
    assert world() == before
    # when: the real one, four times
    responses = _twice_then_twice_at_once(deliver)
    # then
    assert [r.status_code for r in responses] == [200] * 4
    statuses = [r.json()["status"] for r in responses]
    assert statuses[1:] == ["duplicate"] * 3
    assert statuses[0] in {"succeeded", "duplicate"}
    assert JournalTransaction.objects.filter(reference=intent.reference).count() == 1
    assert WebhookReceipt.objects.filter(provider=provider).count() == 1
    order = checkout.orders.get()
    assert order.status == OrderStatus.PAID
    assert order.events.filter(to_status=OrderStatus.PAID).count() == 1
    assert balance(f"clearing:{provider}") == -checkout.total_minor
    assert ledger_problems() == []


# -- courier -------------------------------------------------------------------------------------


def _courier_event(shipment: Shipment, code: str) -> bytes:
    return json.dumps(
        {
            "event_id": f"{shipment.courier_tracking}-{code}",
            "tracking_number": shipment.courier_tracking,
            "reference": shipment.code,
            "event_code": code,
            "timestamp": timezone.now().isoformat(),
            "location": "Springfield, US",
            "remark": "Scanned",
        }
    ).encode()


def _courier_state(shipment: Shipment) -> tuple:
    shipment = Shipment.objects.get(pk=shipment.pk)
    return (
        shipment.status,
        Order.objects.get(pk=shipment.order_id).status,
        TrackingEvent.objects.filter(shipment=shipment).count(),
        CourierEventReceipt.objects.count(),
    )


@pytest.mark.parametrize("gateway", COURIER_GATEWAYS)
def test_a_courier_event_replayed_moves_the_parcel_once(gateway, tasks):
    """A forged event first: 401, nothing changed. Then four deliveries of "picked up": one
    tracking event, one receipt, the order shipped once; every delivery answered 200."""
    # given
    shipment = booked(tasks)
    tasks.clear()
    before = _courier_state(shipment)
    body = _courier_event(shipment, "PU")
    header = sign(body=body, secret=courier_secret())

    def deliver(header=header):
        return Client().post(
            f"/logistics/courier/{gateway}/events/",
            data=body,
            content_type="application/json",
            headers={"Sokoni-Signature": header},
        )

    # when: forged
    forged = deliver(sign(body=body, secret="not-the-secret"))
    # then
    assert forged.status_code == 401
    assert _courier_state(shipment) == before
    # when: the real one, four times
    responses = _twice_then_twice_at_once(deliver)
    # then
    assert [r.status_code for r in responses] == [200] * 4
    assert responses[0].json() == {"status": "applied"}
    assert {r.json()["status"] for r in responses[1:]} <= {"duplicate", "ignored"}
    status, order_status, tracking, receipts = _courier_state(shipment)
    assert status != before[0]
    assert status in {ShipmentStatus.PICKED_UP, ShipmentStatus.IN_TRANSIT}
    assert order_status == OrderStatus.SHIPPED
    assert tracking == before[2] + 1
    assert receipts == before[3] + 1
    order = Order.objects.get(pk=shipment.order_id)
    assert order.events.filter(to_status=OrderStatus.SHIPPED).count() == 1


# -- inbound text messages -----------------------------------------------------------------------

SECRET = "channels-secret"
PIN = "4821"


def _sms(sender, text: str, message_id: str, secret: str = SECRET):
    return Client().post(
        "/channels/sms/inbound/",
        {
            "from": sender.phone,
            "to": "20880",
            "text": text,
            "date": "2026-05-09 10:15:00",
            "id": message_id,
            "linkId": "SampleLinkId123",
        },
        headers={"X-Sokoni-Secret": secret},
    )


def test_an_inbound_sms_replayed_releases_the_escrow_once(tasks, settings):
    """Without the gateway's secret first: 403, nothing changed. Then RECEIVED <order> <PIN>
    delivered four times with one message id: one release, one stored message, one reply;
    every delivery answered 200 OK."""
    # given
    settings.CHANNELS_SECRET = SECRET
    buyer = UserFactory(language="en")
    pin_set(user=buyer, new_pin=PIN)
    order = shipped_order(tasks, buyer=buyer)
    message_id = f"ATXid_faults_{next(_ids)}"

    def deliver(secret=SECRET):
        return _sms(buyer, f"RECEIVED {order.number} {PIN}", message_id, secret=secret)

    # when: not from the gateway
    before = world()
    forged = deliver(secret="guess")
    # then
    assert forged.status_code == 403
    assert world() == before
    assert InboundSms.objects.count() == 0
    # when: from the gateway, four times
    responses = _twice_then_twice_at_once(deliver)
    # then
    assert [(r.status_code, r.content) for r in responses] == [(200, b"OK")] * 4
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert (
        JournalTransaction.objects.filter(idempotency_key=f"order:{order.pk}:release").count() == 1
    )
    assert order.events.filter(to_status=OrderStatus.COMPLETED).count() == 1
    assert InboundSms.objects.filter(provider_id=message_id).count() == 1
    assert balance(wallet_of(order.shop.owner_id)) == 237_500
    assert ledger_problems() == []


# -- USSD ----------------------------------------------------------------------------------------

VILLAGER = "+254712900001"


def _at_the_pin_prompt(client: Client) -> Dial:
    """A registered villager's session, one step before placing an order: the PIN prompt."""
    village = VillageFactory(name="Othaya")
    ServiceCentreFactory(village=village, name="Othaya Centre")
    shop = ShopFactory(village=village)
    flat_fee(village, 10_000)
    grains = CategoryFactory(name="Grains")
    ProductFactory(shop=shop, category=grains, name="Maize 90kg", price_minor=240_000, stock=12)
    phone = Dial(client, VILLAGER)
    phone.send(phone.option("Register"))
    phone.send(phone.option("Othaya Centre"), "4071", "4071")
    phone = Dial(client, VILLAGER)
    phone.send(phone.option("Buy"))
    phone.send(phone.option("Grains"))
    phone.send(phone.option("Maize 90kg"))
    phone.send("2")
    phone.send(phone.option("Yes"))
    phone.send(phone.option("Cash"))
    return phone


def _hop(phone: Dial, text: str, secret: str = SECRET):
    return Client().post(
        "/channels/ussd/",
        {
            "sessionId": phone.session_id,
            "serviceCode": "*384*7#",
            "phoneNumber": phone.phone,
            "networkCode": "63902",
            "text": text,
        },
        headers={"X-Sokoni-Secret": secret},
    )


def test_a_ussd_hop_replayed_places_one_order(tasks, settings):
    """The hop that places the order (the PIN): without the gateway's secret, 403 and
    nothing changed; then sent four times as the gateway retries: one checkout, one order,
    the stock taken once; every copy gets the same answer."""
    # given
    settings.CHANNELS_SECRET = SECRET
    client = Client(headers={"X-Sokoni-Secret": SECRET})
    phone = _at_the_pin_prompt(client)
    final = f"{phone.text}*4071"
    # when: not from the gateway
    before = world()
    forged = _hop(phone, final, secret="guess")
    # then
    assert forged.status_code == 403
    assert world() == before
    assert Checkout.objects.count() == 0
    # when: from the gateway, four times
    responses = _twice_then_twice_at_once(lambda: _hop(phone, final))
    # then
    assert [r.status_code for r in responses] == [200] * 4
    answers = {r.content.decode() for r in responses}
    assert len(answers) == 1, answers
    assert answers.pop().startswith("END ")
    assert Checkout.objects.count() == 1
    order = Order.objects.get()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert order.number in responses[0].content.decode()
    assert order.lines.get().product.stock == 10
    assert ledger_problems() == []
