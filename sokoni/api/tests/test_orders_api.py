"""API v1: cart, checkout with an Idempotency-Key, orders, escrow actions and the wallet.

States are reached through the API or the real services (sandbox card and mobile money); on
every refused request the test checks that nothing changed: rows, stock, ledger balances.
"""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from sokoni.accounts.tests.factories import PASSWORD, UserFactory
from sokoni.catalog.models import Product
from sokoni.catalog.tests.factories import ProductFactory, ShopFactory
from sokoni.orders.models import CartItem, Checkout, Order, OrderEvent
from sokoni.orders.services.cart import cart_add
from sokoni.payments.codes import REVENUE_COMMISSION, escrow_for_order, wallet_of
from sokoni.payments.models import (
    FxRate,
    JournalTransaction,
    LedgerAccount,
    PaymentIntent,
    Payout,
    SandboxTransaction,
)
from sokoni.payments.selectors import account_balance, ledger_problems
from sokoni.shipping.tests.factories import shop_with_fee, test_hub
from sokoni.villages.models import ServiceCentre
from sokoni.villages.tests.factories import ServiceCentreFactory

pytestmark = pytest.mark.django_db

CARD_PAYS = "4242424242424242"
CARD_DECLINED = "4000000000000002"
PHONE_PAYS = "+254712345678"
PHONE_DECLINES = "+254712340000"
PHONE_SILENT = "+254712340001"


class Caller:
    """A client holding one user's bearer token, got from POST /auth/token."""

    def __init__(self, client, user):
        self.client = client
        self.user = user
        response = client.post(
            "/api/v1/auth/token",
            data=json.dumps({"phone": user.phone, "password": PASSWORD}),
            content_type="application/json",
        )
        assert response.status_code == 200
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {response.json()['token']}"}

    def get(self, path, **params):
        return self.client.get(path, params, **self.headers)

    def post(self, path, body=None, key=None):
        data = body if isinstance(body, str) else json.dumps({} if body is None else body)
        extra = dict(self.headers)
        if key is not None:
            extra["HTTP_IDEMPOTENCY_KEY"] = key
        return self.client.post(path, data=data, content_type="application/json", **extra)

    def delete(self, path):
        return self.client.delete(path, **self.headers)


@pytest.fixture
def market():
    """Two shops: Othaya Honey (KES 500 a jar, 5 in stock, KES 100 delivery), Tea Farm."""
    honey_shop = shop_with_fee(10_000, name="Othaya Honey", slug="othaya-honey")
    tea_shop = ShopFactory(name="Tea Farm", slug="tea-farm")
    honey = ProductFactory(shop=honey_shop, name="Forest honey", price_minor=50_000, stock=5)
    tea = ProductFactory(shop=tea_shop, name="Purple tea", price_minor=30_000, stock=10)
    return {"honey": honey, "tea": tea, "honey_shop": honey_shop, "tea_shop": tea_shop}


@pytest.fixture
def buyer(client, db):
    return Caller(client, UserFactory(name="Amina", phone="+254711000001"))


@pytest.fixture
def seller(client, market):
    return Caller(client, market["honey_shop"].owner)


def checkout_body(items=(), payment="card", currency="KES", **delivery):
    body = {
        "currency": currency,
        "delivery": {
            "method": "address",
            "address": "Box 12, Othaya",
            "town_id": test_hub("KE").pk,
            "recipient_name": "Grace Wanjiru",
            "recipient_phone": "0722 000 111",
            **delivery,
        },
    }
    if items is not None:
        body["items"] = [{"product_id": p.pk, "quantity": q} for p, q in items]
    if payment == "card":
        body["payment"] = {"method": "card", "card_number": CARD_PAYS}
    elif payment is not None:
        body["payment"] = payment
    return body


def money(minor, currency="KES", symbol=None):
    """Money as the API writes it in English ("KES1,100.00", "$8.80")."""
    major = Decimal(minor).scaleb(-2)
    return {
        "amount_minor": minor,
        "currency": currency,
        "formatted": f"{symbol or currency}{major:,.2f}",
    }


def snapshot():
    """Everything a refused request must leave as it was."""
    return {
        "checkouts": Checkout.objects.count(),
        "orders": sorted(Order.objects.values_list("pk", "status")),
        "events": OrderEvent.objects.count(),
        "payments": sorted(PaymentIntent.objects.values_list("pk", "status")),
        "sandbox": SandboxTransaction.objects.count(),
        "transactions": JournalTransaction.objects.count(),
        "balances": sorted(LedgerAccount.objects.values_list("code", "currency", "balance_minor")),
        "stock": sorted(Product.objects.values_list("pk", "stock")),
        "cart": sorted(CartItem.objects.values_list("pk", "product_id", "quantity")),
        "payouts": sorted(Payout.objects.values_list("pk", "status")),
    }


