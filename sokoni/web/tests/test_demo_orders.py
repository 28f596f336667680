"""seed_demo also creates orders in every state, through the real services, with a sound ledger."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from sokoni.accounts.models import User
from sokoni.catalog.models import Product
from sokoni.orders.models import Checkout, Dispute, Order
from sokoni.orders.services.escrow import share
from sokoni.orders.states import DeliveryMethod, DisputeDecision, OrderStatus
from sokoni.payments.models import FxRate, JournalTransaction, PaymentIntent, Payout
from sokoni.payments.selectors import ledger_problems, wallet_balances
from sokoni.payments.states import PaymentMethod, PaymentStatus, PayoutStatus
from sokoni.web.demo.orders import EXTORTING_BUYER
from sokoni.web.demo.world import DEMO_ACCOUNTS

PRODUCTS = 90
PHONES = {account.role: account.phone for account in DEMO_ACCOUNTS}


def test_seed_demo_creates_an_order_in_every_state(world):
    """Every order status has at least one demo order, and the command says how many."""
    # when
    statuses = set(Order.objects.values_list("status", flat=True))
    own = Order.objects.filter(checkout__placed_by__isnull=True)
    # then
    assert statuses == set(OrderStatus.values)
    assert own.count() == 13
    assert f"Demo orders: {own.count()} (" in world


def test_demo_orders_leave_the_ledger_sound(world):
    """ledger_check finds nothing wrong after seeding."""
    # when
    problems = ledger_problems()
    out = StringIO()
    call_command("ledger_check", stdout=out)
    # then
    assert problems == []
    assert out.getvalue().strip() == "ledger ok"


def test_demo_orders_belong_to_the_demo_buyers_and_shops(world):
    """The demo buyers placed them (and the buyer who demands cash for stars, in the trust
    story); the demo seller's and the farmer's shops sold most."""
    # when
    own = Order.objects.filter(checkout__placed_by__isnull=True)
    buyers = set(own.values_list("buyer__phone", flat=True))
    sellers = set(own.values_list("shop__owner__phone", flat=True))
    # then
    assert buyers == {PHONES["buyer"], PHONES["buyer_abroad"], EXTORTING_BUYER[0]}
    assert {PHONES["seller"], PHONES["farmer"]} <= sellers


def test_demo_buyer_abroad_paid_a_kenyan_shop_in_pounds(world):
    """An order priced in KES was paid in GBP at a stored demo rate."""
    # when
    order = Order.objects.get(currency="KES", pay_currency="GBP")
    # then
    assert order.buyer.phone == PHONES["buyer_abroad"]
    assert order.fx_source == "demo"
    assert order.pay_total_minor > 0
    assert FxRate.objects.filter(base="EUR", quote="GBP", source="demo").count() == 1
    assert FxRate.objects.filter(base="EUR", quote="KES", source="demo").count() == 1


def test_demo_cash_payment_was_confirmed_by_the_centre_operator(world):
    """One order was paid in cash at the Othaya service centre, confirmed by its operator."""
    # when
    intent = PaymentIntent.objects.get(method=PaymentMethod.CASH, payer__phone=PHONES["buyer"])
    order = Order.objects.get(checkout_id=intent.purpose_id)
    # then
    assert intent.status == PaymentStatus.SUCCEEDED
    assert intent.collector.phone == PHONES["operator"]
    assert intent.events.get(to_status=PaymentStatus.SUCCEEDED).actor == intent.collector
    assert order.status == OrderStatus.PAID
    assert order.checkout.service_centre.operator == intent.collector


def test_demo_gift_goes_to_a_relative_for_pickup(world):
    """The buyer abroad sent a gift to someone else, to collect at a service centre."""
    # when
    gift = Checkout.objects.get(
        buyer__phone=PHONES["buyer_abroad"], delivery_method=DeliveryMethod.PICKUP
    )
    # then
    assert gift.recipient_name != gift.buyer.name
    assert gift.recipient_phone != gift.buyer.phone
    assert gift.service_centre is not None
    assert gift.orders.get().status == OrderStatus.SHIPPED


def test_demo_shows_an_extended_release_and_a_shared_dispute(world):
    """One shipped order was extended once by 5 days; one dispute was split by staff."""
    # when
    extended = Order.objects.get(extended_days__gt=0)
    settled = Order.objects.get(status=OrderStatus.SETTLED)
    # then
    assert extended.status == OrderStatus.SHIPPED
    assert extended.extended_days == 5
    dispute = Dispute.objects.get(order=settled)
    assert dispute.decision == DisputeDecision.SPLIT
    assert dispute.decided_by.phone == PHONES["staff"]
    assert settled.refunded_minor == dispute.buyer_share_minor
    assert settled.released_minor == settled.total_minor - dispute.buyer_share_minor
    assert Dispute.objects.get(order__status=OrderStatus.DISPUTED).decision == ""


def test_demo_seller_was_paid_out_once_and_a_failed_payout_returned(world):
    """The seller's wallet was credited; one payout was sent, one failed and came back."""
    # when
    payouts = {p.status: p for p in Payout.objects.filter(owner__phone=PHONES["seller"])}
    # then
    assert set(payouts) == {PayoutStatus.PAID, PayoutStatus.FAILED}
    returned = JournalTransaction.objects.get(
        idempotency_key=f"payout:{payouts[PayoutStatus.FAILED].pk}:returned"
    )
    assert returned.postings.count() == 2
    seller = payouts[PayoutStatus.PAID].owner
    released = sum(
        o.released_minor - share(o.commission_minor, o.released_minor, o.total_minor)
        for o in Order.objects.filter(
            shop__owner=seller, status__in=(OrderStatus.COMPLETED, OrderStatus.SETTLED)
        )
    )
    balance = dict(wallet_balances(seller))["CNY"]
    assert balance > 0
    assert balance == released - payouts[PayoutStatus.PAID].amount_minor


