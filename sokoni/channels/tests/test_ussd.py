"""USSD menus: navigation, bad input, PINs, languages, idempotent hops, selling, paying."""

import pytest
from django.test import override_settings

from sokoni.accounts.models import User
from sokoni.accounts.services import pin_set, villager_register
from sokoni.catalog.tests.factories import CategoryFactory, ProductFactory, ShopFactory
from sokoni.channels.models import UssdSession
from sokoni.channels.tests.ussd import Dial
from sokoni.channels.ussd.text import Screen, money, plain
from sokoni.messaging.models import OutboundSms
from sokoni.orders.models import Checkout, Order
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import shipped_order, world
from sokoni.payments.models import PaymentIntent
from sokoni.payments.selectors import ledger_problems
from sokoni.payments.states import PaymentStatus
from sokoni.villages.services import resident_set_centre
from sokoni.villages.tests.factories import ServiceCentreFactory, VillageFactory

pytestmark = pytest.mark.django_db

PHONE = "+254712900002"


@pytest.fixture
def centre():
    return ServiceCentreFactory(village=VillageFactory(name="Othaya"), name="Othaya Centre")


@pytest.fixture
def member(centre):
    user = villager_register(phone=PHONE, name="Njeri")
    resident_set_centre(user=user, centre=centre)
    pin_set(user=user, new_pin="4071")
    return user


@pytest.fixture
def goods(centre):
    shop = ShopFactory(village=centre.village)
    grains = CategoryFactory(name="Grains")
    return [
        ProductFactory(shop=shop, category=grains, name=f"Beans {n}", price_minor=10_000 * n)
        for n in range(1, 8)
    ]


def post(client, **fields):
    data = {
        "sessionId": "s-1",
        "serviceCode": "*384*7#",
        "phoneNumber": PHONE,
        "networkCode": "63902",
        "text": "",
    }
    data.update(fields)
    return client.post("/channels/ussd/", {k: v for k, v in data.items() if v is not None})


# -- the protocol --------------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["sessionId", "phoneNumber", "text", "serviceCode"])
def test_a_request_missing_a_field_is_refused_and_stores_nothing(client, missing):
    response = post(client, **{missing: None})
    assert response.status_code == 400
    assert response.content.decode().startswith("END ")
    assert not UssdSession.objects.exists()


def test_a_phone_number_that_is_not_one_is_refused(client):
    response = post(client, phoneNumber="not a phone")
    assert response.status_code == 400
    assert not UssdSession.objects.exists()


def test_only_post(client):
    assert client.get("/channels/ussd/").status_code == 405


@override_settings(CHANNELS_SECRET="s3cret")
def test_the_gateway_must_give_the_shared_secret(client):
    assert post(client).status_code == 403
    assert not UssdSession.objects.exists()
    ok = client.post(
        "/channels/ussd/?secret=s3cret",
        {"sessionId": "s-2", "serviceCode": "*384*7#", "phoneNumber": PHONE, "text": ""},
    )
    assert ok.status_code == 200


@override_settings(CHANNELS_ALLOWED_IPS=["196.201.214.0/24"])
def test_calls_from_elsewhere_are_refused(client):
    assert post(client).status_code == 403
    allowed = client.post(
        "/channels/ussd/",
        {"sessionId": "s-3", "serviceCode": "*384*7#", "phoneNumber": PHONE, "text": ""},
        REMOTE_ADDR="196.201.214.7",
    )
    assert allowed.status_code == 200


def test_a_session_id_reused_by_another_phone_changes_nothing(client, member, goods):
    # given
    phone = Dial(client, PHONE, session_id="shared")
    phone.send("1")
    state = UssdSession.objects.get(session_id="shared").state
    # when
    other = client.post(
        "/channels/ussd/",
        {
            "sessionId": "shared",
            "serviceCode": "*384*7#",
            "phoneNumber": "+254712900099",
            "text": "1*1",
        },
    )
    # then
    assert other.content.decode().startswith("END ")
    assert UssdSession.objects.get(session_id="shared").state == state


def test_a_retried_hop_gets_the_same_answer_and_orders_once(client, member, goods):
    # given
    phone = Dial(client, PHONE)
    phone.send("1", "1", "1", "2", "1", "2")
    # when: the PIN hop, twice
    first = phone.send("4071")
    again = phone._post(phone.text)
    # then
    assert first == again
    assert Checkout.objects.count() == 1
    assert PaymentIntent.objects.count() == 1


def test_a_shortcut_dial_takes_several_inputs_at_once(client, member, goods):
    response = post(client, sessionId="short", text="1*1")
    assert "Beans 1" in response.content.decode()


