"""The cart, checkout and pay pages: plain HTML forms over the cart and checkout services."""

import gzip
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from sokoni.accounts.tests.factories import PASSWORD, UserFactory
from sokoni.catalog.models import Product
from sokoni.catalog.tests.factories import ProductFactory, ShopFactory
from sokoni.orders.models import CartItem, Checkout, Order
from sokoni.orders.services.cart import SESSION_KEY, cart_add
from sokoni.orders.services.due import orders_run_due
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import place
from sokoni.payments.codes import escrow_for_order
from sokoni.payments.models import FxRate, JournalTransaction, PaymentIntent
from sokoni.payments.selectors import account_balance
from sokoni.payments.states import PaymentStatus
from sokoni.shipping.tests.factories import flat_fee, test_hub
from sokoni.villages.tests.factories import ServiceCentreFactory, VillageFactory

pytestmark = pytest.mark.django_db

CARD_PAYS = "4242 4242 4242 4242"
CARD_DECLINED = "4000 0000 0000 0002"


# -- helpers shared by the other test_views_*.py modules ------------------------------------


def messages_of(response) -> list[str]:
    """The messages this request added (Django keeps earlier unread ones apart)."""
    return [str(m) for m in response.wsgi_request._messages._queued_messages]


def text_of(response) -> str:
    """The page's text with tags dropped and spaces collapsed, for reading sentences."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def checkout_data(**overrides) -> dict[str, str]:
    data = {
        "delivery_method": "address",
        "address": "Box 12, Othaya",
        "town": f"hub:{test_hub('KE').pk}",
        "service_centre": "",
        "recipient_name": "Grace Wanjiru",
        "recipient_phone": "+254722000111",
        "currency": "KES",
        "method": "card",
        "phone": "",
        "card_number": CARD_PAYS,
        "centre": "",
        "key": "",
    }
    data.update(overrides)
    return data


def kes_to_eur(rate="0.0071"):
    return FxRate.objects.create(
        base="KES", quote="EUR", rate=Decimal(rate), source="ECB", as_of=date(2026, 11, 27)
    )


def stock_of(product) -> int:
    return Product.objects.values_list("stock", flat=True).get(pk=product.pk)


def cart_of(user) -> list[tuple[int, int]]:
    return list(
        CartItem.objects.filter(cart__user=user)
        .order_by("product_id")
        .values_list("product_id", "quantity")
    )


def nothing_placed() -> tuple[int, int, int, int]:
    return (
        Checkout.objects.count(),
        Order.objects.count(),
        PaymentIntent.objects.count(),
        JournalTransaction.objects.count(),
    )


# -- the cart ---------------------------------------------------------------------------------


def test_visitor_adds_to_the_session_cart_and_sees_it_grouped_by_shop(client):
    """Before logging in, lines live in the session; the cart shows each shop's subtotal and fee."""
    # given
    honey = ProductFactory(name="Forest honey", price_minor=75_000, shop__name="Aberdare Honey")
    flat_fee(honey.shop.village, 20_000)
    tea = ProductFactory(name="Purple tea", price_minor=52_000, shop__name="Othaya Tea")
    product_url = reverse("web:product_detail", args=[honey.pk, honey.slug])
    # when
    response = client.post(
        reverse("orders:cart_add"),
        {"product_id": honey.pk, "quantity": "2", "next": product_url},
    )
    client.post(reverse("orders:cart_add"), {"product_id": tea.pk, "quantity": "1"})
    page = client.get(reverse("orders:cart"))
    # then
    assert response.status_code == 302
    assert response["Location"] == product_url
    assert messages_of(response) == ["Added to your cart: Forest honey."]
    assert client.session[SESSION_KEY] == {str(honey.pk): 2, str(tea.pk): 1}
    text = text_of(page)
    assert "Aberdare Honey" in text
    assert "Othaya Tea" in text
    assert re.search(
        r"Goods KES1,500.00 Delivery arrives [^K]+ KES200.00 Total for this shop KES1,700.00", text
    )
    assert re.search(r"Goods KES520.00 Delivery arrives [^K]+ Free Total for this shop", text)
    assert CartItem.objects.count() == 0