def assert_json_error(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["detail"]
    if code is not None:
        assert body["code"] == code


def place_by_api(caller, items, payment="card", key="key-1", **delivery):
    response = caller.post("/api/v1/checkout", checkout_body(items, payment, **delivery), key=key)
    assert response.status_code == 201, response.content
    return response.json()


# -- the cart -----------------------------------------------------------------------------------


def test_adding_to_the_cart_answers_with_the_line(buyer, market):
    """POST /cart/items puts the product in the cart and answers 201 with the priced line."""
    # when
    response = buyer.post("/api/v1/cart/items", {"product_id": market["honey"].pk, "quantity": 2})
    # then
    assert response.status_code == 201
    item = CartItem.objects.get()
    assert response.json() == {
        "id": item.pk,
        "product_id": market["honey"].pk,
        "name": "Forest honey",
        "quantity": 2,
        "unit_price": money(50_000),
        "line_total": money(100_000),
        "shop": {"id": market["honey_shop"].pk, "name": "Othaya Honey", "slug": "othaya-honey"},
    }


def test_the_cart_lists_its_lines_with_totals(buyer, market):
    """GET /cart/items gives every line and the sum per currency."""
    # given
    cart_add(user=buyer.user, product_id=market["honey"].pk, quantity=1)
    cart_add(user=buyer.user, product_id=market["tea"].pk, quantity=3)
    # when
    body = buyer.get("/api/v1/cart/items").json()
    # then
    assert [(i["name"], i["quantity"]) for i in body["items"]] == [
        ("Forest honey", 1),
        ("Purple tea", 3),
    ]
    assert body["totals"] == [money(140_000)]


def test_adding_again_adds_up_and_replace_sets_the_quantity(buyer, market):
    """A second add adds to the line; replace=true sets it."""
    # given
    path, honey = "/api/v1/cart/items", market["honey"].pk
    buyer.post(path, {"product_id": honey, "quantity": 2})
    # when
    added = buyer.post(path, {"product_id": honey, "quantity": 1}).json()
    replaced = buyer.post(path, {"product_id": honey, "quantity": 4, "replace": True}).json()
    # then
    assert (added["quantity"], replaced["quantity"]) == (3, 4)
    assert CartItem.objects.get().quantity == 4


def test_removing_a_line_answers_204(buyer, market):
    """DELETE /cart/items/{id} takes the line out."""
    # given
    item = cart_add(user=buyer.user, product_id=market["honey"].pk, quantity=1)
    # when
    response = buyer.delete(f"/api/v1/cart/items/{item.pk}")
    # then
    assert response.status_code == 204
    assert CartItem.objects.count() == 0


def test_another_users_cart_line_is_404(client, buyer, market):
    """A line of someone else's cart cannot be seen or removed."""
    # given
    other = UserFactory()
    item = cart_add(user=other, product_id=market["honey"].pk, quantity=1)
    # when
    response = buyer.delete(f"/api/v1/cart/items/{item.pk}")
    # then
    assert_json_error(response, 404, "core.not_found")
    assert CartItem.objects.filter(pk=item.pk).exists()
    assert buyer.get("/api/v1/cart/items").json()["items"] == []


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"quantity": 0}, 422, None),
        ({"quantity": -1}, 422, None),
        ({"quantity": 1000}, 422, None),
        ({"quantity": 10**30}, 422, None),
        ({"quantity": "2"}, 422, None),
        ({"quantity": 1.5}, 422, None),
        ({"quantity": True}, 422, None),
        ({"quantity": None}, 422, None),
        ({"quantity": 6}, 409, "orders.not_enough_stock"),
        ({"product_id": 987_654}, 404, "orders.unknown_product"),
        ({"product_id": 0}, 422, None),
        ({"product_id": "honey"}, 422, None),
        ({"product_id": 2**64}, 422, None),
        ({"replace": "yes"}, 422, None),
    ],
)
def test_bad_cart_input_is_refused_and_changes_nothing(buyer, market, body, status, code):
    """Wrong quantities, types and products get a JSON 4xx; the cart stays as it was."""
    # given
    before = snapshot()
    # when
    response = buyer.post(
        "/api/v1/cart/items", {"product_id": market["honey"].pk, "quantity": 1, **body}
    )
    # then
    assert_json_error(response, status, code)
    assert snapshot() == before


@pytest.mark.parametrize("raw", ["{not json", "", "[]", '{"product_id": 1}'])
def test_malformed_cart_bodies_are_refused(buyer, market, raw):
    """Bodies that are not JSON or miss a field: 400 or 422, nothing in the cart."""
    # when
    response = buyer.post("/api/v1/cart/items", raw)
    # then
    assert response.status_code in (400, 422)
    assert "detail" in response.json()
    assert CartItem.objects.count() == 0


def test_buying_from_your_own_shop_is_refused(seller, market):
    """A seller cannot put their own goods in their cart."""
    # when
    response = seller.post("/api/v1/cart/items", {"product_id": market["honey"].pk, "quantity": 1})
    # then
    assert_json_error(response, 422, "orders.own_product")
    assert CartItem.objects.count() == 0


# -- checkout -----------------------------------------------------------------------------------


def test_a_card_checkout_makes_one_paid_order_per_shop(buyer, market):
    """Two shops, one card payment: two orders held in escrow, stock reserved, exact totals."""
    # given
    honey, tea = market["honey"], market["tea"]
    # when
    response = buyer.post(
        "/api/v1/checkout", checkout_body([(honey, 2), (tea, 1)]), key="first-try"
    )
    # then
    assert response.status_code == 201
    body = response.json()
    checkout = Checkout.objects.get()
    honey_order, tea_order = Order.objects.order_by("pk")
    intent = PaymentIntent.objects.get()
    assert body["checkout_id"] == checkout.pk
    assert body["total"] == money(140_000)
    assert body["payment_error"] is None
    assert body["payment"] == {
        "reference": intent.reference,
        "method": "card",
        "status": "succeeded",
        "status_label": "Paid",
        "amount": money(140_000),
        "message": "",
        "instructions": "Paid. Sokoni holds the money until the buyer has the goods.",
    }
    first = body["orders"][0]
    assert [o["id"] for o in body["orders"]] == [honey_order.pk, tea_order.pk]
    assert first["number"] == f"SK-{honey_order.pk:06d}"
    assert (first["status"], first["status_label"]) == ("paid", "Paid, money held in escrow")
    assert first["escrow_state"] == (
        "KES1,100.00 is held by Sokoni. The seller is paid only after the buyer has the goods."
    )
    assert first["lines"] == [
        {
            "id": Order.objects.get(pk=first["id"]).lines.get().pk,
            "product_id": honey.pk,
            "name": "Forest honey",
            "unit": "piece",
            "quantity": 2,
            "unit_price": money(50_000),
            "line_total": money(100_000),
        }
    ]
    assert (first["subtotal"], first["shipping"], first["total"], first["pay_total"]) == (
        money(100_000),
        money(10_000),
        money(110_000),
        money(110_000),
    )
    assert (first["fx"]["rate"], first["fx"]["source"]) == ("1.0000000000", "identity")
    assert first["delivery"] == {
        "method": "address",
        "address": "Box 12, Othaya",
        "town_id": test_hub("KE").pk,
        "country": "KE",
        "service_centre": None,
        "recipient_name": "Grace Wanjiru",
        "recipient_phone": "+254722000111",
    }
    assert [(e["from"], e["to"], e["by"]) for e in first["events"]] == [
        ("", "pending_payment", "buyer"),
        ("pending_payment", "paid", "buyer"),
    ]
    assert first["allowed_actions"] == ["cancel", "dispute"]
    assert body["orders"][1]["total"] == money(30_000)
    assert account_balance(code=escrow_for_order(honey_order.pk), currency="KES") == 110_000
    assert account_balance(code=escrow_for_order(tea_order.pk), currency="KES") == 30_000
    assert sorted(Product.objects.values_list("name", "stock")) == [
        ("Forest honey", 3),
        ("Purple tea", 9),
    ]
    assert ledger_problems() == []


def test_the_same_key_and_body_replays_the_first_answer(buyer, market):
    """A retry answers 200 with the same body: one checkout, one order, one payment."""
    # given
    body = checkout_body([(market["honey"], 2)])
    first = buyer.post("/api/v1/checkout", body, key="retry-me")
    # when
    second = buyer.post("/api/v1/checkout", body, key="retry-me")
    # then
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == first.json()
    assert (Checkout.objects.count(), Order.objects.count()) == (1, 1)
    assert PaymentIntent.objects.count() == 1
    assert SandboxTransaction.objects.count() == 1
    assert Product.objects.get(pk=market["honey"].pk).stock == 3


