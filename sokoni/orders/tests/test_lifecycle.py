"""Every move of the order state machine through the services, and every forbidden one.

Amounts: the default product costs KES 1,250.00 (125_000 minor), two are bought (250_000), the
shop charges no delivery and the category the default 5% commission (12_500).
"""

from datetime import timedelta

import pytest

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.catalog.tests.factories import ProductFactory, ShopFactory
from sokoni.core.errors import InvalidInput, NotFound, PermissionDenied
from sokoni.orders.errors import CheckoutNotPayable, PaymentInProgress, TransitionNotAllowed
from sokoni.orders.models import Dispute, OrderEvent
from sokoni.orders.services.checkout import checkout_cancel, checkout_pay
from sokoni.orders.services.lifecycle import (
    dispute_decide,
    dispute_refund_by_seller,
    order_auto_release,
    order_cancel,
    order_confirm_receipt,
    order_delivered,
    order_dispute_open,
    order_extend,
    order_move,
    order_refund_uncollected,
    order_ship,
)
from sokoni.orders.states import TRANSITIONS, OrderStatus
from sokoni.orders.tests.factories import (
    balance,
    delivered_order,
    disputed_order,
    frozen,
    later,
    paid_order,
    pay,
    place,
    run_tasks_at,
    shipped_order,
    world,
)
from sokoni.payments.codes import REVENUE_COMMISSION, escrow_for_order, wallet_of
from sokoni.payments.models import JournalTransaction
from sokoni.payments.selectors import ledger_problems
from sokoni.payments.states import PaymentMethod, PaymentStatus
from sokoni.shipping.tests.factories import shop_with_fee

pytestmark = pytest.mark.django_db

CLEARING = "clearing:sandbox-mobile"


def events(order):
    return list(order.events.order_by("pk").values_list("from_status", "to_status"))


# -- the allowed moves -----------------------------------------------------------------------


def test_paying_moves_the_order_to_paid_and_records_both_steps(tasks):
    """pending_payment -> paid: an event for the creation and one for the payment."""
    # given
    checkout = place()
    # when
    pay(checkout, tasks)
    # then
    order = checkout.orders.get()
    assert order.status == OrderStatus.PAID
    assert order.paid_at is not None
    assert events(order) == [("", "pending_payment"), ("pending_payment", "paid")]
    assert balance(escrow_for_order(order.pk)) == 250_000
    assert balance(CLEARING) == -250_000


def test_the_buyer_cancels_an_unpaid_order_and_its_stock_returns():
    """pending_payment -> cancelled: stock back, checkout total down, no money moved."""
    # given
    product = ProductFactory(stock=10)
    checkout = place(lines=[(product, 3)])
    order = checkout.orders.get()
    # when
    order_cancel(order=order, actor=checkout.buyer)
    # then
    order.refresh_from_db()
    product.refresh_from_db()
    checkout.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert order.closed_at is not None
    assert product.stock == 10
    assert checkout.total_minor == 0
    assert events(order)[-1] == ("pending_payment", "cancelled")
    assert JournalTransaction.objects.count() == 0


def test_an_unpaid_order_cannot_be_cancelled_while_its_payment_is_on_its_way():
    """The buyer must answer (or let expire) the phone prompt first; nothing changes."""
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
        order_cancel(order=checkout.orders.get(), actor=checkout.buyer)
    # then
    assert world() == before


def test_the_seller_ships_a_paid_order_and_the_release_clock_starts(tasks):
    """paid -> shipped: tracking kept, the backstop release due 30 days later (no carrier
    recorded a delivery yet), a release task queued."""
    # given
    order = paid_order(tasks)
    moment = later(minutes=1)
    # when
    with frozen(moment):
        order_ship(order=order, actor=order.shop.owner, tracking_ref="  KE   123  ")
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert order.tracking_ref == "KE 123"
    assert order.shipped_at == moment
    assert order.auto_release_at == moment + timedelta(days=30)
    assert "order_auto_release_task" in tasks.names()
    assert events(order)[-1] == ("paid", "shipped")
    assert balance(escrow_for_order(order.pk)) == 250_000