def test_signed_in_buyer_adds_to_the_account_cart(client):
    """A signed-in buyer's lines are stored in the database; adding again adds up."""
    # given
    buyer = UserFactory()
    product = ProductFactory(stock=10)
    client.force_login(buyer)
    # when
    client.post(reverse("orders:cart_add"), {"product_id": product.pk, "quantity": "2"})
    response = client.post(reverse("orders:cart_add"), {"product_id": product.pk, "quantity": "3"})
    # then
    assert response["Location"] == reverse("orders:cart")
    assert cart_of(buyer) == [(product.pk, 5)]
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize(
    ("quantity", "stock", "message"),
    [
        ("11", 10, "Only 10 of {name} left in stock."),
        ("1", 0, "{name} is sold out."),
        ("0", 10, "Enter a quantity from 1 to 999."),
        ("-2", 10, "Enter a quantity from 1 to 999."),
        ("1000", 2000, "Enter a quantity from 1 to 999."),
        ("two", 10, "Enter a quantity from 1 to 999."),
        ("", 10, "Enter a quantity from 1 to 999."),
    ],
)
def test_add_to_cart_refuses_bad_quantities_and_changes_nothing(client, quantity, stock, message):
    """Too many, sold out or not a quantity: a message, and the cart stays as it was."""
    # given
    buyer = UserFactory()
    product = ProductFactory(stock=stock, name="Clay pot")
    client.force_login(buyer)
    # when
    response = client.post(
        reverse("orders:cart_add"), {"product_id": product.pk, "quantity": quantity}
    )
    # then
    assert response.status_code == 302
    assert messages_of(response) == [message.format(name="Clay pot")]
    assert cart_of(buyer) == []


def test_visitor_cannot_go_over_stock_in_the_session_cart(client):
    """The session cart checks the stock as the account cart does."""
    # given
    product = ProductFactory(stock=3, name="Clay pot")
    client.post(reverse("orders:cart_add"), {"product_id": product.pk, "quantity": "2"})
    # when
    response = client.post(reverse("orders:cart_add"), {"product_id": product.pk, "quantity": "2"})
    # then
    assert messages_of(response) == ["Only 3 of Clay pot left in stock."]
    assert client.session[SESSION_KEY] == {str(product.pk): 2}


def test_seller_cannot_put_own_product_in_the_cart(client):
    """The own-product rule comes back as a message."""
    # given
    product = ProductFactory()
    client.force_login(product.shop.owner)
    # when
    response = client.post(reverse("orders:cart_add"), {"product_id": product.pk, "quantity": "1"})
    # then
    assert messages_of(response) == ["You cannot buy from your own shop."]
    assert cart_of(product.shop.owner) == []


def test_unknown_or_unlisted_product_is_refused(client):
    """A product not on sale, or no product at all, is refused with a message."""
    # given
    hidden = ProductFactory(is_published=False)
    # when
    unlisted = client.post(reverse("orders:cart_add"), {"product_id": hidden.pk, "quantity": "1"})
    missing = client.post(reverse("orders:cart_add"), {"product_id": "999999", "quantity": "1"})
    garbage = client.post(reverse("orders:cart_add"), {"product_id": "x", "quantity": "1"})
    # then
    for response in (unlisted, missing, garbage):
        assert messages_of(response) == ["This product is not for sale."]
    assert SESSION_KEY not in client.session


def test_add_to_cart_goes_back_only_to_this_site(client):
    """A ``next`` pointing elsewhere is ignored: the buyer lands on the cart."""
    # given
    product = ProductFactory()
    # when
    response = client.post(
        reverse("orders:cart_add"),
        {"product_id": product.pk, "quantity": "1", "next": "https://evil.example/"},
    )
    # then
    assert response["Location"] == reverse("orders:cart")


def test_add_to_cart_answers_only_post(client):
    """GET on the form's address changes nothing."""
    product = ProductFactory()
    response = client.get(reverse("orders:cart_add"), {"product_id": product.pk, "quantity": 1})
    assert response.status_code == 405
    assert SESSION_KEY not in client.session


