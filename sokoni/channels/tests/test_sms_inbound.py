"""Inbound text-message commands at POST /channels/sms/inbound/ (Africa's Talking's fields).

Each command in English, in Swahili and in Hindi or Chinese; permissions as on the web; PINs
counted and locked; replayed message ids; the gateway's authentication; bad input of every
kind answered briefly with nothing changed.
"""

import itertools
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.urls import resolve

from sokoni.accounts.models import Pin
from sokoni.accounts.selectors import has_pin
from sokoni.accounts.services import pin_check, pin_set
from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.search import product_reindex
from sokoni.catalog.tests.factories import ProductFactory, ShopFactory
from sokoni.channels.models import InboundSms
from sokoni.channels.sms import sms_inbound
from sokoni.channels.sms_commands import HANDLERS, KEYWORDS, Command, parse
from sokoni.logistics.tests.factories import checked_in
from sokoni.messaging.models import OutboundSms
from sokoni.messaging.segments import segments
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import (
    balance,
    delivered_order,
    paid_order,
    shipped_order,
    world,
)
from sokoni.payments.codes import wallet_of
from sokoni.payments.selectors import ledger_problems
from sokoni.villages.services import resident_set_centre
from sokoni.villages.tests.factories import ServiceCentreFactory, VillageFactory

pytestmark = pytest.mark.django_db

URL = "/channels/sms/inbound/"
PIN = "4821"
_ids = itertools.count(1)


def fullwidth(text):
    """Text as a Chinese or Japanese phone may type it: fullwidth letters, digits, spaces."""
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) for c in text)


def post(data, **meta):
    """Post form fields as the gateway does (no CSRF token: the view is exempt)."""
    return Client(enforce_csrf_checks=True).post(URL, data, **meta)


def inbound(text, sender, *, message_id=None, **meta):
    """Post one message; return the response and the message id."""
    message_id = message_id or f"ATXid_{next(_ids):06d}"
    data = {
        "from": sender.phone if hasattr(sender, "phone") else sender,
        "to": "20880",
        "text": text,
        "date": "2026-05-09 10:15:00",
        "id": message_id,
        "linkId": "SampleLinkId123",
    }
    return post(data, **meta), message_id


def reply(text, sender, **kwargs):
    """Send a message and return the text message answering it (exactly one)."""
    response, message_id = inbound(text, sender, **kwargs)
    assert response.status_code == 200
    assert response.content == b"OK"
    assert response["Content-Type"].startswith("text/plain")
    sent = OutboundSms.objects.get(dedupe_key=f"sms-in:{message_id}")
    assert sent.to == (sender.phone if hasattr(sender, "phone") else sender)
    assert sent.segments <= 2
    return sent.body


@pytest.fixture
def buyer():
    person = UserFactory(language="en")
    pin_set(user=person, new_pin=PIN)
    return person


@pytest.fixture
def mtu():
    """A Swahili-speaking buyer with a PIN."""
    person = UserFactory(language="sw")
    pin_set(user=person, new_pin=PIN)
    return person


# -- the keyword table ---------------------------------------------------------------------------


def test_every_shipped_language_has_every_command():
    """Each language of settings.LANGUAGES has a word for each command (none for two)."""
    from django.conf import settings

    assert {code for code, _name in settings.LANGUAGES} == set(KEYWORDS)
    for table in KEYWORDS.values():
        assert set(table) == set(Command)


