"""Payments: sandbox mobile money, card and cash, as a buyer meets them, money moved once."""

from datetime import timedelta
from unittest import mock

import pytest

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.core.errors import InvalidInput
from sokoni.core.money import Money
from sokoni.orders.services.checkout import checkout_pay
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import (
    CARD_DECLINED,
    CARD_NO_FUNDS,
    DECLINES,
    PAYS,
    SILENT,
    balance,
    frozen,
    later,
    pay,
    pay_by_card,
    place,
    run_tasks_at,
    world,
)
from sokoni.payments.errors import (
    PaymentMismatch,
    PaymentNotPending,
    ProviderUnavailable,
    UnknownPayment,
)
from sokoni.payments.gateways.sandbox import SandboxMobileMoney
from sokoni.payments.models import (
    JournalTransaction,
    PaymentIntent,
    SandboxTransaction,
    WebhookReceipt,
)
from sokoni.payments.selectors import ledger_problems
from sokoni.payments.services.intents import (
    payment_confirm_cash,
    payment_expire,
    payment_refresh,
    payment_start,
)
from sokoni.payments.states import PaymentMethod, PaymentStatus
from sokoni.villages.tests.factories import ServiceCentreFactory

pytestmark = pytest.mark.django_db

CLEARING = "clearing:sandbox-mobile"


def kinds(intent):
    return list(intent.events.order_by("pk").values_list("kind", flat=True))


def start_mobile(checkout, phone=PAYS):
    return checkout_pay(
        checkout=checkout, actor=checkout.buyer, method=PaymentMethod.MOBILE_MONEY, phone=phone
    )


# -- mobile money --------------------------------------------------------------------------------


def test_mobile_money_is_paid_by_the_callback_and_recorded_step_by_step(tasks):
    # given
    checkout = place()
    # when
    intent = pay(checkout, tasks)
    # then
    assert (intent.status, intent.amount_minor, intent.currency) == ("succeeded", 250_000, "KES")
    assert (intent.provider, intent.payer_phone) == ("sandbox-mobile", PAYS)
    assert intent.provider_ref.startswith("SBX")
    assert kinds(intent) == ["requested", "accepted", "succeeded"]
    assert checkout.orders.get().status == OrderStatus.PAID
    assert balance(CLEARING) == -250_000


def test_the_duplicate_callbacks_move_the_money_once(tasks):
    """The sandbox delivers every callback twice: one receipt, one hold."""
    # given
    checkout = place()
    # when
    intent = pay(checkout, tasks)
    # then
    assert WebhookReceipt.objects.count() == 1
    assert JournalTransaction.objects.filter(reference=intent.reference).count() == 1
    assert balance(CLEARING) == -250_000
    assert ledger_problems() == []


def test_a_declined_payment_leaves_the_orders_waiting_and_can_be_tried_again(tasks):
    """Phone ending 0000: declined; the stock stays reserved; a second phone pays."""
    # given
    product = ProductFactory(stock=10)
    checkout = place(lines=[(product, 2)])
    # when
    declined = pay(checkout, tasks, phone=DECLINES)
    state = checkout.orders.get().status
    paid = pay(checkout, tasks)
    # then
    product.refresh_from_db()
    assert (declined.status, declined.failure_message) == ("failed", "declined by the payer")
    assert state == OrderStatus.PENDING_PAYMENT
    assert paid.status == PaymentStatus.SUCCEEDED
    assert checkout.orders.get().status == OrderStatus.PAID
    assert product.stock == 8
    assert JournalTransaction.objects.count() == 1
    assert ledger_problems() == []


def test_an_unanswered_payment_expires_after_a_last_status_query(tasks):
    """Phone ending 0001 never answers: after PAYMENT_TIMEOUT the task marks it expired."""
    # given
    checkout = place()
    intent = start_mobile(checkout, phone=SILENT)
    queries = []
    original = SandboxMobileMoney.query

    def counted(self, ref):
        queries.append(ref)
        return original(self, ref)

    # when
    with mock.patch.object(SandboxMobileMoney, "query", counted):
        run_tasks_at(tasks, later(minutes=4))
        early = PaymentIntent.objects.get(pk=intent.pk).status
        run_tasks_at(tasks, later(minutes=5, seconds=1))
    # then
    intent.refresh_from_db()
    assert early == PaymentStatus.PENDING
    assert queries == [intent.provider_ref]
    assert intent.status == PaymentStatus.EXPIRED
    assert kinds(intent) == ["requested", "accepted", "expired"]
    assert checkout.orders.get().status == OrderStatus.PENDING_PAYMENT
    assert JournalTransaction.objects.count() == 0


def test_a_payment_is_not_expired_before_its_deadline():
    """The expiry task run early (a worker's clock ahead) leaves the payment waiting."""
    # given
    intent = start_mobile(place(), phone=SILENT)
    before = world()
    # when
    payment_expire(intent_id=intent.pk, now=later(minutes=4, seconds=59))
    # then
    assert world() == before


