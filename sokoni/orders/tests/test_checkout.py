"""Checkout: one order per shop, prices and rates snapshotted, stock reserved and released,
every bad input refused with its code and nothing changed."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.tests.factories import CategoryFactory, ProductFactory, ShopFactory
from sokoni.core.errors import DomainError
from sokoni.orders.errors import (
    CheckoutNotPayable,
    IdempotencyKeyReused,
    NothingToPay,
    PaymentInProgress,
)
from sokoni.orders.models import Checkout, Order
from sokoni.orders.services.cart import cart_add
from sokoni.orders.services.checkout import (
    checkout_expire,
    checkout_pay,
    checkout_place,
    request_fingerprint,
)
from sokoni.orders.services.lifecycle import order_cancel
from sokoni.orders.states import DeliveryMethod, OrderStatus
from sokoni.orders.tests.factories import (
    SILENT,
    delivery,
    frozen,
    later,
    pay,
    place,
    run_tasks_at,
    world,
)
from sokoni.payments.codes import FX, escrow_for_order
from sokoni.payments.fx import FxRateMissing
from sokoni.payments.models import FxRate, PaymentIntent, SandboxTransaction
from sokoni.payments.selectors import account_balance, ledger_problems
from sokoni.payments.services.intents import payment_refresh
from sokoni.payments.states import PaymentMethod, PaymentStatus
from sokoni.shipping.tests.factories import shop_with_fee
from sokoni.villages.tests.factories import ServiceCentreFactory, VillageFactory

pytestmark = pytest.mark.django_db


def bal(code, currency="KES"):
    return account_balance(code=code, currency=currency)


def test_one_order_per_shop_with_its_own_goods_and_delivery_fee():
    """Two shops: two orders, each with its subtotal, its flat fee, and the checkout the sum."""
    # given
    shop_a = shop_with_fee(20_000)
    shop_b = ShopFactory()
    a1 = ProductFactory(shop=shop_a, price_minor=125_000)
    a2 = ProductFactory(shop=shop_a, price_minor=30_000)
    b1 = ProductFactory(shop=shop_b, price_minor=50_000)
    # when
    checkout = place(lines=[(a1, 2), (b1, 3), (a2, 1)])
    # then
    orders = {order.shop_id: order for order in checkout.orders.all()}
    a, b = orders[shop_a.pk], orders[shop_b.pk]
    assert (a.subtotal_minor, a.shipping_minor, a.total_minor) == (280_000, 20_000, 300_000)
    assert (b.subtotal_minor, b.shipping_minor, b.total_minor) == (150_000, 0, 150_000)
    assert (a.pay_currency, a.pay_total_minor, a.fx_rate, a.fx_source) == (
        "KES",
        300_000,
        Decimal(1),
        "identity",
    )
    assert checkout.total_minor == 450_000
    assert Checkout.objects.get(pk=checkout.pk).total_minor == 450_000
    assert list(a.lines.values_list("product_id", "quantity", "unit_price_minor")) == [
        (a1.pk, 2, 125_000),
        (a2.pk, 1, 30_000),
    ]
    assert {o.status for o in orders.values()} == {OrderStatus.PENDING_PAYMENT}


def test_commission_follows_the_category_its_parent_or_the_default():
    """800 bp inherited from the parent, 300 bp of its own, 500 bp by default."""
    # given
    parent = CategoryFactory(commission_bp=800)
    child = CategoryFactory(parent=parent, commission_bp=None)
    own = CategoryFactory(commission_bp=300)
    plain = CategoryFactory(commission_bp=None)
    shop = ShopFactory()
    products = [
        ProductFactory(shop=shop, category=category, price_minor=100_000)
        for category in (child, own, plain)
    ]
    # when
    checkout = place(lines=[(product, 1) for product in products])
    # then
    order = checkout.orders.get()
    assert list(order.lines.values_list("commission_bp", flat=True)) == [800, 300, 500]
    assert order.commission_minor == 8_000 + 3_000 + 5_000


def test_commission_is_rounded_half_up_per_line():
    """5% of 3 x 33,333 = 4,999.95 -> 5,000 minor units."""
    # given
    product = ProductFactory(price_minor=33_333)
    # when
    order = place(lines=[(product, 3)]).orders.get()
    # then
    assert order.commission_minor == 5_000


def test_the_order_keeps_the_price_it_was_bought_at(tasks):
    """Changing the product's price after checkout changes neither the order nor the payment."""
    # given
    product = ProductFactory(price_minor=125_000)
    checkout = place(lines=[(product, 2)])
    # when
    product.price_minor = 999_000
    product.save(update_fields=["price_minor"])
    intent = pay(checkout, tasks)
    # then
    order = checkout.orders.get()
    line = order.lines.get()
    assert (line.unit_price_minor, line.line_total_minor, order.total_minor) == (
        125_000,
        250_000,
        250_000,
    )
    assert intent.amount_minor == 250_000
    assert bal(escrow_for_order(order.pk)) == 250_000