def test_a_replayed_mobile_money_checkout_sends_no_second_prompt(buyer, market):
    """Retrying a checkout paid by mobile money asks the payer's phone only once."""
    # given
    payment = {"method": "mobile_money", "phone": PHONE_PAYS}
    body = checkout_body([(market["honey"], 1)], payment)
    first = buyer.post("/api/v1/checkout", body, key="mm-1")
    # when
    second = buyer.post("/api/v1/checkout", body, key="mm-1")
    # then
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == first.json()
    assert PaymentIntent.objects.count() == 1
    assert SandboxTransaction.objects.count() == 1


def test_the_same_key_with_another_body_is_422_and_changes_nothing(buyer, market):
    """A key already used for a different checkout is refused; no second order is made."""
    # given
    buyer.post("/api/v1/checkout", checkout_body([(market["honey"], 1)]), key="k")
    before = snapshot()
    # when
    response = buyer.post("/api/v1/checkout", checkout_body([(market["honey"], 2)]), key="k")
    # then
    assert_json_error(response, 422, "orders.idempotency_key_reused")
    assert snapshot() == before


def test_keys_belong_to_one_buyer(client, buyer, market):
    """Another buyer using the same key value gets their own checkout."""
    # given
    other = Caller(client, UserFactory())
    buyer.post("/api/v1/checkout", checkout_body([(market["honey"], 1)]), key="shared")
    # when
    response = other.post("/api/v1/checkout", checkout_body([(market["honey"], 1)]), key="shared")
    # then
    assert response.status_code == 201
    assert Checkout.objects.count() == 2


@pytest.mark.parametrize("key", [None, "", "   ", "x" * 101, "caf\u00e9", "tab\there"])
def test_a_checkout_needs_a_sound_idempotency_key(buyer, market, key):
    """No key, a blank one, one over 100 characters or with odd characters: 400, no order."""
    # given
    before = snapshot()
    # when
    response = buyer.post("/api/v1/checkout", checkout_body([(market["honey"], 1)]), key=key)
    # then
    assert_json_error(response, 400, "api.idempotency_key_invalid")
    assert "Idempotency-Key" in response.json()["detail"]
    assert snapshot() == before


def test_a_key_of_100_characters_is_accepted(buyer, market):
    """The longest key allowed works."""
    # when
    response = buyer.post("/api/v1/checkout", checkout_body([(market["honey"], 1)]), key="k" * 100)
    # then
    assert response.status_code == 201
    assert Checkout.objects.get().idempotency_key == "k" * 100


def test_checkout_without_items_buys_the_cart_and_replays(buyer, market):
    """Items left out: the cart is bought and emptied; a retry still finds the same checkout."""
    # given
    cart_add(user=buyer.user, product_id=market["honey"].pk, quantity=2)
    cart_add(user=buyer.user, product_id=market["tea"].pk, quantity=1)
    body = checkout_body(items=None)
    # when
    first = buyer.post("/api/v1/checkout", body, key="cart-1")
    again = buyer.post("/api/v1/checkout", body, key="cart-1")
    # then
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert first.json()["total"] == money(140_000)
    assert CartItem.objects.count() == 0
    assert (Order.objects.count(), PaymentIntent.objects.count()) == (2, 1)


def test_checkout_of_an_empty_cart_is_refused(buyer, market):
    """Nothing to buy: 422 and no checkout."""
    # when
    response = buyer.post("/api/v1/checkout", checkout_body(items=None), key="empty")
    # then
    assert_json_error(response, 422, "orders.empty_cart")
    assert Checkout.objects.count() == 0


def test_a_refused_checkout_leaves_its_key_free(buyer, market):
    """A refused request does not use up its key: the corrected request succeeds."""
    # given
    buyer.post("/api/v1/checkout", checkout_body([(market["honey"], 6)]), key="again")
    # when
    response = buyer.post("/api/v1/checkout", checkout_body([(market["honey"], 5)]), key="again")
    # then
    assert response.status_code == 201
    assert Product.objects.get(pk=market["honey"].pk).stock == 0


def _items(market, **line):
    return {"items": [{"product_id": market["honey"].pk, "quantity": 1, **line}]}


def _paying(**payment):
    return lambda market: {"payment": payment}


def _delivering(**delivery):
    return lambda market: {"delivery": delivery}


INVALID, NOT_FOUND = "core.invalid_input", "core.not_found"
MANY_LINES = {"items": [{"product_id": n, "quantity": 1} for n in range(1, 52)]}

BAD_CHECKOUTS = [
    # (what, change to the body, status, code)
    ("zero quantity", lambda m: _items(m, quantity=0), 422, None),
    ("negative quantity", lambda m: _items(m, quantity=-2), 422, None),
    ("huge quantity", lambda m: _items(m, quantity=10**40), 422, None),
    ("quantity as text", lambda m: _items(m, quantity="2"), 422, None),
    ("quantity as float", lambda m: _items(m, quantity=1.5), 422, None),
    ("quantity as bool", lambda m: _items(m, quantity=True), 422, None),
    ("above stock", lambda m: _items(m, quantity=6), 409, "orders.not_enough_stock"),
    ("unknown product", lambda m: _items(m, product_id=987_654), 404, "orders.unknown_product"),
    ("product id as text", lambda m: _items(m, product_id="honey"), 422, None),
    ("no items", lambda m: {"items": []}, 422, None),
    ("51 lines", lambda m: MANY_LINES, 422, None),
    ("lower-case currency", lambda m: {"currency": "kes"}, 422, None),
    ("unknown currency", lambda m: {"currency": "XXX"}, 422, "orders.currency_not_accepted"),
    ("currency without a rate", lambda m: {"currency": "USD"}, 422, "payments.fx_rate_missing"),
    ("currency as number", lambda m: {"currency": 404}, 422, None),
    ("no delivery", lambda m: {"delivery": None}, 422, None),
    ("unknown delivery", _delivering(method="drone"), 422, None),
    ("no address", _delivering(address=" "), 422, INVALID),
    ("pickup, no centre", _delivering(method="pickup"), 404, NOT_FOUND),
    ("bad recipient phone", _delivering(recipient_phone="12"), 422, INVALID),
    ("control characters", _delivering(recipient_name="A\x00B"), 422, None),
    ("lone surrogate", _delivering(address="\ud800"), 422, None),
    ("long address", _delivering(address="x" * 501), 422, None),
    ("unknown payment", _paying(method="bitcoin"), 422, None),
    ("bad mobile phone", _paying(method="mobile_money", phone="12"), 422, INVALID),
    ("no mobile phone", _paying(method="mobile_money"), 422, INVALID),
    ("bad card", _paying(method="card", card_number="abcd 4242 4242 4242"), 422, INVALID),
    ("short card", _paying(method="card", card_number="4242"), 422, INVALID),
    ("cash, no centre", _paying(method="cash"), 404, NOT_FOUND),
    ("cash, unknown centre", _paying(method="cash", service_centre_id=99), 404, NOT_FOUND),
]