def test_change_quantity_and_remove_lines_of_the_account_cart(client):
    """Update replaces the quantity; remove takes the line out; a bad quantity changes nothing."""
    # given
    buyer = UserFactory()
    pot, basket = ProductFactory(stock=10), ProductFactory(stock=10)
    cart_add(user=buyer, product_id=pot.pk, quantity=2)
    cart_add(user=buyer, product_id=basket.pk, quantity=1)
    client.force_login(buyer)
    # when
    client.post(reverse("orders:cart_update"), {"product_id": pot.pk, "quantity": "7"})
    refused = client.post(reverse("orders:cart_update"), {"product_id": pot.pk, "quantity": "11"})
    client.post(reverse("orders:cart_remove"), {"product_id": basket.pk})
    again = client.post(reverse("orders:cart_remove"), {"product_id": basket.pk})
    # then
    assert messages_of(refused) == [f"Only 10 of {pot.name} left in stock."]
    assert messages_of(again) == ["This product is not for sale."]
    assert cart_of(buyer) == [(pot.pk, 7)]


def test_change_quantity_and_remove_lines_of_the_session_cart(client):
    """The same forms work on the session cart before logging in."""
    # given
    pot, basket = ProductFactory(stock=10), ProductFactory(stock=10)
    client.post(reverse("orders:cart_add"), {"product_id": pot.pk, "quantity": "2"})
    client.post(reverse("orders:cart_add"), {"product_id": basket.pk, "quantity": "1"})
    # when
    client.post(reverse("orders:cart_update"), {"product_id": pot.pk, "quantity": "4"})
    client.post(reverse("orders:cart_remove"), {"product_id": basket.pk})
    # then
    assert client.session[SESSION_KEY] == {str(pot.pk): 4}


def test_another_buyers_cart_line_cannot_be_removed(client):
    """Remove acts on the user's own cart only."""
    # given
    other = UserFactory()
    product = ProductFactory()
    cart_add(user=other, product_id=product.pk, quantity=1)
    client.force_login(UserFactory())
    # when
    response = client.post(reverse("orders:cart_remove"), {"product_id": product.pk})
    # then
    assert messages_of(response) == ["This product is not for sale."]
    assert cart_of(other) == [(product.pk, 1)]


def test_session_cart_joins_the_account_cart_at_login(client):
    """Logging in through the login page moves the session cart into the account."""
    # given
    buyer = UserFactory()
    product = ProductFactory()
    client.post(reverse("orders:cart_add"), {"product_id": product.pk, "quantity": "2"})
    # when
    client.post(reverse("accounts:login"), {"phone": buyer.phone, "password": PASSWORD})
    # then
    assert cart_of(buyer) == [(product.pk, 2)]
    assert SESSION_KEY not in client.session


def test_cart_marks_lines_that_can_no_longer_be_bought(client):
    """A line above the stock left, or sold out, is flagged on the cart page."""
    # given
    buyer = UserFactory()
    pot = ProductFactory(stock=5, name="Clay pot")
    cart_add(user=buyer, product_id=pot.pk, quantity=4)
    Product.objects.filter(pk=pot.pk).update(stock=2)
    client.force_login(buyer)
    # when
    page = client.get(reverse("orders:cart"))
    # then
    assert "Only 2 left in stock: lower the quantity." in text_of(page)
    assert "Some lines cannot be bought as they are" in text_of(page)


def test_empty_cart_says_so(client):
    page = client.get(reverse("orders:cart"))
    assert page.status_code == 200
    assert "Your cart is empty." in text_of(page)


def test_cart_page_fits_in_14_kb_gzipped(client):
    """Twenty lines from five shops stay within one round trip."""
    # given
    buyer = UserFactory()
    for shop in ShopFactory.create_batch(5):
        for product in ProductFactory.create_batch(4, shop=shop):
            cart_add(user=buyer, product_id=product.pk, quantity=2)
    client.force_login(buyer)
    # when
    page = client.get(reverse("orders:cart"))
    # then
    assert page.status_code == 200
    assert len(gzip.compress(page.content)) <= 14 * 1024