@pytest.mark.parametrize("who", ["buyer", "seller"])
def test_cancelling_a_paid_order_refunds_it_in_full_and_restocks(tasks, who):
    """paid -> refunded: the whole total goes back where it came from; the stock returns."""
    # given
    product = ProductFactory(stock=10)
    order = paid_order(tasks, lines=[(product, 2)])
    actor = order.buyer if who == "buyer" else order.shop.owner
    # when
    order_cancel(order=order, actor=actor)
    # then
    order.refresh_from_db()
    product.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert order.refunded_minor == 250_000
    assert order.released_minor == 0
    assert product.stock == 10
    assert balance(escrow_for_order(order.pk)) == 0
    assert balance(CLEARING) == 0
    assert balance(wallet_of(order.shop.owner_id)) == 0
    assert ledger_problems() == []


def test_a_stranger_cannot_cancel_an_order(tasks):
    """Someone who is neither the buyer nor the seller gets NotFound; nothing changes."""
    # given
    order = paid_order(tasks)
    before = world()
    # when
    with pytest.raises(NotFound):
        order_cancel(order=order, actor=UserFactory())
    # then
    assert world() == before


@pytest.mark.parametrize("shipped", [False, True])
def test_the_buyer_disputes_a_paid_or_shipped_order_and_the_escrow_stays(tasks, shipped):
    """paid -> disputed and shipped -> disputed: a dispute row, the money stays held."""
    # given
    order = shipped_order(tasks) if shipped else paid_order(tasks)
    # when
    dispute = order_dispute_open(
        order=order, actor=order.buyer, reason="damaged", details="  The jar broke.  "
    )
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.DISPUTED
    assert (dispute.reason, dispute.details, dispute.is_open) == ("damaged", "The jar broke.", True)
    assert events(order)[-1] == ("shipped" if shipped else "paid", "disputed")
    assert balance(escrow_for_order(order.pk)) == 250_000
    assert ledger_problems() == []


def test_confirming_receipt_releases_the_total_less_commission_on_the_goods_only(tasks):
    """shipped -> completed: the delivery fee carries no commission."""
    # given
    shop = shop_with_fee(30_000)
    order = shipped_order(tasks, lines=[(ProductFactory(shop=shop), 2)])
    # when
    order_confirm_receipt(order=order, actor=order.buyer)
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert order.total_minor == 280_000
    assert order.commission_minor == 12_500
    assert order.released_minor == 280_000
    assert balance(wallet_of(shop.owner_id)) == 267_500
    assert balance(REVENUE_COMMISSION) == 12_500
    assert balance(escrow_for_order(order.pk)) == 0
    assert events(order)[-1] == ("shipped", "completed")
    assert ledger_problems() == []


def test_a_parcel_never_recorded_delivered_is_released_thirty_days_after_shipping(tasks):
    """shipped -> completed by the task: not a minute early, then once."""
    # given
    order = shipped_order(tasks)
    order.refresh_from_db()
    due = order.auto_release_at
    # when
    run_tasks_at(tasks, due - timedelta(minutes=1))
    order.refresh_from_db()
    early = order.status
    run_tasks_at(tasks, due + timedelta(minutes=1))
    # then
    order.refresh_from_db()
    assert early == OrderStatus.SHIPPED
    assert order.status == OrderStatus.COMPLETED
    assert balance(wallet_of(order.shop.owner_id)) == 237_500
    last = order.events.order_by("pk").last()
    assert (last.actor, last.reason) == (None, "released automatically 30 days after shipping")


def test_the_release_window_starts_when_the_carrier_delivers(tasks):
    """shipped -> delivered -> completed: released 10 days after the delivery, not before."""
    # given
    order = shipped_order(tasks)
    delivered_at = later(days=3)
    with frozen(delivered_at):
        order_delivered(order_id=order.pk, actor=None, reference="SKAC3DEF4G")
    order.refresh_from_db()
    # when
    run_tasks_at(tasks, delivered_at + timedelta(days=10) - timedelta(minutes=1))
    order.refresh_from_db()
    early = order.status
    run_tasks_at(tasks, delivered_at + timedelta(days=10, minutes=1))
    # then
    assert early == OrderStatus.DELIVERED
    assert order.delivered_at == delivered_at
    assert order.auto_release_at == delivered_at + timedelta(days=10)
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    reasons_ = [e.reason for e in order.events.order_by("pk")]
    assert reasons_[-2:] == [
        "delivered: SKAC3DEF4G",
        "released automatically 10 days after delivery",
    ]
    assert balance(wallet_of(order.shop.owner_id)) == 237_500