@pytest.mark.parametrize(
    ("text", "command", "args"),
    [
        ("STATUS 1042", Command.STATUS, ("1042",)),
        ("  status    SK-001042  ", Command.STATUS, ("SK-001042",)),
        ("Hali 1042", Command.STATUS, ("1042",)),
        ("स्थिति १०४२", Command.STATUS, ("1042",)),
        ("状态1042", Command.STATUS, ("1042",)),
        (fullwidth("STATUS 1042"), Command.STATUS, ("1042",)),
        ("état 7", Command.STATUS, ("7",)),
        ("STATUS:1042", Command.STATUS, ("1042",)),
        ("reçu 12 4821", Command.RECEIVED, ("12", "4821")),
        ("RECIEVED 12 4821", Command.RECEIVED, ("12", "4821")),
        ("nimepokea 12 4821", Command.RECEIVED, ("12", "4821")),
        ("价格玉米", Command.PRICE, ("玉米",)),
        ("가격 쌀", Command.PRICE, ("쌀",)),
        ("bei mahindi", Command.PRICE, ("mahindi",)),
        ("Msaada", Command.HELP, ()),
        ("मदद", Command.HELP, ()),
        ("PIN1234", Command.PIN, ("1234",)),
        ("hello", None, ()),
        ("*#", None, ()),
        ("🙂🙂", None, ()),
        ("", None, ()),
    ],
)
def test_keywords_are_read_in_every_language_whatever_the_case_accents_and_spaces(
    text, command, args
):
    parsed = parse(text)
    assert parsed.command == command
    assert parsed.args == args


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("PIN 4821", "PIN ****"),
        ("pin 4821 5930", "pin **** ****"),
        ("PIN:4821", "PIN ****"),
        ("PIN4821", "PIN ****"),
        ("RECEIVED SK-001042 4821", "RECEIVED SK-001042 ****"),
        ("收到1042 4821", "收到 1042 ****"),
        ("STATUS 1042", "STATUS 1042"),
    ],
)
def test_pins_are_masked_before_a_message_is_stored(text, stored):
    assert parse(text).redacted(text) == stored


# -- HELP ------------------------------------------------------------------------------------------


def test_help_lists_the_commands_in_english(buyer):
    body = reply("HELP", buyer)
    assert body == (
        "Sokoni commands: STATUS <order no.>, RECEIVED <order no.> <PIN>, PRICE <product>, "
        "PIN <new PIN>, HELP"
    )


def test_help_lists_the_swahili_keywords_to_a_swahili_speaker(mtu):
    body = reply("msaada", mtu)
    for word in ("HALI", "NIMEPOKEA", "BEI", "PIN", "MSAADA"):
        assert word in body
    assert "STATUS" not in body


def test_help_lists_the_chinese_keywords_to_a_chinese_speaker():
    person = UserFactory(language="zh-hans")
    body = reply("帮助", person)
    for word in ("状态", "收到", "价格", "密码", "帮助"):
        assert word in body


def test_an_unknown_command_gets_the_help_text(buyer):
    assert reply("HELLO there", buyer) == reply("HELP", buyer)


def test_a_number_without_an_account_is_told_how_to_register(settings):
    settings.USSD_CODE = "*384*7#"
    body = reply("STATUS 1042", "+254733000999")
    assert body.startswith("This number has no Sokoni account: dial *384*7# to register.")
    assert "STATUS <order no.>" in body
    assert InboundSms.objects.get().command == "status"


# -- STATUS ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("written", ["{number}", "{pk}", "sk{pk}", "SK {pk}", "Sk-{pk:06d}"])
def test_status_tells_the_buyer_their_order_status(tasks, buyer, written):
    # given
    order = shipped_order(tasks, buyer=buyer)
    ref = written.format(number=order.number, pk=order.pk)
    # when
    body = reply(f"STATUS {ref}", buyer)
    # then
    assert body == f"Order {order.number}: Shipped, money held until received."


def test_status_tells_the_shop_owner_too(tasks):
    order = paid_order(tasks)
    body = reply(f"status {order.pk}", order.shop.owner)
    assert body == f"Order {order.number}: Paid, money held in escrow."


def test_status_in_swahili_gives_the_swahili_label(tasks, mtu):
    order = shipped_order(tasks, buyer=mtu)
    body = reply(f"HALI {order.number}", mtu)
    assert order.number in body
    assert "Imetumwa, pesa zinashikiliwa hadi ipokelewe" in body


def test_status_in_hindi_gives_the_hindi_label(tasks):
    person = UserFactory(language="hi")
    order = shipped_order(tasks, buyer=person)
    digits = str(order.pk).translate(str.maketrans("0123456789", "०१२३४५६७८९"))
    body = reply(f"स्थिति {digits}", person)
    assert order.number in body
    assert "भेज दिया गया, सामान मिलने तक पैसे रुके हैं" in body