def test_product_page_offers_add_to_cart_only_when_in_stock(client):
    """The product page posts to the cart; a sold-out product has no form."""
    # given
    in_stock, sold_out = ProductFactory(stock=4), ProductFactory(stock=0)
    # when
    page = client.get(reverse("web:product_detail", args=[in_stock.pk, in_stock.slug]))
    empty = client.get(reverse("web:product_detail", args=[sold_out.pk, sold_out.slug]))
    # then
    html = page.content.decode()
    assert f'action="{reverse("orders:cart_add")}"' in html
    assert 'max="4"' in html
    assert reverse("orders:cart_add") not in empty.content.decode()


# -- checkout ---------------------------------------------------------------------------------


def test_checkout_needs_login(client):
    response = client.get(reverse("orders:checkout"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={reverse('orders:checkout')}"


def test_checkout_with_an_empty_cart_goes_back_to_the_cart(client):
    client.force_login(UserFactory())
    response = client.get(reverse("orders:checkout"))
    assert response["Location"] == reverse("orders:cart")
    assert messages_of(response) == ["Your cart is empty."]


def test_checkout_form_starts_from_the_buyers_details_and_lists_open_centres(client):
    """Recipient and phone default to the buyer; centres are grouped by approved village."""
    # given
    buyer = UserFactory(name="Achieng Otieno", phone="+254712000999", currency="KES")
    cart_add(user=buyer, product_id=ProductFactory().pk, quantity=1)
    othaya = VillageFactory(name="Othaya")
    ServiceCentreFactory(village=othaya, name="Othaya market centre")
    ServiceCentreFactory(village=othaya, name="Closed centre", is_active=False)
    ServiceCentreFactory(village=VillageFactory(applied=True), name="Hidden centre")
    client.force_login(buyer)
    # when
    page = client.get(reverse("orders:checkout"))
    # then
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="Achieng Otieno"' in html
    assert 'value="+254712000999"' in html
    assert '<option value="KES" selected>KES</option>' in html
    assert '<optgroup label="Othaya">' in html
    assert "Othaya market centre" in html
    assert "Closed centre" not in html
    assert "Hidden centre" not in html
    assert "4242 4242 4242 4242" in html  # the sandbox's test cards are shown


def test_checkout_by_card_places_one_paid_order_per_shop(client):
    """Card payments answer at once: the orders are paid, held in escrow, the cart emptied."""
    # given
    buyer = UserFactory()
    honey = ProductFactory(price_minor=75_000, stock=5)
    flat_fee(honey.shop.village, 20_000)
    tea = ProductFactory(price_minor=52_000, stock=5)
    cart_add(user=buyer, product_id=honey.pk, quantity=2)
    cart_add(user=buyer, product_id=tea.pk, quantity=1)
    client.force_login(buyer)
    # when
    response = client.post(reverse("orders:checkout"), checkout_data())
    # then
    checkout = Checkout.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:checkout_pay", args=[checkout.pk])
    assert messages_of(response) == ["Paid. Thank you! The sellers are told to send your order."]
    orders = {o.shop_id: o for o in checkout.orders.all()}
    assert {o.status for o in orders.values()} == {OrderStatus.PAID}
    assert orders[honey.shop_id].total_minor == 170_000
    assert orders[tea.shop_id].total_minor == 52_000
    assert account_balance(code=escrow_for_order(orders[honey.shop_id].pk), currency="KES") == (
        170_000
    )
    assert (stock_of(honey), stock_of(tea)) == (3, 4)
    assert cart_of(buyer) == []
    assert (checkout.recipient_name, checkout.address) == ("Grace Wanjiru", "Box 12, Othaya")
    # and the pay page says it is paid, without refreshing itself
    page = client.get(response["Location"])
    assert "Paid" in text_of(page)
    assert "KES2,220.00 paid by Card" in text_of(page)
    assert "data-poll" not in page.content.decode()


def test_checkout_by_mobile_money_waits_for_the_phone_then_shows_paid(client, tasks):
    """The pay page asks again for news while the phone prompt is unanswered (a script, or the
    "Check again" link without JavaScript: a meta refresh fails WCAG's timing rule)."""
    # given
    buyer = UserFactory()
    cart_add(user=buyer, product_id=ProductFactory(price_minor=50_000).pk, quantity=1)
    client.force_login(buyer)
    # when
    response = client.post(
        reverse("orders:checkout"), checkout_data(method="mobile_money", phone="0712 345 678")
    )
    waiting = client.get(response["Location"])
    tasks.run(now=timezone.now() + timezone.timedelta(seconds=30))
    paid = client.get(response["Location"])
    # then
    assert messages_of(response) == []
    assert f'data-poll="{response["Location"]}"' in waiting.content.decode()
    assert "web/poll" in waiting.content.decode()
    assert "Check again" in text_of(waiting)
    assert "We sent a payment request to +254 712 345678." in text_of(waiting)
    assert Order.objects.get().status == OrderStatus.PAID
    assert "data-poll" not in paid.content.decode()
    assert "KES500.00 paid by Mobile money" in text_of(paid)


def test_declined_card_keeps_the_order_waiting_and_lets_the_buyer_pay_again(client):
    """A declined card is said plainly; paying again with a good card pays the same orders."""
    # given
    buyer = UserFactory()
    product = ProductFactory(price_minor=50_000, stock=3)
    cart_add(user=buyer, product_id=product.pk, quantity=1)
    client.force_login(buyer)
    # when
    response = client.post(reverse("orders:checkout"), checkout_data(card_number=CARD_DECLINED))
    page = client.get(response["Location"])
    # then
    order = Order.objects.get()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert messages_of(response) == [
        "The payment did not go through: card declined. You can try again or pay another way."
    ]
    assert "The payment by Card did not go through: card declined." in text_of(page)
    assert stock_of(product) == 2  # still reserved for the buyer
    # when they pay again with a card that pays
    again = client.post(response["Location"], {"method": "card", "card_number": CARD_PAYS})
    # then
    order.refresh_from_db()
    assert again.status_code == 302
    assert order.status == OrderStatus.PAID
    assert list(PaymentIntent.objects.order_by("pk").values_list("status", flat=True)) == [
        PaymentStatus.FAILED,
        PaymentStatus.SUCCEEDED,
    ]


def test_invalid_payment_phone_is_a_form_error_and_places_nothing(client):
    """A mobile-money number that is not a phone number is refused before anything is placed."""
    # given
    buyer = UserFactory()
    product = ProductFactory(stock=5)
    cart_add(user=buyer, product_id=product.pk, quantity=2)
    client.force_login(buyer)
    # when
    response = client.post(
        reverse("orders:checkout"), checkout_data(method="mobile_money", phone="12")
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == [
        "Enter a valid phone number, such as +254 712 345 678."
    ]
    assert "Please correct the following:" in text_of(response)
    assert nothing_placed() == (0, 0, 0, 0)
    assert stock_of(product) == 5
    assert cart_of(buyer) == [(product.pk, 2)]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"card_number": "12"}, "card_number", "Enter the card number, 12 to 19 digits."),
        ({"method": "cash", "centre": ""}, "centre", "Choose the service centre where you pay."),
        ({"address": ""}, "address", "Enter the delivery address."),
        ({"recipient_name": ""}, "recipient_name", "This field is required."),
        (
            {"recipient_phone": "abc"},
            "recipient_phone",
            "Enter a valid phone number, such as +254 712 345 678.",
        ),
        (
            {"delivery_method": "pickup", "service_centre": ""},
            "service_centre",
            "Choose a service centre.",
        ),
        ({"method": "bitcoin"}, "method", None),
        ({"currency": "XAU"}, "currency", None),
    ],
)
def test_checkout_refuses_bad_input_and_places_nothing(client, overrides, field, message):
    """Each bad field is named on the form; no checkout, order, payment or stock move."""
    # given
    buyer = UserFactory()
    product = ProductFactory(stock=5)
    cart_add(user=buyer, product_id=product.pk, quantity=1)
    client.force_login(buyer)
    # when
    response = client.post(reverse("orders:checkout"), checkout_data(**overrides))
    # then
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert errors[field] == [message]
    assert nothing_placed() == (0, 0, 0, 0)
    assert stock_of(product) == 5