def _merge(body, change):
    for key, value in change.items():
        if isinstance(value, dict) and isinstance(body.get(key), dict):
            body[key] = {**body[key], **value}
        else:
            body[key] = value
    return body


@pytest.mark.parametrize(
    ("change", "status", "code"),
    [case[1:] for case in BAD_CHECKOUTS],
    ids=[case[0] for case in BAD_CHECKOUTS],
)
def test_bad_checkouts_are_refused_and_change_nothing(buyer, market, change, status, code):
    """Each bad input is a clear JSON 4xx: no checkout, order, payment, stock or ledger change."""
    # given
    cart_add(user=buyer.user, product_id=market["tea"].pk, quantity=1)
    body = _merge(checkout_body([(market["honey"], 1)]), change(market))
    before = snapshot()
    # when
    response = buyer.post("/api/v1/checkout", body, key="bad")
    # then
    assert_json_error(response, status, code)
    assert snapshot() == before


@pytest.mark.parametrize("raw", ["{not json", "", "[]", "null", '{"currency": "KES"}'])
def test_malformed_checkout_bodies_are_refused(buyer, market, raw):
    """Bodies that are not JSON objects of the right shape: 400 or 422, nothing written."""
    # given
    before = snapshot()
    # when
    response = buyer.post("/api/v1/checkout", raw, key="malformed")
    # then
    assert response.status_code in (400, 422)
    assert "detail" in response.json()
    assert snapshot() == before


def test_buying_your_own_goods_at_checkout_is_refused(seller, market):
    """A seller's checkout of their own product: 422, nothing written."""
    # given
    before = snapshot()
    # when
    response = seller.post("/api/v1/checkout", checkout_body([(market["honey"], 1)]), key="own")
    # then
    assert_json_error(response, 422, "orders.own_product")
    assert snapshot() == before


def test_shops_in_other_currencies_need_a_rate(buyer, market):
    """A cart mixing a KES and a TZS shop without a TZS rate is refused as a whole."""
    # given
    tzs = ProductFactory(shop=ShopFactory(currency="TZS"), price_minor=100_000)
    before = snapshot()
    # when
    response = buyer.post(
        "/api/v1/checkout", checkout_body([(market["honey"], 1), (tzs, 1)]), key="mixed"
    )
    # then
    assert_json_error(response, 422, "payments.fx_rate_missing")
    assert snapshot() == before


def test_paying_in_another_currency_records_the_rate(buyer, market):
    """A KES order paid in USD converts at the stored rate, kept on the order."""
    # given
    FxRate.objects.create(
        base="KES", quote="USD", rate=Decimal("0.008"), source="ECB", as_of=date(2026, 1, 5)
    )
    # when
    body = place_by_api(buyer, [(market["honey"], 2)], currency="USD")
    # then
    order = body["orders"][0]
    assert body["total"] == money(880, "USD", "$")
    assert order["total"] == money(110_000)
    assert order["pay_total"] == money(880, "USD", "$")
    assert order["fx"] == {"rate": "0.0080000000", "source": "ECB", "as_of": "2026-01-05"}
    assert body["payment"]["amount"] == money(880, "USD", "$")
    assert ledger_problems() == []


def test_a_declined_card_leaves_the_orders_waiting(buyer, market):
    """The checkout exists with its orders unpaid; the payment says why it failed."""
    # when
    body = place_by_api(
        buyer, [(market["honey"], 1)], {"method": "card", "card_number": CARD_DECLINED}
    )
    # then
    assert body["payment"]["status"] == "failed"
    assert body["payment"]["message"] == "card declined"
    assert body["payment"]["instructions"] == (
        "The payment did not go through. Try again, or choose another way to pay."
    )
    assert body["orders"][0]["status"] == "pending_payment"
    assert body["orders"][0]["escrow_state"] == "Nothing has been paid yet."
    assert JournalTransaction.objects.count() == 0


def test_a_declined_checkout_can_be_paid_again(buyer, market):
    """POST /checkout/{id}/pay with a good card pays the waiting orders."""
    # given
    first = place_by_api(
        buyer, [(market["honey"], 1)], {"method": "card", "card_number": CARD_DECLINED}
    )
    # when
    response = buyer.post(
        f"/api/v1/checkout/{first['checkout_id']}/pay",
        {"method": "card", "card_number": "4242 4242 4242 4242"},
    )
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["payment"]["status"] == "succeeded"
    assert body["orders"][0]["status"] == "paid"
    assert PaymentIntent.objects.count() == 2


def test_mobile_money_answers_later(buyer, market, tasks):
    """The checkout answers with a pending prompt; after the callbacks, polling shows it paid."""
    # given
    body = place_by_api(
        buyer, [(market["honey"], 1)], {"method": "mobile_money", "phone": "0712 345 678"}
    )
    # when
    tasks.run(now=timezone.now() + timezone.timedelta(seconds=30))
    polled = buyer.get(f"/api/v1/checkout/{body['checkout_id']}").json()
    # then
    assert body["payment"]["status"] == "pending"
    assert body["payment"]["instructions"] == (
        "Approve the payment of KES600.00 on the phone +254 712 345678 with your PIN."
    )
    assert body["orders"][0]["status"] == "pending_payment"
    assert polled["payment"]["status"] == "succeeded"
    assert polled["orders"][0]["status"] == "paid"
    order_id = polled["orders"][0]["id"]
    assert account_balance(code=escrow_for_order(order_id), currency="KES") == 60_000
    assert ledger_problems() == []


def test_a_phone_ending_0000_is_declined_by_the_sandbox(buyer, market, tasks):
    """The sandbox declines a payer number ending 0000; the orders keep waiting."""
    # given
    body = place_by_api(
        buyer, [(market["honey"], 1)], {"method": "mobile_money", "phone": PHONE_DECLINES}
    )
    # when
    tasks.run(now=timezone.now() + timezone.timedelta(seconds=30))
    polled = buyer.get(f"/api/v1/checkout/{body['checkout_id']}").json()
    # then
    assert polled["payment"]["status"] == "failed"
    assert polled["payment"]["message"] == "declined by the payer"
    assert polled["orders"][0]["status"] == "pending_payment"