def _kes_to_usd():
    return FxRate.objects.create(
        base="KES", quote="USD", rate=Decimal("0.0077"), source="ECB", as_of=date(2026, 11, 27)
    )


def test_a_buyer_pays_in_dollars_for_goods_priced_in_shillings(tasks):
    """The order stores the rate used; the escrow holds shillings; FX takes the difference."""
    # given
    _kes_to_usd()
    product = ProductFactory(price_minor=125_000)
    # when
    checkout = place(lines=[(product, 2)], currency="USD")
    intent = pay(checkout, tasks)
    # then
    order = checkout.orders.get()
    assert (order.currency, order.total_minor) == ("KES", 250_000)
    assert (order.pay_currency, order.pay_total_minor) == ("USD", 1_925)
    assert (order.fx_rate, order.fx_source, order.fx_as_of) == (
        Decimal("0.0077"),
        "ECB",
        date(2026, 11, 27),
    )
    assert (checkout.currency, checkout.total_minor) == ("USD", 1_925)
    assert (intent.status, intent.currency, intent.amount_minor) == ("succeeded", "USD", 1_925)
    assert bal(escrow_for_order(order.pk)) == 250_000
    assert bal("clearing:sandbox-mobile", "USD") == -1_925
    assert (bal(FX, "USD"), bal(FX, "KES")) == (1_925, -250_000)
    assert ledger_problems() == []


def test_a_refund_of_a_dollar_payment_returns_exactly_the_dollars_paid(tasks):
    """Cancelling the paid order: the buyer's clearing and both FX accounts return to zero."""
    # given
    _kes_to_usd()
    checkout = place(lines=[(ProductFactory(price_minor=125_000), 2)], currency="USD")
    pay(checkout, tasks)
    order = checkout.orders.get()
    # when
    order_cancel(order=order, actor=order.buyer)
    # then
    order.refresh_from_db()
    assert (order.status, order.refunded_minor) == (OrderStatus.REFUNDED, 250_000)
    assert bal("clearing:sandbox-mobile", "USD") == 0
    assert (bal(FX, "USD"), bal(FX, "KES")) == (0, 0)
    assert bal(escrow_for_order(order.pk)) == 0
    assert ledger_problems() == []


def test_without_an_exchange_rate_nothing_is_created():
    """No rate between the shop's and the buyer's currency: refused before anything stays."""
    # given
    product = ProductFactory(stock=10)
    buyer = UserFactory()
    before = world()
    # when
    with pytest.raises(FxRateMissing) as error:
        place(buyer=buyer, lines=[(product, 2)], currency="EUR")
    # then
    assert error.value.code == "payments.fx_rate_missing"
    assert world() == before
    assert Checkout.objects.count() == 0


def test_the_stock_is_reserved_at_checkout_and_returned_after_30_minutes(tasks):
    """The expiry task cancels the unpaid orders and returns the stock; not a minute early."""
    # given
    product = ProductFactory(stock=10)
    checkout = place(lines=[(product, 4)])
    product.refresh_from_db()
    reserved = product.stock
    # when
    run_tasks_at(tasks, later(minutes=29))
    early = checkout.orders.get().status
    run_tasks_at(tasks, later(minutes=31))
    # then
    product.refresh_from_db()
    order = checkout.orders.get()
    assert reserved == 6
    assert early == OrderStatus.PENDING_PAYMENT
    assert order.status == OrderStatus.CANCELLED
    assert order.events.order_by("pk").last().reason == "not paid in time"
    assert product.stock == 10


def test_expiring_twice_returns_the_stock_once():
    # given
    product = ProductFactory(stock=10)
    checkout = place(lines=[(product, 4)])
    # when
    checkout_expire(checkout_id=checkout.pk, now=later(minutes=31))
    checkout_expire(checkout_id=checkout.pk, now=later(minutes=32))
    # then
    product.refresh_from_db()
    assert product.stock == 10
    assert checkout.orders.get().events.count() == 2