def test_a_delivery_on_a_disputed_order_moves_nothing(tasks):
    """The dispute froze the money: a late delivery record does not restart a clock."""
    order = disputed_order(tasks)
    assert order_delivered(order_id=order.pk, actor=None, reference="SKX").status == "disputed"
    order.refresh_from_db()
    assert order.status == OrderStatus.DISPUTED
    assert order.delivered_at is None


def test_staff_release_a_disputed_escrow_to_the_seller(tasks):
    """disputed -> completed: the seller gets the total less commission."""
    # given
    order = disputed_order(tasks)
    staff = StaffFactory()
    # when
    dispute_decide(order=order, actor=staff, decision="release", note="Tracking shows delivery.")
    # then
    order.refresh_from_db()
    dispute = Dispute.objects.get(order=order)
    assert order.status == OrderStatus.COMPLETED
    assert (order.released_minor, order.refunded_minor) == (250_000, 0)
    assert (dispute.decision, dispute.buyer_share_minor, dispute.decided_by) == (
        "release",
        0,
        staff,
    )
    assert balance(wallet_of(order.shop.owner_id)) == 237_500
    assert balance(REVENUE_COMMISSION) == 12_500
    assert balance(CLEARING) == -250_000
    assert ledger_problems() == []


@pytest.mark.parametrize("shipped", [True, False])
def test_staff_refund_a_disputed_order_in_full(tasks, shipped):
    """disputed -> refunded: all back to the buyer; the stock returns only if never shipped."""
    # given
    product = ProductFactory(stock=10)
    order = disputed_order(tasks, shipped=shipped, lines=[(product, 2)])
    # when
    dispute_decide(order=order, actor=StaffFactory(), decision="refund", note="Never arrived.")
    # then
    order.refresh_from_db()
    product.refresh_from_db()
    assert order.status == OrderStatus.REFUNDED
    assert (order.released_minor, order.refunded_minor) == (0, 250_000)
    assert Dispute.objects.get(order=order).buyer_share_minor == 250_000
    assert balance(CLEARING) == 0
    assert balance(wallet_of(order.shop.owner_id)) == 0
    assert balance(REVENUE_COMMISSION) == 0
    assert product.stock == (8 if shipped else 10)
    assert ledger_problems() == []


def test_staff_split_a_disputed_order_and_the_commission_follows_the_sellers_share(tasks):
    """disputed -> settled: 100,000 back, 150,000 to the seller less 3/5 of the commission."""
    # given
    order = disputed_order(tasks)
    # when
    dispute_decide(
        order=order,
        actor=StaffFactory(),
        decision="split",
        note="One of two baskets broken.",
        buyer_share_minor=100_000,
    )
    # then
    order.refresh_from_db()
    assert order.status == OrderStatus.SETTLED
    assert (order.released_minor, order.refunded_minor) == (150_000, 100_000)
    assert balance(wallet_of(order.shop.owner_id)) == 142_500
    assert balance(REVENUE_COMMISSION) == 7_500
    assert balance(CLEARING) == -150_000
    assert balance(escrow_for_order(order.pk)) == 0
    assert events(order)[-1] == ("disputed", "settled")
    assert ledger_problems() == []


def test_the_seller_may_accept_a_dispute_and_refund(tasks):
    """disputed -> refunded by the seller: recorded as a refund decision for the full total."""
    # given
    order = disputed_order(tasks)
    # when
    dispute_refund_by_seller(order=order, actor=order.shop.owner)
    # then
    order.refresh_from_db()
    dispute = Dispute.objects.get(order=order)
    assert order.status == OrderStatus.REFUNDED
    assert (dispute.decision, dispute.buyer_share_minor) == ("refund", 250_000)
    assert balance(CLEARING) == 0
    assert ledger_problems() == []


def test_every_move_of_the_table_is_reachable_through_the_services(tasks):
    """The flows above, together, take every transition in TRANSITIONS and no other."""
    # given
    staff = StaffFactory()
    pending = place()
    order_cancel(order=pending.orders.get(), actor=pending.buyer)
    order_cancel(order=(paid := paid_order(tasks)), actor=paid.buyer)
    order_confirm_receipt(order=(shipped := shipped_order(tasks)), actor=shipped.buyer)
    order_refund_uncollected(order_id=shipped_order(tasks).pk)  # nobody collected the parcel
    order_confirm_receipt(order=(delivered := delivered_order(tasks)), actor=delivered.buyer)
    late = delivered_order(tasks)
    order_dispute_open(order=late, actor=late.buyer, reason="damaged", details="Broken jar.")
    for decision, share in [("release", None), ("refund", None), ("split", 1_000)]:
        dispute_decide(
            order=disputed_order(tasks, shipped=decision != "refund"),
            actor=staff,
            decision=decision,
            note="decided",
            buyer_share_minor=share,
        )
    # when
    taken = set(OrderEvent.objects.exclude(from_status="").values_list("from_status", "to_status"))
    # then
    allowed = {(src, dst) for src, targets in TRANSITIONS.items() for dst in targets}
    assert taken == allowed
    assert ledger_problems() == []