def test_a_second_prompt_waits_for_the_first(buyer, market):
    """While a mobile-money request is unanswered, paying again is 409 and sends nothing."""
    # given
    body = place_by_api(
        buyer, [(market["honey"], 1)], {"method": "mobile_money", "phone": PHONE_SILENT}
    )
    before = snapshot()
    # when
    response = buyer.post(
        f"/api/v1/checkout/{body['checkout_id']}/pay",
        {"method": "mobile_money", "phone": PHONE_PAYS},
    )
    # then
    assert_json_error(response, 409, "orders.payment_in_progress")
    assert snapshot() == before


def test_cash_at_the_pickup_centre(buyer, market):
    """Cash waits for the operator, with the place, amount and reference to quote."""
    # given
    centre = ServiceCentreFactory(name="Othaya Centre")
    # when
    body = place_by_api(
        buyer,
        [(market["honey"], 1)],
        {"method": "cash"},
        method="pickup",
        service_centre_id=centre.pk,
        address="",
    )
    # then
    intent = PaymentIntent.objects.get()
    assert body["payment"]["status"] == "pending"
    assert body["payment"]["method"] == "cash"
    assert intent.collector == centre.operator
    assert "Othaya Centre" in body["payment"]["instructions"]
    assert intent.reference in body["payment"]["instructions"]
    assert "KES600.00" in body["payment"]["instructions"]
    assert body["orders"][0]["delivery"]["service_centre"] == {
        "id": centre.pk,
        "name": "Othaya Centre",
        "address": "Main road, next to the market",
    }


def test_a_checkout_without_payment_is_paid_later(buyer, market):
    """payment left out: the orders wait; /pay pays them."""
    # given
    body = place_by_api(buyer, [(market["honey"], 1)], payment=None)
    # when
    paid = buyer.post(
        f"/api/v1/checkout/{body['checkout_id']}/pay",
        {"method": "card", "card_number": CARD_PAYS},
    ).json()
    # then
    assert body["payment"] is None
    assert PaymentIntent.objects.count() == 1
    assert paid["orders"][0]["status"] == "paid"


def test_a_payment_refused_after_placing_is_reported_in_the_answer(buyer, market, settings):
    """The checkout exists even when its payment cannot start: 201 with payment_error."""
    # given the reservation ends at once, so the orders are no longer payable
    settings.CHECKOUT_RESERVATION_MINUTES = 0
    # when
    response = buyer.post("/api/v1/checkout", checkout_body([(market["honey"], 1)]), key="late")
    # then
    assert response.status_code == 201
    body = response.json()
    assert body["payment"] is None
    assert body["payment_error"] == {
        "detail": "These orders are no longer waiting for payment.",
        "code": "orders.checkout_not_payable",
    }
    assert body["orders"][0]["status"] == "pending_payment"
    assert (Checkout.objects.count(), PaymentIntent.objects.count()) == (1, 0)


def test_another_buyers_checkout_is_404(client, buyer, market):
    """Reading or paying someone else's checkout: 404, nothing paid."""
    # given
    body = place_by_api(buyer, [(market["honey"], 1)], payment=None)
    other = Caller(client, UserFactory())
    path = f"/api/v1/checkout/{body['checkout_id']}"
    before = snapshot()
    # when
    read = other.get(path)
    paid = other.post(f"{path}/pay", {"method": "card", "card_number": CARD_PAYS})
    # then
    assert_json_error(read, 404, "core.not_found")
    assert_json_error(paid, 404, "core.not_found")
    assert snapshot() == before


def test_a_cancelled_checkout_cannot_be_paid(buyer, market):
    """Paying orders the buyer cancelled is 409; no payment is asked for."""
    # given
    body = place_by_api(buyer, [(market["honey"], 1)], payment=None)
    buyer.post(f"/api/v1/orders/{body['orders'][0]['id']}/cancel", {})
    before = snapshot()
    # when
    response = buyer.post(
        f"/api/v1/checkout/{body['checkout_id']}/pay",
        {"method": "card", "card_number": CARD_PAYS},
    )
    # then
    assert_json_error(response, 409, "orders.checkout_not_payable")
    assert snapshot() == before


# -- orders -------------------------------------------------------------------------------------


def test_orders_lists_the_buyers_orders_newest_first(client, buyer, market):
    """GET /orders gives the caller's orders only, with a status filter."""
    # given
    place_by_api(buyer, [(market["honey"], 1)], key="a")
    place_by_api(buyer, [(market["tea"], 1)], payment=None, key="b")
    other = Caller(client, UserFactory())
    place_by_api(other, [(market["tea"], 1)], key="c")
    # when
    everything = buyer.get("/api/v1/orders").json()
    paid = buyer.get("/api/v1/orders", status="paid").json()
    # then
    assert [o["shop"]["slug"] for o in everything["items"]] == ["tea-farm", "othaya-honey"]
    assert (everything["total"], everything["page"], everything["has_next"]) == (2, 1, False)
    assert [o["shop"]["slug"] for o in paid["items"]] == ["othaya-honey"]


def test_orders_are_paginated(buyer, db):
    """24 orders a page; the next page holds the rest."""
    # given
    products = [ProductFactory(price_minor=1_000) for _ in range(25)]
    place_by_api(buyer, [(p, 1) for p in products], payment=None)
    # when
    first = buyer.get("/api/v1/orders").json()
    second = buyer.get("/api/v1/orders", page=2).json()
    # then
    assert (len(first["items"]), first["has_next"], first["total"]) == (24, True, 25)
    assert (len(second["items"]), second["has_next"]) == (1, False)


def test_sellers_list_what_their_shops_sold(buyer, seller, market):
    """role=seller lists the paid orders of the caller's shops, never unpaid ones."""
    # given
    place_by_api(buyer, [(market["honey"], 1)], key="paid")
    place_by_api(buyer, [(market["honey"], 1)], payment=None, key="unpaid")
    place_by_api(buyer, [(market["tea"], 1)], key="other-shop")
    # when
    body = seller.get("/api/v1/orders", role="seller").json()
    # then
    assert [(o["shop"]["slug"], o["status"]) for o in body["items"]] == [("othaya-honey", "paid")]
    assert body["items"][0]["allowed_actions"] == ["ship", "cancel"]


@pytest.mark.parametrize(
    "query", ["status=lost", "page=0", "page=abc", "role=admin", "page=99999999999"]
)
def test_bad_order_filters_are_422(buyer, db, query):
    """Unknown statuses, roles and pages are refused."""
    # when
    response = buyer.client.get(f"/api/v1/orders?{query}", **buyer.headers)
    # then
    assert response.status_code == 422