def test_after_an_expired_prompt_the_buyer_can_pay_another_way(tasks):
    # given
    checkout = place()
    start_mobile(checkout, phone=SILENT)
    run_tasks_at(tasks, later(minutes=6))
    # when
    intent = pay_by_card(checkout)
    # then
    assert intent.status == PaymentStatus.SUCCEEDED
    assert checkout.orders.get().status == OrderStatus.PAID


def test_a_prompt_answered_after_it_expired_still_pays_an_open_checkout(tasks):
    """The provider confirms late but the reservation still runs: the orders are paid."""
    # given
    checkout = place()
    intent = start_mobile(checkout, phone=SILENT)
    run_tasks_at(tasks, later(minutes=6))
    SandboxTransaction.objects.filter(provider_ref=intent.provider_ref).update(state="succeeded")
    # when
    refreshed = payment_refresh(intent_id=intent.pk)
    # then
    assert refreshed.status == PaymentStatus.SUCCEEDED
    assert checkout.orders.get().status == OrderStatus.PAID
    assert balance(CLEARING) == -250_000
    assert ledger_problems() == []


def test_the_payment_timeout_is_configurable(settings):
    # given
    settings.PAYMENT_TIMEOUT_MINUTES = 2
    moment = later()
    # when
    with frozen(moment):
        intent = start_mobile(place(), phone=SILENT)
    # then
    assert intent.expires_at == moment + timedelta(minutes=2)


def test_expiry_is_not_blocked_by_a_provider_that_reports_another_amount(tasks):
    """The provider's books disagree: nothing is credited, but the buyer is not stuck."""
    # given
    checkout = place()
    intent = start_mobile(checkout, phone=SILENT)
    SandboxTransaction.objects.filter(provider_ref=intent.provider_ref).update(
        state="succeeded", amount_minor=1
    )
    # when
    expired = payment_expire(intent_id=intent.pk, now=later(minutes=6))
    # then
    assert expired.status == PaymentStatus.EXPIRED
    assert JournalTransaction.objects.count() == 0
    assert pay_by_card(checkout).status == PaymentStatus.SUCCEEDED


def test_the_checkout_expiry_is_not_blocked_by_a_provider_that_disagrees(tasks):
    """The stock comes back even if the last status query is refused."""
    # given
    product = ProductFactory(stock=10)
    checkout = place(lines=[(product, 2)])
    intent = start_mobile(checkout, phone=SILENT)
    SandboxTransaction.objects.filter(provider_ref=intent.provider_ref).update(
        state="succeeded", currency="USD"
    )
    # when
    run_tasks_at(tasks, later(minutes=31), only={"checkout_expire_task"})
    # then
    product.refresh_from_db()
    assert checkout.orders.get().status == OrderStatus.CANCELLED
    assert product.stock == 10
    assert PaymentIntent.objects.get(pk=intent.pk).status == PaymentStatus.EXPIRED
    assert JournalTransaction.objects.count() == 0


def test_a_provider_that_cannot_be_reached_fails_the_payment_at_once():
    # given
    checkout = place()
    # when
    with mock.patch.object(SandboxMobileMoney, "request", side_effect=ProviderUnavailable()):
        intent = start_mobile(checkout)
    # then
    assert intent.status == PaymentStatus.FAILED
    assert intent.failure_message == "The payment service did not answer. Try again in a moment."
    assert checkout.orders.get().status == OrderStatus.PENDING_PAYMENT


def test_refreshing_an_unknown_payment_is_refused():
    with pytest.raises(UnknownPayment):
        payment_refresh(intent_id=2**40)


# -- card ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "status", "message"),
    [
        ("4242 4242 4242 4242", "succeeded", ""),
        ("5555-5555-5555-4444", "succeeded", ""),
        (CARD_DECLINED, "failed", "card declined"),
        (CARD_NO_FUNDS, "failed", "insufficient funds"),
        ("4111 1111 1111 1111", "failed", "not a sandbox test card"),
    ],
)
def test_the_sandbox_cards_answer_at_once(tasks, number, status, message):
    # given
    checkout = place()
    # when
    intent = pay_by_card(checkout, number)
    tasks.run()  # the card's callback arrives afterwards and changes nothing
    # then
    intent.refresh_from_db()
    paid = status == "succeeded"
    assert (intent.status, intent.failure_message) == (status, message)
    assert intent.card_last4 == number.replace(" ", "").replace("-", "")[-4:]
    assert checkout.orders.get().status == ("paid" if paid else "pending_payment")
    assert balance("clearing:sandbox-card") == (-250_000 if paid else 0)
    assert JournalTransaction.objects.count() == (1 if paid else 0)
    assert ledger_problems() == []