def test_demo_expired_order_returned_its_stock_and_its_payment_gave_up(world):
    """The unpaid order was cancelled at expiry; its unanswered mobile-money request expired."""
    # when
    order = Order.objects.get(status=OrderStatus.CANCELLED)
    intent = PaymentIntent.objects.get(purpose_id=order.checkout_id)
    # then
    assert intent.method == PaymentMethod.MOBILE_MONEY
    assert intent.status == PaymentStatus.EXPIRED
    assert order.events.filter(to_status=OrderStatus.CANCELLED, actor=None).count() == 1
    assert not Product.objects.filter(stock__lt=0).exists()


def test_demo_service_centre_has_assisted_orders_and_a_parcel_waiting(world):
    """The Othaya operator ordered for neighbours: one collected (commission paid), one parcel
    waiting with the demo code, one on its way, one with cash due."""
    from sokoni.accounts.selectors import has_pin
    from sokoni.accounts.services import pin_check
    from sokoni.logistics.models import Pickup
    from sokoni.payments.codes import wallet_of
    from sokoni.payments.selectors import account_balance

    # when
    operator = User.objects.get(phone=PHONES["operator"])
    assisted = Order.objects.filter(checkout__placed_by=operator)
    waiting = Pickup.objects.get(status="waiting")
    # then
    assert sorted(assisted.values_list("status", flat=True)) == [
        "completed",
        "pending_payment",
        "shipped",  # on its way
        "shipped",  # waiting at the centre
    ]
    done = assisted.get(status="completed")
    assert done.agent_commission_minor > 0
    assert (
        account_balance(code=wallet_of(operator.pk), currency="KES") == done.agent_commission_minor
    )
    assert waiting.centre.operator == operator
    njeri = User.objects.get(phone="+254722000021")
    pin_check(user=njeri, pin="4071")
    assert not has_pin(User.objects.get(phone="+254722000022"))
    assert "pickup code 246810" in world
    from sokoni.agents.models import CashCount

    count = CashCount.objects.get(operator=operator)
    assert count.difference_minor == -10_000


def test_demo_trust_stories_show_reviews_and_a_held_extortion_review(world):
    """Reviews with a photo and the shop's reply; the extorting buyer's one star is held under
    the farmer's open report, which waits in the staff queue."""
    from sokoni.trust.models import ExtortionReport, Review

    published = Review.objects.filter(status="published")
    assert published.count() == 2
    assert published.filter(reply__isnull=False).count() == 1
    assert any(review.photos for review in published)
    report = ExtortionReport.objects.get()
    assert report.status == "open"
    assert report.shop.owner.phone == PHONES["farmer"]
    held = Review.objects.get(status="held")
    assert (held.author_id, held.rating) == (report.buyer_id, 1)
    assert report.message is not None  # reported from his message
    assert "Trust: 3 reviews, 6 messages, 1 extortion report(s)" in world


def test_the_demo_dispute_has_both_sides_and_waits_for_staff(world):
    """The buyer's opening statement and the workshop's answer with a photo; staff's turn."""
    dispute = Dispute.objects.get(decision="")
    sides = list(dispute.statements.order_by("created_at").values_list("side", flat=True))
    assert sides == ["buyer", "seller"]
    assert dispute.statements.get(side="seller").photos.count() == 1
    assert dispute.stage == "awaiting_staff"
    assert dispute.order.threads.get().messages.count() == 2