def test_a_text_that_does_not_follow_the_session_ends_it(client, member):
    Dial(client, PHONE, session_id="jump").send("1")
    response = post(client, sessionId="jump", text="2*2*2")
    assert response.content.decode().startswith("END ")


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad", ["7", "abc", "*", "#", "1#", "2*1", "\U0001f33d", "x" * 200, "1" * 200]
)
def test_bad_input_repeats_the_screen_with_a_short_error(client, member, goods, bad):
    # given
    phone = Dial(client, PHONE)
    home = phone.reply
    before = world()
    # when
    reply = phone.send(bad)
    # then
    assert reply.startswith("CON Wrong choice")
    assert home.removeprefix("CON ") in reply
    assert world() == before


def test_an_empty_input_repeats_the_screen(client, member, goods):
    phone = Dial(client, PHONE)
    phone.send("1")
    assert phone.send("").startswith("CON Wrong choice")
    assert "Grains" in phone.reply


def test_a_quantity_out_of_range_or_not_digits_is_refused(client, member, goods):
    phone = Dial(client, PHONE)
    phone.send("1", "1", "1")
    for bad in ["11", "abc", "-1", "1.5"]:
        assert phone.send(bad).startswith("CON ")
        assert "How many?" in phone.reply
    assert not Checkout.objects.exists()


def test_three_wrong_pins_lock_ordering_for_an_hour(client, member, goods):
    phone = Dial(client, PHONE)
    phone.send("1", "1", "1", "2", "1", "1")
    assert "2 tries left" in phone.send("1000")
    assert "1 tries left" in phone.send("1001")
    assert phone.send("1002").startswith("END Too many wrong PINs")
    again = Dial(client, PHONE)
    again.send("1", "1", "1", "2", "1", "1")
    assert again.send("4071").startswith("END Too many wrong PINs")
    assert not Checkout.objects.exists()


# -- navigation ----------------------------------------------------------------------------------


def test_long_lists_page_with_98_and_0_goes_back_00_home(client, member, goods):
    phone = Dial(client, PHONE)
    phone.send("1", "1")
    assert "Beans 5" in phone.reply
    assert "Beans 6" not in phone.reply
    assert "98 More" in phone.reply
    phone.send("98")
    assert "Beans 6" in phone.reply
    assert "Beans 7" in phone.reply
    assert "No more" in phone.send("98")
    phone.send("0")
    assert "Grains" in phone.reply
    phone.send("00")
    assert "1 Buy" in phone.reply


def test_help_is_9_on_every_menu(client, member, goods):
    phone = Dial(client, PHONE)
    assert "9 Help" in phone.reply
    phone.send("9")
    assert "0 back, 00 home" in phone.reply
    assert "Othaya Centre" in phone.reply
    phone.send("0")
    assert "1 Buy" in phone.reply


def test_every_screen_fits_in_182_plain_characters_in_every_language(client, member, goods):
    for language in ["en", "sw", "hi", "zh-hans", "ko", "es", "fr"]:
        User.objects.filter(pk=member.pk).update(language=language)
        phone = Dial(client, PHONE)  # Dial checks the length of every reply
        for value in ["9", "0", "1", "1", "98", "0", "1", "2", "1", "0", "0", "0", "00", "2", "5"]:
            phone.send(value)


def test_a_non_seller_sees_no_sell_menu_and_cannot_reach_it(client, member):
    phone = Dial(client, PHONE)
    assert "Sell" not in phone.reply
    assert phone.send("3").startswith("CON Wrong choice")


# -- language and PIN ----------------------------------------------------------------------------


def test_the_language_chosen_is_remembered(client, member):
    phone = Dial(client, PHONE)
    phone.send("5")
    phone.send(phone.option("Kiswahili"))
    member.refresh_from_db()
    assert member.language == "sw"
    assert "Nunua" in Dial(client, PHONE).reply


def test_an_unknown_number_may_choose_its_language_before_registering(client, centre):
    phone = Dial(client, "+254712900055")
    phone.send("5", "2")
    assert "Sajili" in phone.reply
    phone.send("1", "1", "4071", "4071")
    assert User.objects.get(phone="+254712900055").language == "sw"


def test_registering_without_a_centre_in_the_country(client):
    phone = Dial(client, "+254712900056")
    phone.send("1")
    assert "no service centre in your country" in phone.reply


def test_two_different_pins_when_registering_start_again(client, centre):
    phone = Dial(client, "+254712900057")
    phone.send("1", "1", "4071", "5082")
    assert "not the same" in phone.reply
    assert not User.objects.filter(phone="+254712900057").exists()
    phone.send("5082", "5082")
    assert User.objects.filter(phone="+254712900057").exists()


def test_a_villager_registered_by_the_operator_sets_a_pin_on_the_phone(client, centre):
    villager_register(phone="+254712900058", name="Wambui")
    phone = Dial(client, "+254712900058")
    assert "Set your PIN" in phone.reply
    phone.send("1", "1234")
    assert "not in a row" in phone.reply
    phone.send("4071", "4071")
    assert "Your PIN is set" in phone.reply
    assert "1 Buy" in phone.reply