def test_an_order_for_its_buyer_and_its_seller(buyer, seller, market):
    """Both sides read the order; each sees the actions open to them."""
    # given
    order_id = place_by_api(buyer, [(market["honey"], 1)])["orders"][0]["id"]
    # when
    as_buyer = buyer.get(f"/api/v1/orders/{order_id}")
    as_seller = seller.get(f"/api/v1/orders/{order_id}")
    # then
    assert (as_buyer.status_code, as_seller.status_code) == (200, 200)
    assert as_buyer.json()["allowed_actions"] == ["cancel", "dispute"]
    assert as_seller.json()["allowed_actions"] == ["ship", "cancel"]
    assert as_seller.json()["number"] == as_buyer.json()["number"]


@pytest.mark.parametrize(
    ("path", "status"),
    [("/api/v1/orders/abc", 422), ("/api/v1/orders/0", 422), ("/api/v1/orders/987654", 404)],
)
def test_malformed_and_unknown_order_ids(buyer, db, path, status):
    """Ids that are not positive integers are 422; unknown ones 404."""
    # when
    response = buyer.get(path)
    # then
    assert response.status_code == status


def test_another_buyers_order_is_404_everywhere(client, buyer, market):
    """Another buyer (or another shop's seller) can neither read nor touch the order."""
    # given
    order_id = place_by_api(buyer, [(market["honey"], 1)])["orders"][0]["id"]
    stranger = Caller(client, UserFactory())
    other_seller = Caller(client, market["tea_shop"].owner)
    base = f"/api/v1/orders/{order_id}"
    before = snapshot()
    # when
    responses = [
        stranger.get(base),
        other_seller.get(base),
        stranger.post(f"{base}/cancel", {}),
        stranger.post(f"{base}/confirm-receipt"),
        stranger.post(f"{base}/extend", {"days": 3}),
        stranger.post(f"{base}/dispute", {"reason": "damaged", "details": "Broken"}),
        other_seller.post(f"{base}/ship", {"tracking_ref": "KE-1"}),
        other_seller.post(f"{base}/cancel", {}),
    ]
    # then
    for response in responses:
        assert_json_error(response, 404, "core.not_found")
    assert snapshot() == before


def test_the_wrong_role_is_404(buyer, seller, market):
    """The buyer cannot ship; the seller cannot confirm, extend or dispute."""
    # given
    order_id = place_by_api(buyer, [(market["honey"], 1)])["orders"][0]["id"]
    base = f"/api/v1/orders/{order_id}"
    before = snapshot()
    # when
    responses = [
        buyer.post(f"{base}/ship", {"tracking_ref": "KE-1"}),
        seller.post(f"{base}/confirm-receipt"),
        seller.post(f"{base}/extend", {"days": 3}),
        seller.post(f"{base}/dispute", {"reason": "other", "details": "Hm"}),
    ]
    # then
    for response in responses:
        assert_json_error(response, 404, "core.not_found")
    assert snapshot() == before


def test_an_unpaid_order_cannot_be_shipped(buyer, seller, market):
    """The seller does not see an order waiting for payment: shipping it is 404."""
    # given
    order_id = place_by_api(buyer, [(market["honey"], 1)], payment=None)["orders"][0]["id"]
    before = snapshot()
    # when
    response = seller.post(f"/api/v1/orders/{order_id}/ship", {"tracking_ref": "KE-1"})
    # then
    assert_json_error(response, 404, "core.not_found")
    assert snapshot() == before


def test_the_whole_flow_by_api(buyer, seller, market, tasks):
    """Card checkout, ship, confirm: the seller's wallet holds the total less 5% of the goods,
    and a payout sends it to their phone."""
    # given
    checkout = place_by_api(buyer, [(market["honey"], 2)])
    order_id = checkout["orders"][0]["id"]
    base = f"/api/v1/orders/{order_id}"
    # when
    shipped = seller.post(f"{base}/ship", {"tracking_ref": "  KE-TRACK   42 "})
    received = buyer.post(f"{base}/confirm-receipt")
    wallet = seller.get("/api/v1/wallet")
    # then
    assert shipped.status_code == 200
    assert shipped.json()["status"] == "shipped"
    assert shipped.json()["tracking_ref"] == "KE-TRACK 42"
    assert shipped.json()["auto_release_at"] is not None
    assert shipped.json()["allowed_actions"] == []
    assert received.status_code == 200
    body = received.json()
    assert (body["status"], body["allowed_actions"]) == ("completed", [])
    assert body["escrow_state"] == (
        "The money was released to the seller, less the platform commission."
    )
    reference = PaymentIntent.objects.get().reference
    assert [(e["from"], e["to"], e["by"], e["reason"]) for e in body["events"]] == [
        ("", "pending_payment", "buyer", ""),
        ("pending_payment", "paid", "buyer", f"paid with payment {reference}"),
        ("paid", "shipped", "seller", "KE-TRACK 42"),
        ("shipped", "completed", "buyer", "received"),
    ]
    # 110,000 paid (goods 100,000 + delivery 10,000); commission 5% of the goods
    assert wallet.status_code == 200
    assert wallet.json()["balances"] == [money(105_000)]
    movement = wallet.json()["movements"][0]
    assert movement["description"] == f"Order SK-{order_id:06d}: money released to you"
    assert movement["amount"] == money(105_000)
    assert movement["reference"] == f"SK-{order_id:06d}"
    assert account_balance(code=REVENUE_COMMISSION, currency="KES") == 5_000
    assert account_balance(code=escrow_for_order(order_id), currency="KES") == 0

    # when the seller takes money out
    payout = seller.post(
        "/api/v1/wallet/payouts",
        {"amount_minor": 100_000, "currency": "KES", "phone": "0712 999 888"},
    )
    tasks.run()
    after = seller.get("/api/v1/wallet").json()
    # then
    assert payout.status_code == 201
    assert payout.json()["status"] == "requested"
    assert payout.json()["phone"] == "+254712999888"
    assert payout.json()["amount"] == money(100_000)
    assert after["balances"] == [money(5_000)]
    assert [(p["status"], p["status_label"]) for p in after["payouts"]] == [("paid", "Sent")]
    assert [m["amount"]["amount_minor"] for m in after["movements"]] == [-100_000, 105_000]
    assert ledger_problems() == []


def test_a_second_confirmation_is_409_and_moves_no_money(buyer, seller, market):
    """Confirming twice: the second is refused and the wallet is paid once."""
    # given
    order_id = place_by_api(buyer, [(market["honey"], 1)])["orders"][0]["id"]
    seller.post(f"/api/v1/orders/{order_id}/ship", {"tracking_ref": "KE-1"})
    buyer.post(f"/api/v1/orders/{order_id}/confirm-receipt")
    before = snapshot()
    # when
    response = buyer.post(f"/api/v1/orders/{order_id}/confirm-receipt")
    # then
    assert_json_error(response, 409, "orders.transition_not_allowed")
    assert snapshot() == before
    assert account_balance(code=wallet_of(seller.user.pk), currency="KES") == 57_500