def test_a_payment_made_before_the_expiry_wins(tasks):
    """Paid at once, the expiry task later finds nothing to cancel."""
    # given
    product = ProductFactory(stock=10)
    checkout = place(lines=[(product, 2)])
    pay(checkout, tasks)
    # when
    run_tasks_at(tasks, later(minutes=31))
    # then
    product.refresh_from_db()
    assert checkout.orders.get().status == OrderStatus.PAID
    assert product.stock == 8
    assert ledger_problems() == []


def test_the_expiry_asks_the_provider_once_more_before_cancelling(tasks):
    """The payer paid but the callbacks were lost: the last status query finds the money."""
    # given
    product = ProductFactory(stock=10)
    checkout = place(lines=[(product, 2)])
    intent = checkout_pay(
        checkout=checkout,
        actor=checkout.buyer,
        method=PaymentMethod.MOBILE_MONEY,
        phone="+254712345678",
    )
    run_tasks_at(tasks, later(seconds=10), only={"sandbox_mobile_answer"})
    tasks.backend.results[:] = [
        r for r in tasks.backend.results if r.task.name != "sandbox_deliver_callback"
    ]
    # when
    run_tasks_at(tasks, later(minutes=31), only={"checkout_expire_task"})
    # then
    intent.refresh_from_db()
    product.refresh_from_db()
    assert intent.status == PaymentStatus.SUCCEEDED
    assert checkout.orders.get().status == OrderStatus.PAID
    assert product.stock == 8
    assert ledger_problems() == []


def test_cancelling_one_order_of_two_lowers_the_total_and_the_rest_can_be_paid(tasks):
    """The checkout object loaded earlier still asks only for what is left."""
    # given
    keep = ProductFactory(price_minor=100_000)
    drop = ProductFactory(price_minor=40_000, stock=10)
    checkout = place(lines=[(keep, 1), (drop, 2)])
    dropped = checkout.orders.get(shop=drop.shop)
    # when
    order_cancel(order=dropped, actor=checkout.buyer)
    intent = pay(checkout, tasks)
    # then
    drop.refresh_from_db()
    kept = checkout.orders.get(shop=keep.shop)
    assert Checkout.objects.get(pk=checkout.pk).total_minor == 100_000
    assert (intent.status, intent.amount_minor) == (PaymentStatus.SUCCEEDED, 100_000)
    assert kept.status == OrderStatus.PAID
    assert checkout.orders.get(pk=dropped.pk).status == OrderStatus.CANCELLED
    assert drop.stock == 10
    assert bal(escrow_for_order(kept.pk)) == 100_000
    assert ledger_problems() == []


def test_a_pickup_checkout_records_the_centre_and_no_address():
    # given
    centre = ServiceCentreFactory()
    # when
    checkout = place(method=DeliveryMethod.PICKUP, service_centre_id=centre.pk, address="ignored")
    # then
    assert (checkout.delivery_method, checkout.service_centre_id, checkout.address) == (
        "pickup",
        centre.pk,
        "",
    )


def test_the_recipient_may_differ_from_the_payer_and_is_stored_cleanly():
    # when
    checkout = place(recipient_name="  Mama   Njeri ", recipient_phone="0722 000 111")
    # then
    assert (checkout.recipient_name, checkout.recipient_phone) == ("Mama Njeri", "+254722000111")


def test_the_bought_products_leave_the_cart_and_the_others_stay():
    # given
    buyer = UserFactory()
    bought, kept = ProductFactory(), ProductFactory()
    cart_add(user=buyer, product_id=bought.pk, quantity=1)
    cart_add(user=buyer, product_id=kept.pk, quantity=1)
    # when
    place(buyer=buyer, lines=[(bought, 2)])
    # then
    assert list(buyer.cart.items.values_list("product_id", flat=True)) == [kept.pk]


def test_goods_that_cost_nothing_cannot_be_checked_out():
    # given
    product = ProductFactory(price_minor=0, stock=5)
    before = world()
    # when
    with pytest.raises(NothingToPay):
        place(lines=[(product, 1)])
    # then
    assert world() == before


# -- bad input ---------------------------------------------------------------------------------