def test_missing_exchange_rate_is_an_error_on_the_currency(client):
    """Paying in a currency with no rate to the shop's is refused on the currency field."""
    # given
    buyer = UserFactory()
    product = ProductFactory(stock=5)
    cart_add(user=buyer, product_id=product.pk, quantity=1)
    client.force_login(buyer)
    # when
    response = client.post(reverse("orders:checkout"), checkout_data(currency="EUR"))
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["currency"] == [
        "There is no exchange rate between these currencies."
    ]
    assert nothing_placed() == (0, 0, 0, 0)
    assert stock_of(product) == 5
    assert "There is no exchange rate to EUR yet" in text_of(response)


def test_paying_in_another_currency_shows_the_converted_total_and_rate(client):
    """The checkout estimates the total; the pay page shows what was paid and the rate used."""
    # given
    kes_to_eur("0.0071")
    buyer = UserFactory(currency="EUR")
    cart_add(user=buyer, product_id=ProductFactory(price_minor=100_000).pk, quantity=2)
    client.force_login(buyer)
    # when
    form_page = client.get(reverse("orders:checkout"))
    response = client.post(reverse("orders:checkout"), checkout_data(currency="EUR"))
    page = client.get(response["Location"])
    # then
    assert "Total to pay in EUR: €14.20" in text_of(form_page)
    assert "Rate: 1 KES = 0.0071 EUR (ECB, 11/27/2026)" in text_of(form_page)
    order = Order.objects.get()
    assert (order.pay_currency, order.pay_total_minor, order.status) == ("EUR", 1420, "paid")
    assert "KES2,000.00 = €14.20" in text_of(page)
    assert "Rate: 1 KES = 0.0071 EUR (ECB, 11/27/2026)" in text_of(page)