def test_forbidden_moves_are_409_and_change_nothing(buyer, seller, market):
    """Confirming before shipping, shipping twice, cancelling after shipping: 409."""
    # given
    order_id = place_by_api(buyer, [(market["honey"], 1)])["orders"][0]["id"]
    base = f"/api/v1/orders/{order_id}"
    early = buyer.post(f"{base}/confirm-receipt")
    early_extend = buyer.post(f"{base}/extend", {"days": 3})
    seller.post(f"{base}/ship", {"tracking_ref": "KE-1"})
    before = snapshot()
    # when
    responses = [
        seller.post(f"{base}/ship", {"tracking_ref": "KE-2"}),
        buyer.post(f"{base}/cancel", {}),
    ]
    # then
    assert_json_error(early, 409, "orders.transition_not_allowed")
    assert_json_error(early_extend, 409, "orders.transition_not_allowed")
    assert_json_error(responses[0], 409, "orders.transition_not_allowed")
    assert_json_error(responses[1], 409, "orders.transition_not_allowed")
    assert snapshot() == before


def test_cancelling_a_paid_order_refunds_it(buyer, market):
    """The buyer cancels before shipping: refunded in full, stock back, escrow empty."""
    # given
    order_id = place_by_api(buyer, [(market["honey"], 2)])["orders"][0]["id"]
    # when
    response = buyer.post(f"/api/v1/orders/{order_id}/cancel", {"reason": "Changed my mind"})
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "refunded"
    assert body["escrow_state"] == "The money was refunded to the buyer."
    assert body["events"][-1]["reason"] == "Changed my mind"
    assert Product.objects.get(pk=market["honey"].pk).stock == 5
    assert account_balance(code=escrow_for_order(order_id), currency="KES") == 0
    assert ledger_problems() == []


def test_cancelling_an_unpaid_order_returns_the_stock(buyer, market):
    """An order waiting for payment just ends."""
    # given
    order_id = place_by_api(buyer, [(market["honey"], 3)], payment=None)["orders"][0]["id"]
    # when (the body is optional)
    path = f"/api/v1/orders/{order_id}/cancel"
    body = buyer.client.post(path, data="", content_type="", **buyer.headers).json()
    # then
    assert body["status"] == "cancelled"
    assert body["events"][-1]["reason"] == "cancelled by the buyer"
    assert Product.objects.get(pk=market["honey"].pk).stock == 5


def test_the_buyer_extends_once(buyer, seller, market):
    """Extending adds the days to the release date, once; a second time is 409."""
    # given
    order_id = place_by_api(buyer, [(market["honey"], 1)])["orders"][0]["id"]
    shipped = seller.post(f"/api/v1/orders/{order_id}/ship", {"tracking_ref": "KE-1"}).json()
    # when
    extended = buyer.post(f"/api/v1/orders/{order_id}/extend", {"days": 5})
    again = buyer.post(f"/api/v1/orders/{order_id}/extend", {"days": 3})
    # then
    assert extended.status_code == 200
    body = extended.json()
    assert body["extended_days"] == 5
    assert "extend" not in body["allowed_actions"]
    old = timezone.datetime.fromisoformat(shipped["auto_release_at"])
    new = timezone.datetime.fromisoformat(body["auto_release_at"])
    assert new - old == timezone.timedelta(days=5)
    assert_json_error(again, 409, "orders.transition_not_allowed")
    assert Order.objects.get(pk=order_id).extended_days == 5


@pytest.mark.parametrize("days", [0, 4, 11, -3, "5", 5.0, None, True])
def test_extensions_are_3_5_7_or_10_days(buyer, seller, market, days):
    """Other day counts or types are 422 and change nothing."""
    # given
    order_id = place_by_api(buyer, [(market["honey"], 1)])["orders"][0]["id"]
    seller.post(f"/api/v1/orders/{order_id}/ship", {"tracking_ref": "KE-1"})
    before = snapshot()
    # when
    response = buyer.post(f"/api/v1/orders/{order_id}/extend", {"days": days})
    # then
    assert response.status_code == 422
    assert snapshot() == before


def test_a_dispute_freezes_the_money(buyer, seller, market):
    """The buyer disputes a shipped order: disputed, escrow frozen, no release possible."""
    # given
    order_id = place_by_api(buyer, [(market["honey"], 1)])["orders"][0]["id"]
    seller.post(f"/api/v1/orders/{order_id}/ship", {"tracking_ref": "KE-1"})
    # when
    response = buyer.post(
        f"/api/v1/orders/{order_id}/dispute",
        {"reason": "damaged", "details": "The jar arrived broken."},
    )
    confirm = buyer.post(f"/api/v1/orders/{order_id}/confirm-receipt")
    # then
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "disputed"
    assert body["escrow_state"] == "KES600.00 is frozen until Sokoni staff decide the dispute."
    assert body["allowed_actions"] == []
    assert_json_error(confirm, 409, "orders.transition_not_allowed")
    assert account_balance(code=escrow_for_order(order_id), currency="KES") == 60_000


@pytest.mark.parametrize(
    "body",
    [
        {"reason": "angry", "details": "x"},
        {"reason": "damaged", "details": ""},
        {"reason": "damaged", "details": "   "},
        {"reason": "damaged", "details": "x" * 2001},
        {"reason": "damaged"},
        {"reason": "damaged", "details": "a\x00b"},
    ],
)
def test_bad_disputes_are_422(buyer, market, body):
    """An unknown reason or missing, blank or overlong details: 422, the order stays paid."""
    # given
    order_id = place_by_api(buyer, [(market["honey"], 1)])["orders"][0]["id"]
    before = snapshot()
    # when
    response = buyer.post(f"/api/v1/orders/{order_id}/dispute", body)
    # then
    assert response.status_code == 422
    assert snapshot() == before


@pytest.mark.parametrize("ref", ["", "   ", "x" * 81, "x" * 201, "KE\x001"])
def test_shipping_needs_a_tracking_reference(buyer, seller, market, ref):
    """A blank, overlong or control-character reference is 422; the order stays paid."""
    # given
    order_id = place_by_api(buyer, [(market["honey"], 1)])["orders"][0]["id"]
    before = snapshot()
    # when
    response = seller.post(f"/api/v1/orders/{order_id}/ship", {"tracking_ref": ref})
    # then
    assert response.status_code == 422
    assert snapshot() == before


# -- the wallet ---------------------------------------------------------------------------------


def test_a_buyers_wallet_is_empty(buyer, db):
    """No sales, no balances, no movements, no payouts."""
    # when
    body = buyer.get("/api/v1/wallet").json()
    # then
    assert body == {"balances": [], "movements": [], "payouts": []}