def _items(ctx, *pairs):
    return [(ctx["product"].pk if p == "P" else p, q) for p, q in pairs]


BAD = {
    "zero quantity": (lambda c: {"items": _items(c, ("P", 0))}, "orders.invalid_quantity"),
    "negative quantity": (lambda c: {"items": _items(c, ("P", -1))}, "orders.invalid_quantity"),
    "huge quantity": (lambda c: {"items": _items(c, ("P", 10**30))}, "orders.invalid_quantity"),
    "over 999": (lambda c: {"items": _items(c, ("P", 1_000))}, "orders.invalid_quantity"),
    "999 in two lines": (
        lambda c: {"items": _items(c, ("P", 500), ("P", 500))},
        "orders.invalid_quantity",
    ),
    "quantity as text": (lambda c: {"items": _items(c, ("P", "2"))}, "orders.invalid_quantity"),
    "quantity as bool": (lambda c: {"items": _items(c, ("P", True))}, "orders.invalid_quantity"),
    "quantity as float": (lambda c: {"items": _items(c, ("P", 2.0))}, "orders.invalid_quantity"),
    "51 lines": (lambda c: {"items": [(c["product"].pk, 1)] * 51}, "orders.invalid_quantity"),
    "unknown product": (lambda c: {"items": [(2**40, 1)]}, "orders.unknown_product"),
    "product id as text": (lambda c: {"items": [("1", 1)]}, "orders.unknown_product"),
    "product id zero": (lambda c: {"items": [(0, 1)]}, "orders.unknown_product"),
    "unlisted product": (
        lambda c: {"items": [(c["unlisted"].pk, 1)]},
        "orders.unknown_product",
    ),
    "own product": (lambda c: {"items": [(c["own"].pk, 1)]}, "orders.own_product"),
    "above stock": (lambda c: {"items": _items(c, ("P", 11))}, "orders.not_enough_stock"),
    "second line above stock": (
        lambda c: {"items": [(c["product"].pk, 2), (c["scarce"].pk, 2)]},
        "orders.not_enough_stock",
    ),
    "unknown currency": (lambda c: {"currency": "XYZ"}, "orders.currency_not_accepted"),
    "lower-case currency": (lambda c: {"currency": "kes"}, "orders.currency_not_accepted"),
    "currency not accepted": (lambda c: {"currency": "JPY"}, "orders.currency_not_accepted"),
    "no currency": (lambda c: {"currency": ""}, "orders.currency_not_accepted"),
    "empty items": (lambda c: {"items": []}, "orders.empty_cart"),
    "bad recipient phone": (
        lambda c: {"delivery": delivery(recipient_phone="12")},
        "core.invalid_input",
    ),
    "blank recipient": (
        lambda c: {"delivery": delivery(recipient_name="  ")},
        "core.invalid_input",
    ),
    "control character in name": (
        lambda c: {"delivery": delivery(recipient_name="Grace\x00W")},
        "core.invalid_input",
    ),
    "no address": (lambda c: {"delivery": delivery(address=" ")}, "core.invalid_input"),
    "unknown delivery method": (
        lambda c: {"delivery": delivery(method="drone")},
        "core.invalid_input",
    ),
    "pickup at a closed centre": (
        lambda c: {"delivery": delivery(method="pickup", service_centre_id=c["closed_centre"].pk)},
        "core.not_found",
    ),
    "pickup in an unapproved village": (
        lambda c: {"delivery": delivery(method="pickup", service_centre_id=c["applied_centre"].pk)},
        "core.not_found",
    ),
    "pickup without a centre": (
        lambda c: {"delivery": delivery(method="pickup", service_centre_id=None)},
        "core.not_found",
    ),
}
FIELDS = {
    "bad recipient phone": "recipient_phone",
    "blank recipient": "recipient_name",
    "control character in name": "recipient_name",
    "no address": "address",
    "unknown delivery method": "delivery_method",
    "pickup at a closed centre": "service_centre",
    "above stock": "quantity",
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_checkout_input_is_refused_with_its_code_and_changes_nothing(case):
    """Each bad request: a DomainError with a precise code; stock, orders, money untouched."""
    # given
    buyer = UserFactory()
    ctx = {
        "product": ProductFactory(stock=10),
        "scarce": ProductFactory(stock=1),
        "unlisted": ProductFactory(is_published=False),
        "own": ProductFactory(shop=ShopFactory(owner=buyer)),
        "closed_centre": ServiceCentreFactory(is_active=False),
        "applied_centre": ServiceCentreFactory(village=VillageFactory(applied=True)),
    }
    make, code = BAD[case]
    request = {"items": [(ctx["product"].pk, 1)], "currency": "KES", "delivery": delivery()}
    request.update(make(ctx))
    before = world()
    # when
    with pytest.raises(DomainError) as error:
        checkout_place(buyer=buyer, **request)
    # then
    assert error.value.code == code
    if case in FIELDS:
        assert error.value.field == FIELDS[case]
    assert world() == before


def test_the_same_idempotency_key_and_request_give_the_same_checkout():
    """A retried request returns the first checkout and reserves nothing more."""
    # given
    buyer = UserFactory()
    product = ProductFactory(stock=10)
    request = {"items": [(product.pk, 2)], "currency": "KES", "delivery": delivery()}
    digest = request_fingerprint({"items": [[product.pk, 2]], "currency": "KES"})
    first = checkout_place(buyer=buyer, idempotency_key="k-1", request_hash=digest, **request)
    # when
    second = checkout_place(buyer=buyer, idempotency_key="k-1", request_hash=digest, **request)
    # then
    product.refresh_from_db()
    assert second.pk == first.pk
    assert Order.objects.count() == 1
    assert product.stock == 8


def test_the_same_idempotency_key_with_another_request_is_refused():
    # given
    buyer = UserFactory()
    product = ProductFactory(stock=10)
    checkout_place(
        buyer=buyer,
        items=[(product.pk, 2)],
        currency="KES",
        delivery=delivery(),
        idempotency_key="k-1",
        request_hash=request_fingerprint({"q": 2}),
    )
    before = world()
    # when
    with pytest.raises(IdempotencyKeyReused) as error:
        checkout_place(
            buyer=buyer,
            items=[(product.pk, 3)],
            currency="KES",
            delivery=delivery(),
            idempotency_key="k-1",
            request_hash=request_fingerprint({"q": 3}),
        )
    # then
    assert error.value.code == "orders.idempotency_key_reused"
    assert world() == before


def test_idempotency_keys_belong_to_their_buyer():
    """Two buyers using the same key get two checkouts."""
    # given
    product = ProductFactory(stock=10)
    digest = request_fingerprint({"q": 1})
    # when
    checkouts = [
        checkout_place(
            buyer=UserFactory(),
            items=[(product.pk, 1)],
            currency="KES",
            delivery=delivery(),
            idempotency_key="same",
            request_hash=digest,
        )
        for _ in range(2)
    ]
    # then
    assert checkouts[0].pk != checkouts[1].pk
    product.refresh_from_db()
    assert product.stock == 8


def test_request_fingerprints_ignore_key_order_and_see_values():
    assert request_fingerprint({"a": 1, "b": [1, 2]}) == request_fingerprint({"b": [1, 2], "a": 1})
    assert request_fingerprint({"a": 1}) != request_fingerprint({"a": 2})


# -- paying --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"method": "bitcoin"}, "method"),
        ({"method": "mobile_money", "phone": "not a phone"}, "phone"),
        ({"method": "card", "card_number": "4242"}, "card_number"),
        ({"method": "card", "card_number": "4" * 31}, "card_number"),
        ({"method": "cash"}, "service_centre"),
    ],
)
def test_bad_payment_input_is_refused_and_changes_nothing(kwargs, field):
    # given
    checkout = place()
    before = world()
    # when
    with pytest.raises(DomainError) as error:
        checkout_pay(checkout=checkout, actor=checkout.buyer, **kwargs)
    # then
    assert error.value.field == field
    assert world() == before