def test_status_of_a_parcel_at_a_centre_says_where_it_waits(tasks):
    # given
    person = UserFactory(language="en")
    pickup, _code = checked_in(tasks, buyer=person)
    # when
    body = reply(f"STATUS {pickup.order_id}", person)
    # then
    assert body.endswith(f"Waiting at {pickup.centre.name}.")


def test_someone_elses_order_is_not_found_and_not_described(tasks, buyer):
    # given
    order = shipped_order(tasks)
    # when
    body = reply(f"STATUS {order.pk}", buyer)
    # then
    assert body == f"No order {order.number} found for this phone number."
    assert "Shipped" not in body


def test_an_order_waiting_for_payment_is_not_shown_to_the_seller(tasks):
    from sokoni.orders.tests.factories import place

    checkout = place()
    order = checkout.orders.get()
    body = reply(f"STATUS {order.pk}", order.shop.owner)
    assert body == f"No order {order.number} found for this phone number."


# -- RECEIVED --------------------------------------------------------------------------------------


@pytest.mark.parametrize("delivered", [False, True], ids=["on its way", "delivered"])
def test_received_with_the_pin_releases_the_escrow(tasks, buyer, delivered):
    """On its way or already recorded as delivered by the carrier: confirming releases."""
    # given
    order = (delivered_order if delivered else shipped_order)(tasks, buyer=buyer)
    seller_before = balance(wallet_of(order.shop.owner_id))
    # when
    body = reply(f"RECEIVED {order.number} {PIN}", buyer)
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert body == (
        f"Thank you. Order {order.number} is confirmed and the money is released to the seller."
    )
    assert balance(wallet_of(order.shop.owner_id)) > seller_before
    assert ledger_problems() == []
    stored = InboundSms.objects.get()
    assert stored.command == "received"
    assert PIN not in stored.text
    assert stored.reply == body


def test_nimepokea_in_swahili_releases_the_escrow(tasks, mtu):
    order = shipped_order(tasks, buyer=mtu)
    body = reply(f"nimepokea {order.pk} {PIN}", mtu)
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert order.number in body
    assert ledger_problems() == []


def test_shouhuo_in_chinese_releases_the_escrow(tasks):
    person = UserFactory(language="zh-hans")
    pin_set(user=person, new_pin=PIN)
    order = shipped_order(tasks, buyer=person)
    reply(f"收到 {order.pk} {PIN}", person)
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert ledger_problems() == []


def test_three_wrong_pins_lock_and_then_even_the_right_one_is_refused(tasks, buyer):
    # given
    order = shipped_order(tasks, buyer=buyer)
    before = world()
    # when
    answers = [reply(f"RECEIVED {order.pk} 9999", buyer) for _ in range(3)]
    after_lock = reply(f"RECEIVED {order.pk} {PIN}", buyer)
    # then
    assert answers[0] == "Wrong PIN, 2 tries left."
    assert answers[1] == "Wrong PIN, 1 try left."
    assert answers[2] == "Too many wrong PINs: your PIN is locked. Try again in 60 minutes."
    assert after_lock.startswith("Too many wrong PINs: your PIN is locked.")
    assert world() == before
    assert Pin.objects.get(user=buyer).locked_until is not None


def test_received_for_someone_elses_order_is_not_found_and_spends_no_pin_try(tasks, buyer):
    order = shipped_order(tasks)
    before = world()
    body = reply(f"RECEIVED {order.pk} {PIN}", buyer)
    assert body == f"No order {order.number} found for this phone number."
    assert world() == before
    assert Pin.objects.get(user=buyer).failures == 0


def test_received_before_shipping_says_why_and_spends_no_pin_try(tasks, buyer):
    order = paid_order(tasks, buyer=buyer)
    before = world()
    body = reply(f"RECEIVED {order.pk} 9999", buyer)
    assert body == f"Order {order.number} cannot be confirmed now: Paid, money held in escrow."
    assert world() == before
    assert Pin.objects.get(user=buyer).failures == 0