def test_preview_shows_another_currency_without_placing_anything(client):
    """The second button recalculates the total and keeps what was typed."""
    # given
    kes_to_eur("0.0071")
    buyer = UserFactory(currency="KES")
    cart_add(user=buyer, product_id=ProductFactory(price_minor=100_000).pk, quantity=1)
    client.force_login(buyer)
    # when
    response = client.post(
        reverse("orders:checkout"),
        checkout_data(currency="EUR", address="Plot 7, Karima", preview="1"),
    )
    # then
    assert response.status_code == 200
    assert "Total to pay in EUR: €7.10" in text_of(response)
    assert "Plot 7, Karima" in response.content.decode()
    assert "Please correct" not in text_of(response)
    assert nothing_placed() == (0, 0, 0, 0)


def test_not_enough_stock_at_checkout_places_nothing(client):
    """When the stock fell below the cart's quantity, the form says so and nothing is placed."""
    # given
    buyer = UserFactory()
    product = ProductFactory(stock=5, name="Clay pot")
    cart_add(user=buyer, product_id=product.pk, quantity=4)
    Product.objects.filter(pk=product.pk).update(stock=3)
    client.force_login(buyer)
    # when
    response = client.post(reverse("orders:checkout"), checkout_data())
    # then
    assert response.context["form"].non_field_errors() == ["Only 3 of Clay pot left in stock."]
    assert nothing_placed() == (0, 0, 0, 0)
    assert stock_of(product) == 3
    assert cart_of(buyer) == [(product.pk, 4)]


def test_unlisted_product_at_checkout_is_named(client):
    """A product taken off sale after it went in the cart is named in the error."""
    # given
    buyer = UserFactory()
    product = ProductFactory(name="Clay pot")
    cart_add(user=buyer, product_id=product.pk, quantity=1)
    Product.objects.filter(pk=product.pk).update(is_listed=False)
    client.force_login(buyer)
    # when
    response = client.post(reverse("orders:checkout"), checkout_data())
    # then
    assert response.context["form"].non_field_errors() == [
        "Clay pot is no longer for sale: remove it from your cart."
    ]
    assert nothing_placed() == (0, 0, 0, 0)