def test_cash_needs_a_centre_with_an_operator():
    # given
    centre = ServiceCentreFactory(operator=None)
    checkout = place(method=DeliveryMethod.PICKUP, service_centre_id=centre.pk)
    before = world()
    # when
    with pytest.raises(DomainError) as error:
        checkout_pay(checkout=checkout, actor=checkout.buyer, method=PaymentMethod.CASH)
    # then
    assert (error.value.code, error.value.field) == ("core.not_found", "centre")
    assert world() == before


def test_a_checkout_past_its_reservation_cannot_be_paid():
    # given
    checkout = place()
    before = world()
    # when
    with frozen(later(minutes=30, seconds=1)), pytest.raises(CheckoutNotPayable):
        checkout_pay(
            checkout=checkout,
            actor=checkout.buyer,
            method=PaymentMethod.MOBILE_MONEY,
            phone="+254712345678",
        )
    # then
    assert world() == before


def test_a_second_phone_prompt_is_refused_while_the_first_waits():
    # given
    checkout = place()
    checkout_pay(
        checkout=checkout,
        actor=checkout.buyer,
        method=PaymentMethod.MOBILE_MONEY,
        phone="+254712345678",
    )
    before = world()
    # when
    with pytest.raises(PaymentInProgress):
        checkout_pay(
            checkout=checkout,
            actor=checkout.buyer,
            method=PaymentMethod.CARD,
            card_number="4242424242424242",
        )
    # then
    assert world() == before