# -- the forbidden moves ---------------------------------------------------------------------


def _one_order_in_each_status(tasks):
    staff = StaffFactory()
    orders = {OrderStatus.PENDING_PAYMENT: place().orders.get()}
    orders[OrderStatus.PAID] = paid_order(tasks)
    orders[OrderStatus.SHIPPED] = shipped_order(tasks)
    orders[OrderStatus.DELIVERED] = delivered_order(tasks)
    orders[OrderStatus.DISPUTED] = disputed_order(tasks)
    cancelled = place().orders.get()
    orders[OrderStatus.CANCELLED] = order_cancel(order=cancelled, actor=cancelled.buyer)
    orders[OrderStatus.COMPLETED] = order_confirm_receipt(
        order=(done := shipped_order(tasks)), actor=done.buyer
    )
    orders[OrderStatus.REFUNDED] = order_cancel(order=(back := paid_order(tasks)), actor=back.buyer)
    orders[OrderStatus.SETTLED] = dispute_decide(
        order=disputed_order(tasks),
        actor=staff,
        decision="split",
        note="shared",
        buyer_share_minor=1,
    )
    return orders


def test_no_move_outside_the_table_is_possible(tasks):
    """For every status, every target the table forbids is refused and changes nothing."""
    # given
    orders = _one_order_in_each_status(tasks)
    before = world()
    refused = 0
    # when
    for status, order in orders.items():
        order.refresh_from_db()
        assert order.status == status
        for target in OrderStatus:
            if target in TRANSITIONS[status]:
                continue
            with pytest.raises(TransitionNotAllowed):
                order_move(order, target, actor=None)
            refused += 1
    # then
    assert refused == len(OrderStatus) ** 2 - sum(len(targets) for targets in TRANSITIONS.values())
    assert world() == before
    assert ledger_problems() == []


def test_an_unpaid_order_cannot_be_shipped():
    """Shipping before payment is refused; nothing changes, no release task is queued."""
    # given
    order = place().orders.get()
    before = world()
    # when
    with pytest.raises(TransitionNotAllowed) as error:
        order_ship(order=order, actor=order.shop.owner, tracking_ref="KE-1")
    # then
    assert error.value.code == "orders.transition_not_allowed"
    assert world() == before


@pytest.mark.parametrize("who", ["other seller", "buyer"])
def test_nobody_but_the_seller_ships_an_order(tasks, who):
    """Another shop's owner, or the buyer, gets NotFound; nothing changes."""
    # given
    order = paid_order(tasks)
    actor = ShopFactory().owner if who == "other seller" else order.buyer
    before = world()
    # when
    with pytest.raises(NotFound):
        order_ship(order=order, actor=actor, tracking_ref="KE-1")
    # then
    assert world() == before


def test_a_blank_tracking_reference_is_refused(tasks):
    # given
    order = paid_order(tasks)
    before = world()
    # when
    with pytest.raises(InvalidInput) as error:
        order_ship(order=order, actor=order.shop.owner, tracking_ref="   ")
    # then
    assert error.value.field == "tracking_ref"
    assert world() == before


@pytest.mark.parametrize("who", ["stranger", "seller"])
def test_nobody_but_the_buyer_confirms_receipt(tasks, who):
    """Confirming someone else's order is NotFound and releases nothing."""
    # given
    order = shipped_order(tasks)
    actor = UserFactory() if who == "stranger" else order.shop.owner
    before = world()
    # when
    with pytest.raises(NotFound):
        order_confirm_receipt(order=order, actor=actor)
    # then
    assert world() == before


def test_a_second_confirmation_moves_no_money(tasks):
    """The second confirmation is refused; wallet, revenue and journal count stay."""
    # given
    order = shipped_order(tasks)
    order_confirm_receipt(order=order, actor=order.buyer)
    before = world()
    # when
    with pytest.raises(TransitionNotAllowed):
        order_confirm_receipt(order=order, actor=order.buyer)
    # then
    assert world() == before
    assert balance(wallet_of(order.shop.owner_id)) == 237_500