def test_received_for_a_parcel_at_a_centre_asks_for_the_pickup_code(tasks):
    person = UserFactory(language="en")
    pin_set(user=person, new_pin=PIN)
    pickup, _code = checked_in(tasks, buyer=person)
    before = world()
    body = reply(f"RECEIVED {pickup.order_id} {PIN}", person)
    assert "pickup code" in body
    assert world() == before


def test_received_without_a_pin_set_says_how_to_set_one(tasks):
    person = UserFactory(language="en")
    order = shipped_order(tasks, buyer=person)
    body = reply(f"RECEIVED {order.pk} {PIN}", person)
    assert body == "You have no PIN yet. To set one, send: PIN <new PIN>"
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED


# -- PRICE -----------------------------------------------------------------------------------------


@pytest.fixture
def maize():
    """Maize in three villages at growing distances from Othaya, listed and indexed; the
    farthest is the newest (search's own order would put it first)."""
    home = VillageFactory(name="Othaya", latitude=Decimal("-0.42"), longitude=Decimal("36.95"))
    near = VillageFactory(name="Karima", latitude=Decimal("-0.45"), longitude=Decimal("36.93"))
    mid = VillageFactory(name="Nanyuki", latitude=Decimal("0.01"), longitude=Decimal("37.07"))
    far = VillageFactory(name="Kitale", latitude=Decimal("1.02"), longitude=Decimal("35.00"))
    products = [
        ProductFactory(name="Maize 50 kg", price_minor=240_000, shop=ShopFactory(village=v))
        for v in (home, near, mid, far)
    ]
    honey = ProductFactory(name="Honey 1 kg", price_minor=90_000, shop=ShopFactory(village=home))
    product_reindex([p.pk for p in [*products, honey]])
    return home


def test_price_lists_the_nearest_three_to_the_home_centre(maize, buyer):
    # given
    resident_set_centre(user=buyer, centre=ServiceCentreFactory(village=maize))
    # when
    body = reply("PRICE maize", buyer)
    # then
    assert body == (
        "Maize 50 kg KES2,400.00 (Othaya); Maize 50 kg KES2,400.00 (Karima); "
        "Maize 50 kg KES2,400.00 (Nanyuki)"
    )


def test_price_without_a_home_centre_lists_any_three(maize, buyer):
    body = reply("price MAIZE", buyer)
    assert body.count("Maize 50 kg") == 3
    assert "Honey" not in body


def test_bei_in_swahili_lists_prices_formatted_for_swahili(maize, mtu):
    resident_set_centre(user=mtu, centre=ServiceCentreFactory(village=maize))
    body = reply("BEI maize", mtu)
    assert body.startswith("Maize 50 kg Ksh 2,400.00 (Othaya)")


def test_price_in_chinese_sends_whole_lines_that_fit_two_segments():
    # given: three long Chinese names; three lines would take three UCS-2 segments
    person = UserFactory(language="zh-hans")
    name = "优质高原白玉米" * 5
    products = [ProductFactory(name=name, price_minor=240_000) for _ in range(3)]
    product_reindex([p.pk for p in products])
    # when
    body = reply("价格玉米", person)
    # then
    assert body.count(name[:40]) == 2
    assert "…" not in body
    assert segments(body).count == 2


def test_price_of_nothing_known_says_so(maize, buyer):
    assert reply("PRICE zzqqxx", buyer) == "No products found for: zzqqxx"


# -- PIN -------------------------------------------------------------------------------------------


def test_pin_sets_a_first_pin_and_then_changes_it():
    # given
    person = UserFactory(language="en")
    # when
    first = reply("PIN 4821", person)
    again = reply("PIN 5930", person)
    changed = reply("PIN 4821 5930", person)
    # then
    assert first == "Your PIN is set. Keep it secret: Sokoni never asks for it."
    assert again == "You already have a PIN. To change it, send: PIN <old> <new>"
    assert changed == "Your PIN is changed. Keep it secret: Sokoni never asks for it."
    pin_check(user=person, pin="5930")
    assert all("4821" not in m.text and "5930" not in m.text for m in InboundSms.objects.all())