def test_changing_the_pin_asks_the_old_one_first(client, member):
    phone = Dial(client, PHONE)
    phone.send("6", "1000")
    assert "Wrong PIN" in phone.reply
    phone.send("4071", "5082", "5082")
    assert "Your PIN is set" in phone.reply
    from sokoni.accounts.services import pin_check

    pin_check(user=member, pin="5082")


# -- buying by mobile money ----------------------------------------------------------------------


def test_mobile_money_is_requested_after_the_hop_and_the_callback_pays(
    client, member, goods, tasks
):
    from django.utils import timezone

    phone = Dial(client, PHONE)
    phone.send("1", "1", "1", "2", "1", "1", "4071")
    assert phone.ended
    assert "Approve" in phone.reply
    intent = PaymentIntent.objects.get()
    assert intent.provider_ref == ""  # nobody waited for the provider in the hop
    tasks.run(now=timezone.now() + timezone.timedelta(seconds=30))
    order = Order.objects.get()
    assert order.status == OrderStatus.PAID
    assert PaymentIntent.objects.get().status == PaymentStatus.SUCCEEDED
    assert ledger_problems() == []


# -- my orders -----------------------------------------------------------------------------------


def test_confirming_receipt_with_the_pin_releases_the_escrow(client, member, tasks):
    order = shipped_order(tasks, buyer=member)
    phone = Dial(client, PHONE)
    phone.send("2")
    phone.send(phone.option(order.number))
    assert "On its way" in phone.reply
    phone.send(phone.option("Confirm receipt"), "4071")
    assert phone.ended
    assert "Thank you" in phone.reply
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert ledger_problems() == []


def test_someone_elses_orders_are_not_listed(client, member, tasks):
    other = shipped_order(tasks)
    phone = Dial(client, PHONE)
    phone.send("2")
    assert other.number not in phone.reply
    assert "no orders yet" in phone.reply


# -- selling -------------------------------------------------------------------------------------


@pytest.fixture
def seller(member, centre):
    shop = ShopFactory(owner=member, village=centre.village)
    return ProductFactory(shop=shop, name="Honey 1kg", price_minor=80_000, stock=4)


def test_a_seller_changes_a_price_and_the_stock(client, member, seller):
    phone = Dial(client, PHONE)
    phone.send("3", "1")
    phone.send(phone.option("Honey"))
    assert "In stock: 4" in phone.reply
    phone.send("1", "950", "4071")
    assert "Saved" in phone.reply
    phone.send("2", "25", "4071")
    seller.refresh_from_db()
    assert (seller.price_minor, seller.stock) == (95_000, 25)
    phone.send("3", "4071")
    seller.refresh_from_db()
    assert seller.stock == 0


def test_a_wrong_pin_saves_nothing(client, member, seller):
    phone = Dial(client, PHONE)
    phone.send("3", "1", "1", "1", "950", "9999")
    seller.refresh_from_db()
    assert seller.price_minor == 80_000


def test_a_seller_sees_the_wallet(client, member, seller):
    phone = Dial(client, PHONE)
    phone.send("4")
    assert "My wallet" in phone.reply
    assert "KES 0" in phone.reply


# -- text helpers --------------------------------------------------------------------------------


def test_plain_text_drops_emoji_and_controls_but_keeps_scripts():
    assert plain("Asali \U0001f36f ya\tnyuki\n") == "Asali ya nyuki"
    assert plain("शहद 1kg") == "शहद 1kg"
    assert plain("蜂蜜") == "蜂蜜"


def test_money_shows_decimals_only_when_needed():
    assert money(240_000, "KES") == "KES 2,400"
    assert money(350, "USD") == "USD 3.50"
    assert money(5000, "KRW") == "KRW 5,000"


def test_a_screen_too_long_is_cut_to_182_characters():
    screen = Screen(
        ["A question " * 10], [(str(n), "A very long product name " * 3) for n in range(1, 6)]
    )
    assert len(screen.render()) <= 182
    assert "\n5 " in screen.render()


def test_old_sessions_are_pruned(client, member):
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    Dial(client, PHONE, session_id="old")
    Dial(client, PHONE, session_id="new")
    UssdSession.objects.filter(session_id="old").update(
        updated_at=timezone.now() - timedelta(days=3)
    )
    out = StringIO()
    call_command("ussd_prune", stdout=out)
    assert "deleted 1" in out.getvalue()
    assert list(UssdSession.objects.values_list("session_id", flat=True)) == ["new"]


def test_a_cash_order_texts_the_reference_to_take_to_the_centre(client, member, goods, tasks):
    phone = Dial(client, PHONE)
    phone.send("1", "1", "1", "2", "1", "2", "4071")
    tasks.run(only={"cash_due_notice_task"})
    intent = PaymentIntent.objects.get()
    texts = list(OutboundSms.objects.filter(to=PHONE).values_list("body", flat=True))
    assert any(intent.reference in text and "Othaya Centre" in text for text in texts), texts