def test_receipt_cannot_be_confirmed_before_shipping(tasks):
    # given
    order = paid_order(tasks)
    before = world()
    # when
    with pytest.raises(TransitionNotAllowed):
        order_confirm_receipt(order=order, actor=order.buyer)
    # then
    assert world() == before


def test_a_disputed_escrow_is_never_released_automatically(tasks):
    """The dispute freezes the clock: the release task and a late sweep do nothing."""
    # given
    order = disputed_order(tasks)
    before = world()
    # when
    run_tasks_at(tasks, later(days=30))
    result = order_auto_release(order_id=order.pk, now=later(days=30))
    # then
    assert result.status == OrderStatus.DISPUTED
    assert world() == before
    assert balance(escrow_for_order(order.pk)) == 250_000


def test_receipt_of_a_disputed_order_cannot_be_confirmed(tasks):
    # given
    order = disputed_order(tasks)
    before = world()
    # when
    with pytest.raises(TransitionNotAllowed):
        order_confirm_receipt(order=order, actor=order.buyer)
    # then
    assert world() == before


def test_a_shipped_order_cannot_be_cancelled(tasks):
    # given
    order = shipped_order(tasks)
    before = world()
    # when
    with pytest.raises(TransitionNotAllowed):
        order_cancel(order=order, actor=order.buyer)
    # then
    assert world() == before


def test_a_cancelled_checkout_cannot_be_paid():
    """After cancelling, a new payment is refused before any provider is asked."""
    # given
    checkout = place()
    checkout_cancel(checkout=checkout, actor=checkout.buyer, reason="changed my mind")
    before = world()
    # when
    with pytest.raises(CheckoutNotPayable):
        checkout_pay(
            checkout=checkout,
            actor=checkout.buyer,
            method=PaymentMethod.MOBILE_MONEY,
            phone="+254712345678",
        )
    # then
    assert world() == before


@pytest.mark.parametrize("how", ["cancelled", "expired"])
def test_a_late_payment_for_a_closed_checkout_is_refunded(tasks, how):
    """The payer answers the prompt after the checkout closed: the money goes back at once."""
    # given
    product = ProductFactory(stock=10)
    checkout = place(lines=[(product, 2)])
    intent = checkout_pay(
        checkout=checkout,
        actor=checkout.buyer,
        method=PaymentMethod.MOBILE_MONEY,
        phone="+254712345678",
    )
    if how == "cancelled":
        checkout_cancel(checkout=checkout, actor=checkout.buyer, reason="changed my mind")
    else:
        run_tasks_at(tasks, later(minutes=31), only={"checkout_expire_task"})
    # when
    run_tasks_at(
        tasks, later(minutes=32), only={"sandbox_mobile_answer", "sandbox_deliver_callback"}
    )
    # then
    intent.refresh_from_db()
    product.refresh_from_db()
    assert checkout.orders.get().status == OrderStatus.CANCELLED
    assert intent.status == PaymentStatus.REFUNDED
    assert product.stock == 10
    assert balance(f"escrow:payment:{intent.reference}") == 0
    assert balance(CLEARING) == 0
    assert JournalTransaction.objects.filter(reference=intent.reference).count() == 2
    assert ledger_problems() == []


def test_the_release_date_is_extended_once(tasks):
    """The buyer extends by 5 days; a second extension is refused and changes nothing."""
    # given
    order = shipped_order(tasks)
    order.refresh_from_db()
    due = order.auto_release_at
    # when
    order_extend(order=order, actor=order.buyer, days=5)
    before = world()
    with pytest.raises(TransitionNotAllowed):
        order_extend(order=order, actor=order.buyer, days=3)
    # then
    order.refresh_from_db()
    assert (order.extended_days, order.auto_release_at) == (5, due + timedelta(days=5))
    assert world() == before


@pytest.mark.parametrize("days", [4, 0, -3, 11, "3", None])
def test_only_3_5_7_or_10_days_may_be_added(tasks, days):
    # given
    order = shipped_order(tasks)
    before = world()
    # when
    with pytest.raises(InvalidInput) as error:
        order_extend(order=order, actor=order.buyer, days=days)
    # then
    assert error.value.field == "days"
    assert world() == before


