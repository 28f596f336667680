"""Property: whatever buyers, sellers, providers, staff and the clock do, in any order, the
ledger stays sound and no unit of stock or minor unit of money appears or disappears.

A hypothesis state machine drives the real services over a small market (two shops, three
products, three buyers, one of them also a seller): checkouts in two currencies, mobile-money
payments that pay, are declined or never answered, card and cash payments, callbacks delivered
late, twice or replayed, cancellations, shipping, extensions, disputes and staff decisions,
confirmations, the clock running past expiries and release dates, and payouts. After every
step ``ledger_problems()`` (which includes the orders' escrow invariants) must be empty, stock
plus the quantities still held by orders must equal the starting stock, and no checkout may
have kept two payments.

Each example runs inside a savepoint rolled back at its end; ``timezone.now`` follows the
machine's own clock.
"""

import contextlib
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.catalog.models import Product
from sokoni.catalog.tests.factories import CategoryFactory, ProductFactory, ShopFactory
from sokoni.core.errors import InvalidInput
from sokoni.core.money import Money
from sokoni.orders.errors import (
    CheckoutNotPayable,
    NotEnoughStock,
    OwnProduct,
    PaymentInProgress,
    TransitionNotAllowed,
)
from sokoni.orders.models import Checkout, Order, OrderLine
from sokoni.orders.services.checkout import checkout_cancel, checkout_pay, checkout_place
from sokoni.orders.services.due import orders_run_due
from sokoni.orders.services.escrow import share
from sokoni.orders.services.lifecycle import (
    dispute_decide,
    order_cancel,
    order_confirm_receipt,
    order_dispute_open,
    order_extend,
    order_ship,
)
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import DECLINES, PAYS, SILENT, delivery
from sokoni.payments.codes import PAYOUTS_IN_TRANSIT, REVENUE_COMMISSION
from sokoni.payments.errors import InsufficientFunds, PaymentNotPending
from sokoni.payments.gateways.base import webhook_secret
from sokoni.payments.gateways.sandbox import callback_body
from sokoni.payments.models import AccountKind, FxRate, LedgerAccount, PaymentIntent, Payout
from sokoni.payments.selectors import ledger_problems
from sokoni.payments.services import Line, journal_post
from sokoni.payments.services.intents import payment_confirm_cash
from sokoni.payments.services.payouts import payout_request, payout_settle
from sokoni.payments.services.webhooks import webhook_receive
from sokoni.payments.signatures import sign
from sokoni.payments.states import PaymentMethod, PaymentStatus, PayoutStatus
from sokoni.shipping.tests.factories import shop_with_fee
from sokoni.villages.tests.factories import ServiceCentreFactory

pytestmark = pytest.mark.django_db

PHONES = {"pays": PAYS, "declines": DECLINES, "silent": SILENT}
pick = st.integers(min_value=0, max_value=1_000)


def having(*statuses):
    """A precondition: some order is in one of these statuses (so the rule has work)."""
    return precondition(lambda machine: Order.objects.filter(status__in=statuses).exists())


def queued(name):
    return precondition(lambda machine: any(r.task.name == name for r in machine.queue.queued))