def test_siri_in_swahili_sets_a_pin():
    person = UserFactory(language="sw")
    reply("siri 4821", person)
    pin_check(user=person, pin="4821")


def test_mima_in_chinese_sets_a_pin_written_in_fullwidth_digits():
    person = UserFactory(language="zh-hans")
    reply(f"密码 {fullwidth('4821')}", person)
    pin_check(user=person, pin="4821")


def test_a_weak_pin_is_refused():
    person = UserFactory(language="en")
    body = reply("PIN 1234", person)
    assert body == "A PIN has 4 to 6 digits, not all the same and not in a row (not 1234)."
    assert not has_pin(person)


def test_changing_the_pin_with_a_wrong_old_one_counts_a_try(buyer):
    body = reply("PIN 1111 5930", buyer)
    assert body == "Wrong PIN, 2 tries left."
    pin_check(user=buyer, pin=PIN)


# -- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("STATUS", "To see an order, send: STATUS <order no.>"),
        ("STATUS abc", "To see an order, send: STATUS <order no.>"),
        ("STATUS #1042", "To see an order, send: STATUS <order no.>"),
        ("STATUS *1042#", "To see an order, send: STATUS <order no.>"),
        ("RECEIVED", "To confirm you received an order, send: RECEIVED <order no.> <PIN>"),
        ("RECEIVED 12", "To confirm you received an order, send: RECEIVED <order no.> <PIN>"),
        ("RECEIVED abc 4821", "To confirm you received an order, send: RECEIVED <order no.> <PIN>"),
        ("RECEIVED 12 four", "To confirm you received an order, send: RECEIVED <order no.> <PIN>"),
        ("PRICE", "To see prices, send: PRICE <product>"),
        ("PRICE 🙂 *#", "To see prices, send: PRICE <product>"),
        ("PIN", "To set a PIN, send: PIN <new PIN>. To change it: PIN <old> <new>"),
        ("PIN abcd", "To set a PIN, send: PIN <new PIN>. To change it: PIN <old> <new>"),
        ("PIN 1 2 3", "To set a PIN, send: PIN <new PIN>. To change it: PIN <old> <new>"),
    ],
)
def test_a_command_with_missing_or_wrong_arguments_gets_its_usage_line(
    tasks, buyer, text, expected
):
    order = shipped_order(tasks, buyer=buyer)
    before = world()
    assert reply(text, buyer) == expected
    assert world() == before
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert Pin.objects.get(user=buyer).failures == 0


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "🙂🙂🙂",
        "*#*#",
        "*384*7#",
        "x" * 1600,
        "STATUS " + "9" * 1600,
        "RECEIVED " + "1" * 800 + " " + "2" * 800,
        "PRICE " + "maize " * 300,
        "\x00\x01 HELP \x00",
    ],
)
def test_odd_messages_get_a_short_reply_and_change_nothing(tasks, buyer, text):
    shipped_order(tasks, buyer=buyer)
    before = world()
    body = reply(text, buyer)
    assert body
    assert segments(body).count <= 2
    assert world() == before
    assert Pin.objects.get(user=buyer).failures == 0
    assert InboundSms.objects.count() == 1


def test_a_text_longer_than_1600_characters_is_kept_cut(buyer):
    reply("HELP " + "a" * 3000, buyer)
    assert len(InboundSms.objects.get().text) == 1600


# -- the gateway -----------------------------------------------------------------------------------


def test_a_replayed_message_id_sends_one_reply_and_confirms_once(tasks, buyer):
    # given
    order = shipped_order(tasks, buyer=buyer)
    first, message_id = inbound(f"RECEIVED {order.pk} {PIN}", buyer)
    journals = world()["journals"]
    # when
    again, _same = inbound(f"RECEIVED {order.pk} {PIN}", buyer, message_id=message_id)
    # then
    assert first.status_code == again.status_code == 200
    assert again.content == b"OK"
    assert InboundSms.objects.count() == 1
    assert OutboundSms.objects.filter(to=buyer.phone, dedupe_key__startswith="sms-in:").count() == 1
    assert world()["journals"] == journals