def test_an_extended_order_is_released_on_its_new_date_only(tasks):
    """The original release task comes and goes; the release waits for the new date."""
    # given
    order = shipped_order(tasks)
    order.refresh_from_db()
    due = order.auto_release_at
    order_extend(order=order, actor=order.buyer, days=3)
    # when
    run_tasks_at(tasks, due + timedelta(days=1))
    order.refresh_from_db()
    first = order.status
    run_tasks_at(tasks, due + timedelta(days=3, minutes=1))
    # then
    order.refresh_from_db()
    assert first == OrderStatus.SHIPPED
    assert order.status == OrderStatus.COMPLETED
    assert order.events.order_by("pk").last().reason == (
        "released automatically 33 days after shipping"
    )


def test_the_release_date_of_an_unshipped_or_others_order_cannot_be_extended(tasks):
    # given
    paid = paid_order(tasks)
    shipped = shipped_order(tasks)
    before = world()
    # when / then
    with pytest.raises(TransitionNotAllowed):
        order_extend(order=paid, actor=paid.buyer, days=3)
    with pytest.raises(NotFound):
        order_extend(order=shipped, actor=paid.buyer, days=3)
    assert world() == before


def test_only_the_buyer_opens_a_dispute_and_only_on_held_money(tasks):
    """A stranger: NotFound; an unpaid or completed order: refused; bad reason: refused."""
    # given
    shipped = shipped_order(tasks)
    unpaid = place().orders.get()
    done = order_confirm_receipt(order=(o := shipped_order(tasks)), actor=o.buyer)
    before = world()
    # when / then
    with pytest.raises(NotFound):
        order_dispute_open(order=shipped, actor=UserFactory(), reason="other", details="x")
    with pytest.raises(InvalidInput):
        order_dispute_open(order=shipped, actor=shipped.buyer, reason="bored", details="x")
    with pytest.raises(InvalidInput):
        order_dispute_open(order=shipped, actor=shipped.buyer, reason="other", details="  ")
    with pytest.raises(TransitionNotAllowed):
        order_dispute_open(order=unpaid, actor=unpaid.buyer, reason="other", details="x")
    with pytest.raises(TransitionNotAllowed):
        order_dispute_open(order=done, actor=done.buyer, reason="other", details="x")
    assert world() == before


def test_only_staff_decide_a_dispute(tasks):
    """The buyer, the seller or a stranger deciding is refused; nothing changes."""
    # given
    order = disputed_order(tasks)
    before = world()
    # when / then
    for actor in (order.buyer, order.shop.owner, UserFactory()):
        with pytest.raises(PermissionDenied):
            dispute_decide(order=order, actor=actor, decision="refund", note="mine")
    assert world() == before


@pytest.mark.parametrize("share", [0, 250_000, 300_000, -1, None, True, "100"])
def test_a_split_gives_the_buyer_more_than_nothing_and_less_than_everything(tasks, share):
    # given
    order = disputed_order(tasks)
    before = world()
    # when
    with pytest.raises(InvalidInput) as error:
        dispute_decide(
            order=order,
            actor=StaffFactory(),
            decision="split",
            note="shared",
            buyer_share_minor=share,
        )
    # then
    assert error.value.field == "buyer_share"
    assert world() == before


def test_a_decision_needs_a_known_choice_a_note_and_an_open_dispute(tasks):
    # given
    staff = StaffFactory()
    order = disputed_order(tasks)
    shipped = shipped_order(tasks)
    before = world()
    # when / then
    with pytest.raises(InvalidInput):
        dispute_decide(order=order, actor=staff, decision="coin toss", note="x")
    with pytest.raises(InvalidInput):
        dispute_decide(order=order, actor=staff, decision="refund", note="  ")
    with pytest.raises(TransitionNotAllowed):
        dispute_decide(order=shipped, actor=staff, decision="refund", note="no dispute")
    assert world() == before
    dispute_decide(order=order, actor=staff, decision="refund", note="first")
    after = world()
    with pytest.raises(TransitionNotAllowed):
        dispute_decide(order=order, actor=staff, decision="release", note="second")
    assert world() == after


def test_a_seller_cannot_refund_a_dispute_of_another_shop(tasks):
    # given
    order = disputed_order(tasks)
    before = world()
    # when
    with pytest.raises(NotFound):
        dispute_refund_by_seller(order=order, actor=ShopFactory().owner)
    # then
    assert world() == before