def test_a_paid_checkout_cannot_be_paid_again(tasks):
    # given
    checkout = place()
    pay(checkout, tasks)
    before = world()
    # when
    with pytest.raises(CheckoutNotPayable):
        checkout_pay(
            checkout=checkout,
            actor=checkout.buyer,
            method=PaymentMethod.CARD,
            card_number="4242424242424242",
        )
    # then
    assert world() == before
    assert PaymentIntent.objects.count() == 1


def test_the_reservation_lasts_the_configured_minutes(settings):
    # given
    settings.CHECKOUT_RESERVATION_MINUTES = 45
    moment = later()
    # when
    with frozen(moment):
        checkout = place()
    # then
    assert checkout.reserved_until == moment + timedelta(minutes=45)


def test_expiring_before_the_reservation_ends_does_nothing():
    """The task (or the sweep) run early leaves the checkout and its stock alone."""
    # given
    checkout = place()
    before = world()
    # when
    checkout_expire(checkout_id=checkout.pk, now=later(minutes=29))
    # then
    assert world() == before


def test_a_late_payment_of_the_old_total_after_a_cancellation_is_refunded(tasks):
    """The prompt for both orders expired, one order was cancelled, then the payer approved:
    the old amount no longer matches what is due, so it is refunded; the rest can be paid."""
    # given
    keep = ProductFactory(price_minor=100_000)
    drop = ProductFactory(price_minor=40_000)
    checkout = place(lines=[(keep, 1), (drop, 1)])
    old = checkout_pay(
        checkout=checkout, actor=checkout.buyer, method=PaymentMethod.MOBILE_MONEY, phone=SILENT
    )
    run_tasks_at(tasks, later(minutes=6), only={"payment_expire_task"})
    order_cancel(order=checkout.orders.get(shop=drop.shop), actor=checkout.buyer)
    SandboxTransaction.objects.filter(provider_ref=old.provider_ref).update(state="succeeded")
    # when
    late = payment_refresh(intent_id=old.pk)
    # then
    assert (late.status, late.amount_minor) == (PaymentStatus.REFUNDED, 140_000)
    assert checkout.orders.get(shop=keep.shop).status == OrderStatus.PENDING_PAYMENT
    assert bal("clearing:sandbox-mobile") == 0
    assert ledger_problems() == []
    assert pay(checkout, tasks).amount_minor == 100_000
    assert checkout.orders.get(shop=keep.shop).status == OrderStatus.PAID


def test_an_idempotency_key_longer_than_its_column_is_refused():
    """Refused as input (not a database error on PostgreSQL); nothing is reserved."""
    # given
    product = ProductFactory(stock=10)
    before = world()
    # when
    with pytest.raises(DomainError) as error:
        checkout_place(
            buyer=UserFactory(),
            items=[(product.pk, 1)],
            currency="KES",
            delivery=delivery(),
            idempotency_key="k" * 101,
        )
    # then
    assert (error.value.code, error.value.field) == ("core.invalid_input", "idempotency_key")
    assert world() == before


def test_paying_a_checkout_just_placed_skips_the_checks_but_pays_the_same(tasks):
    """The USSD hop places and pays in one request: the payment is the same as the web's."""
    from sokoni.orders.services.checkout import checkout_pay
    from sokoni.orders.tests.factories import place
    from sokoni.payments.states import PaymentMethod

    checkout = place()
    intent = checkout_pay(
        checkout=checkout,
        actor=checkout.buyer,
        method=PaymentMethod.MOBILE_MONEY,
        phone="+254712345678",
        just_placed=True,
    )
    assert (intent.amount_minor, intent.currency) == (checkout.total_minor, checkout.currency)