def test_a_payout_above_the_balance_is_409(buyer, seller, market):
    """Asking for more than the wallet holds is refused; nothing moves."""
    # given
    order_id = place_by_api(buyer, [(market["honey"], 1)])["orders"][0]["id"]
    seller.post(f"/api/v1/orders/{order_id}/ship", {"tracking_ref": "KE-1"})
    buyer.post(f"/api/v1/orders/{order_id}/confirm-receipt")
    before = snapshot()
    # when
    response = seller.post(
        "/api/v1/wallet/payouts",
        {"amount_minor": 57_501, "currency": "KES", "phone": PHONE_PAYS},
    )
    # then
    assert_json_error(response, 409, "payments.insufficient_funds")
    assert snapshot() == before


def test_a_failed_payout_returns_the_money(buyer, seller, market, tasks):
    """The sandbox refuses numbers ending 0000: the payout fails and the wallet is whole."""
    # given
    order_id = place_by_api(buyer, [(market["honey"], 1)])["orders"][0]["id"]
    seller.post(f"/api/v1/orders/{order_id}/ship", {"tracking_ref": "KE-1"})
    buyer.post(f"/api/v1/orders/{order_id}/confirm-receipt")
    # when
    seller.post(
        "/api/v1/wallet/payouts",
        {"amount_minor": 50_000, "currency": "KES", "phone": "+254712340000"},
    )
    tasks.run()
    body = seller.get("/api/v1/wallet").json()
    # then
    assert body["balances"] == [money(57_500)]
    assert body["payouts"][0]["status"] == "failed"
    assert body["payouts"][0]["message"] == "recipient not registered"
    assert ledger_problems() == []


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"phone": "12"}, "core.invalid_input"),
        ({"phone": ""}, "core.invalid_input"),
        ({"currency": "XXX"}, "core.invalid_input"),
        ({"currency": "kes"}, None),
        ({"amount_minor": 0}, None),
        ({"amount_minor": -5}, None),
        ({"amount_minor": 10**16}, None),
        ({"amount_minor": "100"}, None),
        ({"amount_minor": 1.5}, None),
    ],
)
def test_bad_payout_requests_are_422(seller, market, body, code):
    """Bad phone numbers, currencies and amounts: 422, no payout, no ledger change."""
    # given
    before = snapshot()
    # when
    response = seller.post(
        "/api/v1/wallet/payouts",
        {"amount_minor": 100, "currency": "KES", "phone": PHONE_PAYS, **body},
    )
    # then
    assert_json_error(response, 422, code)
    assert snapshot() == before


def test_a_payout_in_a_currency_without_a_wallet_is_409(seller, market):
    """No money in that currency: refused, and no empty account is left behind."""
    # given
    before = snapshot()
    # when
    response = seller.post(
        "/api/v1/wallet/payouts", {"amount_minor": 100, "currency": "USD", "phone": PHONE_PAYS}
    )
    # then
    assert_json_error(response, 409, "payments.insufficient_funds")
    assert snapshot() == before


# -- authentication and documentation -----------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/cart/items"),
        ("post", "/api/v1/cart/items"),
        ("delete", "/api/v1/cart/items/1"),
        ("post", "/api/v1/checkout"),
        ("get", "/api/v1/checkout/1"),
        ("post", "/api/v1/checkout/1/pay"),
        ("get", "/api/v1/orders"),
        ("get", "/api/v1/orders/1"),
        ("post", "/api/v1/orders/1/cancel"),
        ("post", "/api/v1/orders/1/ship"),
        ("post", "/api/v1/orders/1/confirm-receipt"),
        ("post", "/api/v1/orders/1/extend"),
        ("post", "/api/v1/orders/1/dispute"),
        ("get", "/api/v1/wallet"),
        ("post", "/api/v1/wallet/payouts"),
    ],
)
def test_every_endpoint_needs_a_token(client, db, method, path):
    """Without a bearer token: 401 JSON."""
    # when
    response = getattr(client, method)(path, HTTP_AUTHORIZATION="Bearer nope")
    # then
    assert_json_error(response, 401)


def test_a_wrong_method_on_an_order_path_is_json_405(buyer, db):
    """PUT where only GET and POST are served is a JSON 405 naming them."""
    # when
    response = buyer.client.put("/api/v1/cart/items", **buyer.headers)
    # then
    assert_json_error(response, 405)
    assert response.json()["detail"] == "Use one of: GET, POST."


def test_order_endpoints_answer_in_the_readers_language(buyer, db):
    """Like the rest of the API, the answer names its language."""
    # when
    response = buyer.client.get("/api/v1/cart/items", HTTP_ACCEPT_LANGUAGE="fr", **buyer.headers)
    # then
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"


def test_the_openapi_document_lists_the_order_endpoints(client, db):
    """The new endpoints and the Idempotency-Key header are documented."""
    # when
    document = client.get("/api/v1/openapi.json").json()
    # then
    assert {
        "/api/v1/cart/items",
        "/api/v1/cart/items/{item_id}",
        "/api/v1/checkout",
        "/api/v1/checkout/{checkout_id}",
        "/api/v1/checkout/{checkout_id}/pay",
        "/api/v1/orders",
        "/api/v1/orders/{order_id}",
        "/api/v1/orders/{order_id}/cancel",
        "/api/v1/orders/{order_id}/ship",
        "/api/v1/orders/{order_id}/confirm-receipt",
        "/api/v1/orders/{order_id}/extend",
        "/api/v1/orders/{order_id}/dispute",
        "/api/v1/wallet",
        "/api/v1/wallet/payouts",
    } <= set(document["paths"])
    parameters = document["paths"]["/api/v1/checkout"]["post"]["parameters"]
    assert [p["name"] for p in parameters if p["in"] == "header"] == ["Idempotency-Key"]
    assert document["paths"]["/api/v1/checkout"]["post"]["security"] == [{"BearerAuth": []}]


def test_a_replay_is_answered_even_after_its_cash_centre_closed(buyer, market):
    """Same key and body after staff closed the centre: 200 with the first checkout, not 404."""
    # given
    centre = ServiceCentreFactory()
    body = checkout_body(
        [(market["honey"], 1)], payment={"method": "cash", "service_centre_id": centre.pk}
    )
    first = buyer.post("/api/v1/checkout", body, key="cash-retry")
    ServiceCentre.objects.filter(pk=centre.pk).update(is_active=False)
    # when
    second = buyer.post("/api/v1/checkout", body, key="cash-retry")
    # then
    assert (first.status_code, second.status_code) == (201, 200), second.content
    assert second.json()["checkout_id"] == first.json()["checkout_id"]
    assert (Checkout.objects.count(), PaymentIntent.objects.count()) == (1, 1)