def test_a_payment_for_nothing_known_is_refunded_at_once():
    """No handler wants the money: it is recorded and returned in the same transaction."""
    # given
    payer = UserFactory()
    # when
    intent = payment_start(
        purpose="nothing",
        purpose_id=1,
        amount=Money(5_000, "KES"),
        method=PaymentMethod.CARD,
        payer=payer,
        card_number="4242424242424242",
    )
    # then
    assert intent.status == PaymentStatus.REFUNDED
    assert kinds(intent)[-2:] == ["succeeded", "refunded"]
    assert balance(f"escrow:payment:{intent.reference}") == 0
    assert balance("clearing:sandbox-card") == 0
    assert JournalTransaction.objects.filter(reference=intent.reference).count() == 2


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"method": "cheque"}, "method"),
        ({"method": "card", "amount": Money(0, "KES")}, None),
        ({"method": "mobile_money"}, "phone"),
        ({"method": "cash"}, "centre"),
    ],
)
def test_a_payment_request_needs_what_its_method_needs(kwargs, field):
    # given
    request = {"purpose": "x", "purpose_id": 1, "amount": Money(100, "KES"), "payer": None}
    request.update(kwargs)
    before = world()
    # when
    with pytest.raises(InvalidInput) as error:
        payment_start(**request)
    # then
    assert error.value.field == field
    assert world() == before


# -- cash ----------------------------------------------------------------------------------------


def _cash_checkout():
    centre = ServiceCentreFactory()
    checkout = place(method="pickup", service_centre_id=centre.pk)
    intent = checkout_pay(checkout=checkout, actor=checkout.buyer, method=PaymentMethod.CASH)
    return centre, checkout, intent


def test_cash_confirmed_by_the_centres_operator_enters_their_float_then_escrow():
    # given
    centre, checkout, intent = _cash_checkout()
    spoken = intent.reference.lower()[:4] + " - " + intent.reference.lower()[4:]
    # when
    paid = payment_confirm_cash(reference=spoken, operator=centre.operator, amount_minor=250_000)
    # then
    order = checkout.orders.get()
    assert paid.status == PaymentStatus.SUCCEEDED
    assert (intent.collector_id, intent.collector_label) == (centre.operator_id, centre.name)
    assert intent.expires_at == checkout.reserved_until
    assert order.status == OrderStatus.PAID
    assert balance(f"float:agent:{centre.operator_id}") == -250_000
    assert balance(f"escrow:order:{order.pk}") == 250_000
    assert paid.events.order_by("pk").last().actor == centre.operator
    assert ledger_problems() == []


def test_cash_cannot_be_confirmed_by_another_operator():
    # given
    _centre, _checkout, intent = _cash_checkout()
    before = world()
    # when
    with pytest.raises(UnknownPayment):
        payment_confirm_cash(
            reference=intent.reference,
            operator=ServiceCentreFactory().operator,
            amount_minor=250_000,
        )
    # then
    assert world() == before


@pytest.mark.parametrize("amount", [249_999, 250_001, 0])
def test_cash_must_be_exactly_the_amount_due(amount):
    # given
    centre, _checkout, intent = _cash_checkout()
    before = world()
    # when
    with pytest.raises(PaymentMismatch) as error:
        payment_confirm_cash(
            reference=intent.reference, operator=centre.operator, amount_minor=amount
        )
    # then
    assert error.value.code == "payments.mismatch"
    assert world() == before


def test_cash_cannot_be_confirmed_twice():
    # given
    centre, _checkout, intent = _cash_checkout()
    payment_confirm_cash(reference=intent.reference, operator=centre.operator, amount_minor=250_000)
    before = world()
    # when
    with pytest.raises(PaymentNotPending):
        payment_confirm_cash(
            reference=intent.reference, operator=centre.operator, amount_minor=250_000
        )
    # then
    assert world() == before
    assert balance(f"float:agent:{centre.operator_id}") == -250_000


def test_an_unknown_cash_reference_is_refused():
    # given
    centre, _checkout, _intent = _cash_checkout()
    before = world()
    # when
    with pytest.raises(UnknownPayment):
        payment_confirm_cash(reference="SKNOPE000", operator=centre.operator, amount_minor=1)
    # then
    assert world() == before


def test_cash_brought_after_the_reservation_ended_is_refused(tasks):
    """The checkout expired: the cash request with it; the operator's confirmation fails."""
    # given
    centre, checkout, intent = _cash_checkout()
    run_tasks_at(tasks, later(minutes=31))
    before = world()
    # when
    with pytest.raises(PaymentNotPending):
        payment_confirm_cash(
            reference=intent.reference, operator=centre.operator, amount_minor=250_000
        )
    # then
    assert world() == before
    assert checkout.orders.get().status == OrderStatus.CANCELLED


def test_choosing_another_way_drops_the_cash_request():
    # given
    centre, checkout, cash = _cash_checkout()
    # when
    card = pay_by_card(checkout)
    # then
    cash.refresh_from_db()
    assert (cash.status, card.status) == (PaymentStatus.EXPIRED, PaymentStatus.SUCCEEDED)
    with pytest.raises(PaymentNotPending):
        payment_confirm_cash(
            reference=cash.reference, operator=centre.operator, amount_minor=250_000
        )
    assert balance(f"float:agent:{centre.operator_id}") == 0