def test_gift_to_a_relative_with_pickup_at_a_centre(client):
    """The recipient may differ from the buyer; pickup stores the centre and no address."""
    # given
    buyer = UserFactory(name="Achieng Otieno")
    centre = ServiceCentreFactory(name="Othaya market centre")
    cart_add(user=buyer, product_id=ProductFactory().pk, quantity=1)
    client.force_login(buyer)
    # when
    client.post(
        reverse("orders:checkout"),
        checkout_data(
            delivery_method="pickup",
            service_centre=str(centre.pk),
            address="ignored",
            recipient_name="Mama Atieno",
            recipient_phone="0722 000 222",
        ),
    )
    # then
    checkout = Checkout.objects.get()
    assert (
        checkout.delivery_method,
        checkout.service_centre_id,
        checkout.address,
        checkout.recipient_name,
        checkout.recipient_phone,
    ) == ("pickup", centre.pk, "", "Mama Atieno", "+254722000222")


def test_the_same_form_sent_twice_places_and_pays_once(client):
    """A double tap on a slow link replays the first checkout instead of making a second."""
    # given
    buyer = UserFactory()
    product = ProductFactory(stock=5)
    cart_add(user=buyer, product_id=product.pk, quantity=1)
    client.force_login(buyer)
    data = checkout_data(key="k" * 32)
    # when
    first = client.post(reverse("orders:checkout"), data)
    second = client.post(reverse("orders:checkout"), data)
    # then
    assert first["Location"] == second["Location"]
    assert Checkout.objects.count() == 1
    assert PaymentIntent.objects.count() == 1
    assert stock_of(product) == 4


def test_cash_at_a_centre_gives_a_reference_to_take_there(client):
    """Cash waits for the operator: the page shows the reference, amount and place."""
    # given
    buyer = UserFactory()
    centre = ServiceCentreFactory(name="Othaya market centre")
    cart_add(user=buyer, product_id=ProductFactory(price_minor=50_000).pk, quantity=1)
    client.force_login(buyer)
    # when
    response = client.post(
        reverse("orders:checkout"), checkout_data(method="cash", centre=str(centre.pk))
    )
    page = client.get(response["Location"])
    # then
    intent = PaymentIntent.objects.get()
    assert (intent.method, intent.status, intent.collector_id) == (
        "cash",
        "pending",
        centre.operator_id,
    )
    assert (
        f"Take the reference {intent.reference} and KES500.00 in cash to Othaya market centre"
        in text_of(page)
    )
    assert "data-poll" not in page.content.decode()
    assert Order.objects.get().status == OrderStatus.PENDING_PAYMENT


# -- the pay page -----------------------------------------------------------------------------


def test_another_buyers_checkout_is_not_found(client):
    """Pay page and cancel answer 404 for a checkout of someone else, and change nothing."""
    # given
    checkout = place()
    client.force_login(UserFactory())
    # when
    page = client.get(reverse("orders:checkout_pay", args=[checkout.pk]))
    pay = client.post(
        reverse("orders:checkout_pay", args=[checkout.pk]),
        {"method": "card", "card_number": CARD_PAYS},
    )
    cancel = client.post(reverse("orders:checkout_cancel", args=[checkout.pk]))
    # then
    assert (page.status_code, pay.status_code, cancel.status_code) == (404, 404, 404)
    assert checkout.orders.get().status == OrderStatus.PENDING_PAYMENT
    assert PaymentIntent.objects.count() == 0


def test_buyer_cancels_an_unpaid_checkout_and_the_stock_returns(client):
    """Cancel on the pay page cancels every waiting order of the checkout."""
    # given
    product = ProductFactory(stock=5)
    checkout = place(lines=[(product, 2)])
    client.force_login(checkout.buyer)
    # when
    response = client.post(reverse("orders:checkout_cancel", args=[checkout.pk]))
    again = client.post(reverse("orders:checkout_cancel", args=[checkout.pk]))
    page = client.get(reverse("orders:checkout_pay", args=[checkout.pk]))
    # then
    assert messages_of(response) == ["Your order is cancelled. Nothing was paid."]
    assert messages_of(again) == ["There is nothing left to cancel here."]
    assert checkout.orders.get().status == OrderStatus.CANCELLED
    assert stock_of(product) == 5
    assert "This order is cancelled" in text_of(page)
    assert "Pay again" not in text_of(page)
    assert "Cancel the order" not in text_of(page)