class Market(RuleBasedStateMachine):
    queue = None  # the test's task queue, set by the test

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.now = timezone.now()
        self.clock = mock.patch("django.utils.timezone.now", new=self._clock)
        self.clock.start()
        self.queue.clear()
        FxRate.objects.create(
            base="KES", quote="USD", rate=Decimal("0.0077"), source="ECB", as_of=date(2026, 1, 5)
        )
        self.staff = StaffFactory()
        self.buyers = [UserFactory(), UserFactory(), UserFactory()]
        shop_a = shop_with_fee(5_000)
        shop_b = ShopFactory(owner=self.buyers[2])  # this buyer also sells
        self.products = [
            ProductFactory(shop=shop_a, price_minor=12_345, stock=4),
            ProductFactory(
                shop=shop_a,
                price_minor=50_000,
                stock=3,
                category=CategoryFactory(commission_bp=750),
            ),
            ProductFactory(shop=shop_b, price_minor=99_999, stock=5),
        ]
        self.initial_stock = {p.pk: p.stock for p in self.products}
        self.centre = ServiceCentreFactory()
        self.checkouts: list[int] = []

    def teardown(self):
        self.clock.stop()
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)
        self.queue.clear()

    # -- helpers -----------------------------------------------------------------------------

    def _clock(self):
        return self.now

    def _checkout(self, index):
        return Checkout.objects.get(pk=self.checkouts[index % len(self.checkouts)])

    def _payable(self, index):
        """A checkout with orders still waiting for payment (paid ones would only refuse)."""
        waiting = list(
            Checkout.objects.filter(orders__status=OrderStatus.PENDING_PAYMENT)
            .distinct()
            .order_by("pk")
        )
        return waiting[index % len(waiting)]

    def _order(self, index, *statuses):
        orders = list(Order.objects.filter(status__in=statuses).order_by("pk"))
        return orders[index % len(orders)] if orders else None

    def _run_one(self, name, index):
        """Run one queued task of this name (the others stay queued: late or duplicate)."""
        queued = [r for r in self.queue.queued if r.task.name == name]
        if not queued:
            return
        result = queued[index % len(queued)]
        self.queue.backend.results.remove(result)
        result.task.call(*result.args, **result.kwargs)

    # -- buyers ------------------------------------------------------------------------------

    @initialize(currency=st.sampled_from(["KES", "USD"]))
    def a_paid_checkout_of_two_shops(self, currency):
        """Every run starts with money in escrow for both shops."""
        self.place(buyer=0, lines=[(0, 1), (2, 1)], currency=currency, pickup=False)
        self._card(self._checkout(0), good=True)

    @rule(
        buyer=st.integers(0, 2),
        lines=st.lists(st.tuples(st.integers(0, 2), st.integers(1, 3)), min_size=1, max_size=3),
        currency=st.sampled_from(["KES", "KES", "USD"]),
        pickup=st.booleans(),
    )
    def place(self, buyer, lines, currency, pickup):
        extra = {"method": "pickup", "service_centre_id": self.centre.pk} if pickup else {}
        try:
            checkout = checkout_place(
                buyer=self.buyers[buyer],
                items=[(self.products[p].pk, q) for p, q in lines],
                currency=currency,
                delivery=delivery(**extra),
            )
        except (NotEnoughStock, OwnProduct):
            return
        self.checkouts.append(checkout.pk)

    @rule(
        buyer=st.integers(0, 1),
        product=st.integers(0, 2),
        currency=st.sampled_from(["KES", "USD"]),
        outcome=st.sampled_from(["card", "pays", "declines", "silent"]),
    )
    def place_and_pay(self, buyer, product, currency, outcome):
        """The common path: a one-line checkout paid at once (card) or by a phone prompt."""
        before = len(self.checkouts)
        self.place(buyer=buyer, lines=[(product, 1)], currency=currency, pickup=False)
        if len(self.checkouts) == before:
            return
        checkout = self._checkout(-1)
        if outcome == "card":
            self._card(checkout, good=True)
        else:
            checkout_pay(
                checkout=checkout,
                actor=checkout.buyer,
                method=PaymentMethod.MOBILE_MONEY,
                phone=PHONES[outcome],
            )

    @having(OrderStatus.PENDING_PAYMENT)
    @rule(index=pick, outcome=st.sampled_from(["pays", "pays", "declines", "silent"]))
    def pay_by_phone(self, index, outcome):
        checkout = self._payable(index)
        with contextlib.suppress(CheckoutNotPayable, PaymentInProgress):
            checkout_pay(
                checkout=checkout,
                actor=checkout.buyer,
                method=PaymentMethod.MOBILE_MONEY,
                phone=PHONES[outcome],
            )

    @having(OrderStatus.PENDING_PAYMENT)
    @rule(index=pick, good=st.booleans())
    def pay_by_card(self, index, good):
        self._card(self._payable(index), good=good)

    def _card(self, checkout, *, good):
        with contextlib.suppress(CheckoutNotPayable, PaymentInProgress):
            checkout_pay(
                checkout=checkout,
                actor=checkout.buyer,
                method=PaymentMethod.CARD,
                card_number="4242424242424242" if good else "4000000000000002",
            )

    @having(OrderStatus.PENDING_PAYMENT)
    @rule(index=pick)
    def pay_cash(self, index):
        checkout = self._payable(index)
        with contextlib.suppress(CheckoutNotPayable, PaymentInProgress):
            checkout_pay(
                checkout=checkout,
                actor=checkout.buyer,
                method=PaymentMethod.CASH,
                centre_id=self.centre.pk,
            )

    @precondition(lambda m: PaymentIntent.objects.filter(method="cash", status="pending").exists())
    @rule(index=pick)
    def operator_takes_cash(self, index):
        waiting = list(
            PaymentIntent.objects.filter(method=PaymentMethod.CASH, status="pending").order_by("pk")
        )
        if not waiting:
            return
        intent = waiting[index % len(waiting)]
        with contextlib.suppress(PaymentNotPending):
            payment_confirm_cash(
                reference=intent.reference,
                operator=self.centre.operator,
                amount_minor=intent.amount_minor,
            )

    @having(OrderStatus.PENDING_PAYMENT)
    @rule(index=pick)
    def buyer_cancels_checkout(self, index):
        checkout = self._payable(index)
        checkout_cancel(checkout=checkout, actor=checkout.buyer, reason="changed my mind")

    @having(OrderStatus.PENDING_PAYMENT, OrderStatus.PAID)
    @rule(index=pick, by_seller=st.booleans())
    def cancel_order(self, index, by_seller):
        order = self._order(index, OrderStatus.PENDING_PAYMENT, OrderStatus.PAID)
        if order is None:
            return
        actor = order.shop.owner if by_seller else order.buyer
        with contextlib.suppress(PaymentInProgress, TransitionNotAllowed):
            order_cancel(order=order, actor=actor)

    @having(OrderStatus.SHIPPED, OrderStatus.DISPUTED)
    @rule(index=pick)
    def confirm_receipt(self, index):
        order = self._order(index, OrderStatus.SHIPPED, OrderStatus.DISPUTED)
        if order is None:
            return
        try:
            order_confirm_receipt(order=order, actor=order.buyer)
        except TransitionNotAllowed:
            assert order.status == OrderStatus.DISPUTED

    @having(OrderStatus.SHIPPED)
    @rule(index=pick, days=st.sampled_from([3, 5, 7, 10]))
    def extend(self, index, days):
        order = self._order(index, OrderStatus.SHIPPED)
        if order is None:
            return
        try:
            order_extend(order=order, actor=order.buyer, days=days)
        except TransitionNotAllowed:
            assert order.extended_days

    @having(OrderStatus.PAID, OrderStatus.SHIPPED)
    @rule(index=pick)
    def dispute(self, index):
        order = self._order(index, OrderStatus.PAID, OrderStatus.SHIPPED)
        if order is None:
            return
        order_dispute_open(order=order, actor=order.buyer, reason="damaged", details="Broken.")

    # -- sellers and staff -------------------------------------------------------------------

    @having(OrderStatus.PAID)
    @rule(index=pick)
    def ship(self, index):
        order = self._order(index, OrderStatus.PAID)
        if order is None:
            return
        order_ship(order=order, actor=order.shop.owner, tracking_ref="KE-1")

    @having(OrderStatus.DISPUTED)
    @rule(
        index=pick,
        decision=st.sampled_from(["release", "refund", "split"]),
        percent=st.integers(min_value=1, max_value=100),
    )
    def decide(self, index, decision, percent):
        order = self._order(index, OrderStatus.DISPUTED)
        if order is None:
            return
        share = max(1, order.total_minor * percent // 100)
        try:
            dispute_decide(
                order=order,
                actor=self.staff,
                decision=decision,
                note="decided",
                buyer_share_minor=share,
            )
        except InvalidInput:
            assert decision == "split"
            assert share >= order.total_minor

    @precondition(
        lambda m: LedgerAccount.objects.filter(kind="wallet", balance_minor__gt=0).exists()
    )
    @rule(index=pick, part=st.integers(1, 4), refused=st.booleans())
    def payout(self, index, part, refused):
        wallets = list(
            LedgerAccount.objects.filter(kind="wallet", balance_minor__gt=0).order_by("pk")
        )
        wallet = wallets[index % len(wallets)]
        amount = max(1, wallet.balance_minor * part // 3)  # part 4: more than there is
        try:
            payout_request(
                owner=wallet.owner,
                amount=Money(amount, wallet.currency),
                phone=DECLINES if refused else PAYS,
            )
        except InsufficientFunds:
            assert amount > wallet.balance_minor

    @queued("payout_send_task")
    @rule(index=pick)
    def payout_is_sent(self, index):
        self._run_one("payout_send_task", index)

    @precondition(lambda m: Payout.objects.exists())
    @rule(index=pick, ok=st.booleans())
    def payout_answer_repeated(self, index, ok):
        """The payout provider answers again (the same or the opposite): nothing moves twice."""
        payouts = list(Payout.objects.order_by("pk"))
        payout = payouts[index % len(payouts)]
        if payout.status != PayoutStatus.REQUESTED:
            payout_settle(payout_id=payout.pk, ok=ok, provider_ref="SBP-AGAIN")

    # -- providers and the clock ---------------------------------------------------------------

    @queued("sandbox_mobile_answer")
    @rule(index=pick)
    def payer_answers(self, index):
        self._run_one("sandbox_mobile_answer", index)

    @queued("sandbox_deliver_callback")
    @rule(index=pick)
    def callback_arrives(self, index):
        self._run_one("sandbox_deliver_callback", index)

    @precondition(lambda m: PaymentIntent.objects.exclude(provider_ref="").exists())
    @rule(index=pick, event=st.sampled_from(["EV-A", "EV-B"]))
    def callback_replayed(self, index, event):
        """A provider (or an attacker with a valid old signature) sends a callback again."""
        intents = list(
            PaymentIntent.objects.exclude(provider_ref="").exclude(method="cash").order_by("pk")
        )
        if not intents:
            return
        intent = intents[index % len(intents)]
        body = callback_body(intent.provider_ref, f"{event}-{intent.pk}")
        header = sign(body=body, secret=webhook_secret(intent.provider))
        webhook_receive(provider=intent.provider, signature=header, body=body)

    @rule(minutes=st.sampled_from([1, 6, 31, 60 * 24 * 4, 60 * 24 * 11]))
    def time_passes(self, minutes):
        self.now += timedelta(minutes=minutes)
        self.queue.run(now=self.now)

    @rule()
    def sweep(self):
        orders_run_due(now=self.now)

    # -- what must always hold -------------------------------------------------------------------

    @invariant()
    def ledger_is_sound(self):
        assert ledger_problems() == []
        payment_escrows = LedgerAccount.objects.filter(code__startswith="escrow:payment:")
        assert not payment_escrows.exclude(balance_minor=0).exists()

    @invariant()
    def stock_is_conserved(self):
        held = (
            OrderLine.objects.exclude(order__status=OrderStatus.CANCELLED)
            .exclude(order__status=OrderStatus.REFUNDED, order__shipped_at__isnull=True)
            .values("product_id")
            .annotate(n=Sum("quantity"))
        )
        taken = {row["product_id"]: row["n"] for row in held}
        stock = dict(Product.objects.values_list("pk", "stock"))
        for pk, start in self.initial_stock.items():
            assert stock[pk] >= 0
            assert stock[pk] + taken.get(pk, 0) == start

    @invariant()
    def sellers_and_platform_get_exactly_their_shares(self):
        """Each wallet holds what its orders released less their commission, less payouts not
        returned; the platform the commissions; in transit what is being sent."""
        wallets, revenue = defaultdict(int), 0
        closed = Order.objects.filter(released_minor__gt=0).select_related("shop")
        for order in closed:
            commission = share(order.commission_minor, order.released_minor, order.total_minor)
            wallets[order.shop.owner_id] += order.released_minor - commission
            revenue += commission
        sending = paid = 0
        for payout in Payout.objects.all():
            if payout.status != PayoutStatus.FAILED:
                wallets[payout.owner_id] -= payout.amount_minor
            if payout.status == PayoutStatus.REQUESTED:
                sending += payout.amount_minor
            if payout.status == PayoutStatus.PAID:
                paid += payout.amount_minor
        balances = dict(
            LedgerAccount.objects.filter(currency="KES").values_list("code", "balance_minor")
        )
        held = {code for code in balances if code.startswith("wallet:")}
        for owner_id, expected in wallets.items():
            assert balances.get(f"wallet:user:{owner_id}", 0) == expected
            held.discard(f"wallet:user:{owner_id}")
        assert all(balances[code] == 0 for code in held)  # no wallet filled by nothing
        assert balances.get(REVENUE_COMMISSION, 0) == revenue
        assert balances.get(PAYOUTS_IN_TRANSIT, 0) == sending
        assert balances.get("clearing:sandbox-payout", 0) == paid

    @invariant()
    def every_checkout_keeps_at_most_one_payment(self):
        for checkout_id in self.checkouts:
            kept = PaymentIntent.objects.filter(
                purpose="checkout", purpose_id=checkout_id, status=PaymentStatus.SUCCEEDED
            ).count()
            paid = Order.objects.filter(checkout_id=checkout_id, paid_at__isnull=False).exists()
            assert kept == int(paid)


def test_random_days_at_the_market_keep_money_and_stock_whole(tasks):
    """Random sequences of everything that can happen; the invariants hold after each step."""
    # given
    Market.queue = tasks
    # when / then
    run_state_machine_as_test(
        Market,
        settings=settings(
            max_examples=30,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )


def _leak(code, kind):
    journal_post(
        idempotency_key=f"leak:{code}",
        lines=[
            Line("clearing:x", AccountKind.CLEARING, "KES", -1),
            Line(code, kind, "KES", 1),
        ],
        description="money from nowhere",
    )


def test_the_invariants_do_catch_money_or_stock_from_nowhere(tasks):
    """Sanity of the property: each invariant fails when its rule is broken behind its back."""
    # given
    Market.queue = tasks
    machine = Market()
    try:
        machine.place(buyer=0, lines=[(0, 1)], currency="KES", pickup=False)
        order = Order.objects.get()
        # when / then: money in the escrow of an unpaid order
        _leak(f"escrow:order:{order.pk}", AccountKind.ESCROW)
        with pytest.raises(AssertionError):
            machine.ledger_is_sound()
        # when / then: money in a seller's wallet that no order released
        _leak(f"wallet:user:{order.shop.owner_id}", AccountKind.WALLET)
        with pytest.raises(AssertionError):
            machine.sellers_and_platform_get_exactly_their_shares()
        # when / then: a unit of stock from nowhere
        Product.objects.filter(pk=machine.products[0].pk).update(stock=99)
        with pytest.raises(AssertionError):
            machine.stock_is_conserved()
    finally:
        machine.teardown()