def test_a_replayed_wrong_pin_is_counted_once(tasks, buyer):
    order = shipped_order(tasks, buyer=buyer)
    _response, message_id = inbound(f"RECEIVED {order.pk} 9999", buyer)
    inbound(f"RECEIVED {order.pk} 9999", buyer, message_id=message_id)
    assert Pin.objects.get(user=buyer).failures == 1


@pytest.mark.parametrize("missing", ["from", "id", "text"])
def test_a_request_missing_a_field_is_refused_and_nothing_is_stored(buyer, missing):
    data = {"from": buyer.phone, "to": "20880", "text": "HELP", "id": "ATXid_x", "linkId": ""}
    del data[missing]
    response = post(data)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert missing in response.content.decode()
    assert not InboundSms.objects.exists()
    assert not OutboundSms.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"from": "not a phone", "text": "HELP", "id": "ATXid_1"},
        {"from": "+2547" + "1" * 60, "text": "HELP", "id": "ATXid_1"},
        {"from": "+254722000111", "text": "HELP", "id": ""},
        {"from": "+254722000111", "text": "HELP", "id": "x" * 101},
    ],
)
def test_a_malformed_sender_or_id_is_refused_and_nothing_is_stored(data):
    assert post(data).status_code == 400
    assert not InboundSms.objects.exists()
    assert not OutboundSms.objects.exists()


def test_the_address_is_the_inbound_view():
    assert resolve(URL).func is sms_inbound


def test_only_post_is_allowed(buyer):
    response = Client().get(URL, {"from": buyer.phone, "id": "ATXid_1", "text": "HELP"})
    assert response.status_code == 405
    assert not InboundSms.objects.exists()


def test_a_wrong_secret_is_refused_and_nothing_is_stored(settings, buyer):
    settings.CHANNELS_SECRET = "gateway-secret"
    refused, _id = inbound("HELP", buyer, HTTP_X_SOKONI_SECRET="guess")
    missing, _id = inbound("HELP", buyer)
    assert refused.status_code == missing.status_code == 403
    assert not InboundSms.objects.exists()
    assert not OutboundSms.objects.exists()
    accepted, _id = inbound("HELP", buyer, HTTP_X_SOKONI_SECRET="gateway-secret")
    assert accepted.status_code == 200
    assert InboundSms.objects.count() == 1


def test_an_address_outside_the_allow_list_is_refused_and_nothing_is_stored(settings, buyer):
    settings.CHANNELS_ALLOWED_IPS = ["196.201.214.0/24"]
    refused, _id = inbound("HELP", buyer, REMOTE_ADDR="10.0.0.7")
    assert refused.status_code == 403
    assert not InboundSms.objects.exists()
    assert not OutboundSms.objects.exists()
    accepted, _id = inbound("HELP", buyer, REMOTE_ADDR="196.201.214.33")
    assert accepted.status_code == 200


def test_a_failing_command_still_answers_ok_and_apologises(buyer, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(HANDLERS, Command.STATUS, broken)
    assert reply("STATUS 1", buyer) == "Sorry, that did not work. Please try again later."


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_message_posted_at_the_same_moment_runs_once(tasks):
    """Two workers get the same message id at once: one runs it, the other answers OK."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    # given
    person = UserFactory(language="en")
    pin_set(user=person, new_pin=PIN)
    order = shipped_order(tasks, buyer=person)
    data = {"from": person.phone, "text": f"RECEIVED {order.pk} {PIN}", "id": "ATXid_race"}
    barrier = threading.Barrier(4)
    codes = []

    def run():
        try:
            barrier.wait()
            codes.append(post(dict(data)).status_code)
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert codes == [200, 200, 200, 200]
    assert InboundSms.objects.count() == 1
    assert OutboundSms.objects.filter(dedupe_key="sms-in:ATXid_race").count() == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert ledger_problems() == []