def test_no_second_payment_while_the_phone_prompt_is_unanswered(client):
    """While mobile money waits, the page offers no payment form and refuses one posted."""
    # given
    buyer = UserFactory()
    checkout = place(buyer=buyer)
    client.force_login(buyer)
    client.post(
        reverse("orders:checkout_pay", args=[checkout.pk]),
        {"method": "mobile_money", "phone": "+254712345678"},
    )
    # when
    page = client.get(reverse("orders:checkout_pay", args=[checkout.pk]))
    second = client.post(
        reverse("orders:checkout_pay", args=[checkout.pk]),
        {"method": "card", "card_number": CARD_PAYS},
    )
    # then
    assert 'name="card_number"' not in page.content.decode()
    assert second.status_code == 200
    assert "A payment request is already on its way." in text_of(second)
    assert PaymentIntent.objects.count() == 1
    assert checkout.orders.get().status == OrderStatus.PENDING_PAYMENT


def test_pay_page_after_the_reservation_ran_out_offers_no_payment(client):
    """Once the time is up and the task has run, the checkout is cancelled; no pay form."""
    # given
    checkout = place()
    client.force_login(checkout.buyer)
    # when
    orders_run_due(now=timezone.now() + timezone.timedelta(minutes=31))
    page = client.get(reverse("orders:checkout_pay", args=[checkout.pk]))
    refused = client.post(
        reverse("orders:checkout_pay", args=[checkout.pk]),
        {"method": "card", "card_number": CARD_PAYS},
    )
    # then
    assert checkout.orders.get().status == OrderStatus.CANCELLED
    assert 'name="card_number"' not in page.content.decode()
    assert "These orders are no longer waiting for payment." in text_of(refused)
    assert PaymentIntent.objects.count() == 0


def test_checkout_page_fits_in_14_kb_gzipped(client):
    """Ten lines from five shops and forty service centres in twenty villages."""
    # given
    buyer = UserFactory()
    for shop in ShopFactory.create_batch(5):
        for product in ProductFactory.create_batch(2, shop=shop):
            cart_add(user=buyer, product_id=product.pk, quantity=1)
    for village in VillageFactory.create_batch(20):
        ServiceCentreFactory.create_batch(2, village=village)
    client.force_login(buyer)
    # when
    page = client.get(reverse("orders:checkout"))
    # then
    assert page.status_code == 200
    assert len(gzip.compress(page.content)) <= 14 * 1024


def test_checkout_shows_every_delivery_and_payment_mistake_at_once(client):
    """A missing address and a short card number are both named in one answer."""
    # given
    buyer = UserFactory()
    cart_add(user=buyer, product_id=ProductFactory().pk, quantity=1)
    client.force_login(buyer)
    # when
    response = client.post(reverse("orders:checkout"), checkout_data(address=" ", card_number="42"))
    # then
    errors = response.context["form"].errors
    assert errors["address"] == ["Enter the delivery address."]
    assert errors["card_number"] == ["Enter the card number, 12 to 19 digits."]
    assert nothing_placed() == (0, 0, 0, 0)


def test_checkout_sent_with_an_emptied_cart_says_the_cart_is_empty(client):
    """A checkout form sent after the cart was emptied elsewhere places nothing."""
    # given
    client.force_login(UserFactory())
    # when
    response = client.post(reverse("orders:checkout"), checkout_data())
    # then
    assert response.context["form"].non_field_errors() == ["The cart is empty."]
    assert "no exchange rate" not in text_of(response)
    assert nothing_placed() == (0, 0, 0, 0)


def test_a_used_form_sent_again_with_other_details_is_refused_and_renewed(client):
    """Going back after paying and changing the address does not touch the first checkout."""
    # given
    buyer = UserFactory()
    cart_add(user=buyer, product_id=ProductFactory().pk, quantity=1)
    client.force_login(buyer)
    client.post(reverse("orders:checkout"), checkout_data(key="k" * 32))
    before = nothing_placed()
    # when
    response = client.post(
        reverse("orders:checkout"), checkout_data(key="k" * 32, address="Elsewhere")
    )
    # then
    assert response.context["form"].non_field_errors() == [
        "This form was already sent once. Check the details and send it."
    ]
    assert 'value="' + "k" * 32 + '"' not in response.content.decode()
    assert nothing_placed() == before
    assert Checkout.objects.get().address == "Box 12, Othaya"
