"""Payouts: wallet -> in transit at once; the provider's answer sends it on or returns it."""

from unittest import mock

import pytest

from sokoni.accounts.tests.factories import UserFactory
from sokoni.core.money import Money
from sokoni.orders.services.lifecycle import order_confirm_receipt
from sokoni.orders.tests.factories import balance, shipped_order, world
from sokoni.payments.codes import PAYOUTS_IN_TRANSIT, wallet_of
from sokoni.payments.errors import InsufficientFunds, PayoutInvalid, ProviderUnavailable
from sokoni.payments.gateways.sandbox import SandboxPayout
from sokoni.payments.models import Payout
from sokoni.payments.selectors import (
    ledger_problems,
    payouts_for,
    wallet_balances,
    wallet_movements,
)
from sokoni.payments.services.payouts import payout_request, payout_send, payout_settle
from sokoni.payments.states import PayoutStatus

pytestmark = pytest.mark.django_db

PHONE = "+254712345678"
REFUSED = "+254712340000"


@pytest.fixture
def seller(tasks):
    """A seller whose wallet holds KES 2,375.00 from one completed order."""
    order = shipped_order(tasks)
    order_confirm_receipt(order=order, actor=order.buyer)
    tasks.clear()
    return order.shop.owner


def test_a_request_moves_the_money_from_the_wallet_into_transit(seller, tasks):
    # when
    payout = payout_request(owner=seller, amount=Money(100_000, "KES"), phone="0712 345 678")
    # then
    assert (payout.status, payout.phone, payout.provider) == (
        PayoutStatus.REQUESTED,
        PHONE,
        "sandbox-payout",
    )
    assert balance(wallet_of(seller.pk)) == 137_500
    assert balance(PAYOUTS_IN_TRANSIT) == 100_000
    assert tasks.names() == ["payout_send_task"]
    assert list(payout.events.values_list("from_status", "to_status", "actor")) == [
        ("", "requested", seller.pk)
    ]


def test_a_sent_payout_leaves_the_platform_through_the_providers_clearing(seller, tasks):
    # given
    payout = payout_request(owner=seller, amount=Money(100_000, "KES"), phone=PHONE)
    # when
    tasks.run()
    # then
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID
    assert payout.provider_ref.startswith("SBP")
    assert balance(PAYOUTS_IN_TRANSIT) == 0
    assert balance("clearing:sandbox-payout") == 100_000
    assert balance(wallet_of(seller.pk)) == 137_500
    assert ledger_problems() == []


def test_a_refused_payout_returns_the_money_to_the_wallet(seller, tasks):
    """Phone ending 0000: the provider refuses; the wallet is whole again."""
    # given
    payout = payout_request(owner=seller, amount=Money(100_000, "KES"), phone=REFUSED)
    # when
    tasks.run()
    # then
    payout.refresh_from_db()
    assert (payout.status, payout.failure_message) == (
        PayoutStatus.FAILED,
        "recipient not registered",
    )
    assert balance(wallet_of(seller.pk)) == 237_500
    assert balance(PAYOUTS_IN_TRANSIT) == 0
    assert list(payout.events.values_list("to_status", flat=True)) == ["requested", "failed"]
    assert ledger_problems() == []


@pytest.mark.parametrize(("amount", "currency"), [(237_501, "KES"), (1, "USD")])
def test_more_than_the_wallet_holds_is_refused_and_no_payout_is_written(seller, amount, currency):
    # given
    before = world()
    # when
    with pytest.raises(InsufficientFunds):
        payout_request(owner=seller, amount=Money(amount, currency), phone=PHONE)
    # then
    assert world() == before
    assert Payout.objects.count() == 0


def test_a_user_without_a_wallet_cannot_be_paid_out():
    # given
    before = world()
    # when
    with pytest.raises(InsufficientFunds):
        payout_request(owner=UserFactory(), amount=Money(1, "KES"), phone=PHONE)
    # then
    assert world() == before


@pytest.mark.parametrize(
    ("amount", "phone", "field"),
    [(0, PHONE, "amount"), (-5, PHONE, "amount"), (100, "", "phone"), (100, "12", "phone")],
)
def test_a_bad_payout_request_is_refused(seller, amount, phone, field):
    # given
    before = world()
    # when
    with pytest.raises(PayoutInvalid) as error:
        payout_request(owner=seller, amount=Money(amount, "KES"), phone=phone)
    # then
    assert error.value.field == field
    assert world() == before


def test_the_whole_wallet_can_be_paid_out(seller, tasks):
    # when
    payout_request(owner=seller, amount=Money(237_500, "KES"), phone=PHONE)
    tasks.run()
    # then
    assert wallet_balances(seller) == [("KES", 0)]


@pytest.mark.parametrize("second", [True, False])
def test_settling_twice_moves_the_money_once(seller, second):
    """A repeated or contradicting answer after the first changes nothing."""
    # given
    payout = payout_request(owner=seller, amount=Money(100_000, "KES"), phone=PHONE)
    payout_settle(payout_id=payout.pk, ok=True, provider_ref="SBP1")
    before = world()
    # when
    again = payout_settle(payout_id=payout.pk, ok=second, provider_ref="SBP2")
    # then
    assert (again.status, again.provider_ref) == (PayoutStatus.PAID, "SBP1")
    assert world() == before
    assert balance("clearing:sandbox-payout") == 100_000


def test_a_repeated_send_task_calls_the_provider_once(seller, tasks):
    # given
    payout = payout_request(owner=seller, amount=Money(100_000, "KES"), phone=PHONE)
    calls = []
    original = SandboxPayout.send

    def counted(self, payout):
        calls.append(payout.pk)
        return original(self, payout)

    # when
    with mock.patch.object(SandboxPayout, "send", counted):
        payout_send(payout_id=payout.pk)
        payout_send(payout_id=payout.pk)
    # then
    assert calls == [payout.pk]
    assert balance(PAYOUTS_IN_TRANSIT) == 0


def test_the_wallet_shows_every_movement_and_the_payouts(seller, tasks):
    # given
    payout_request(owner=seller, amount=Money(100_000, "KES"), phone=REFUSED)
    tasks.run()
    payout_request(owner=seller, amount=Money(50_000, "KES"), phone=PHONE)
    # when
    movements = [p.amount_minor for p in wallet_movements(seller)]
    # then
    assert sorted(movements) == sorted([237_500, -100_000, 100_000, -50_000])
    assert sum(movements) == 187_500
    assert [p.status for p in payouts_for(seller)] == ["requested", "failed"]


def test_a_second_worker_sending_while_the_first_waits_for_the_provider_sends_nothing(seller):
    """The payout is claimed before the provider is called: a concurrent send stands back."""
    # given
    payout = payout_request(owner=seller, amount=Money(100_000, "KES"), phone=PHONE)
    calls, inner = [], []
    original = SandboxPayout.send

    def slow_provider(self, sent):
        calls.append(sent.pk)
        inner.append(payout_send(payout_id=sent.pk))  # another worker, meanwhile
        return original(self, sent)

    # when
    with mock.patch.object(SandboxPayout, "send", slow_provider):
        done = payout_send(payout_id=payout.pk)
    # then
    assert calls == [payout.pk]
    assert inner[0].status == PayoutStatus.REQUESTED
    assert inner[0].provider_ref.startswith("sending:")
    assert (done.status, done.provider_ref[:3]) == (PayoutStatus.PAID, "SBP")
    assert balance("clearing:sandbox-payout") == 100_000


def test_a_provider_that_cannot_be_reached_leaves_the_payout_to_retry(seller):
    # given
    payout = payout_request(owner=seller, amount=Money(100_000, "KES"), phone=PHONE)
    before = world()
    # when
    with (
        mock.patch.object(SandboxPayout, "send", side_effect=ProviderUnavailable()),
        pytest.raises(ProviderUnavailable),
    ):
        payout_send(payout_id=payout.pk)
    # then
    assert world() == before
    assert payout_send(payout_id=payout.pk).status == PayoutStatus.PAID


def test_the_seller_is_told_by_text_what_became_of_a_payout(seller):
    """Sent: the amount and the number; refused: the money is back in the wallet."""
    from sokoni.messaging.models import OutboundSms

    # given
    owner = seller
    sent = payout_request(owner=owner, amount=Money(50_000, "KES"), phone="+254722000222")
    refused = payout_request(owner=owner, amount=Money(10_000, "KES"), phone="+254722000222")
    # when
    payout_settle(payout_id=sent.pk, ok=True, provider_ref="P1")
    payout_settle(payout_id=refused.pk, ok=False, provider_ref="P2", message="no such number")
    payout_settle(payout_id=refused.pk, ok=False, provider_ref="P2", message="no such number")
    # then
    texts = list(
        OutboundSms.objects.filter(to=owner.phone, dedupe_key__startswith="payout:")
        .order_by("pk")
        .values_list("body", flat=True)
    )
    assert texts == [
        "Sokoni: KES500.00 was sent to your phone +254722000222.",
        "Sokoni: sending KES100.00 to +254722000222 failed; the money is back in your wallet.",
    ]


def test_the_sweep_sends_a_payout_whose_task_was_lost_once(seller, tasks):
    """Two minutes on, a payout still requested and unclaimed (its task lost with the queue)
    is sent by the sweep, once; a payout claimed by a worker that died is left for a person
    (its provider may have paid it already)."""
    # given
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from sokoni.orders.tests.factories import frozen

    lost = payout_request(owner=seller, amount=Money(100_000, "KES"), phone=PHONE)
    claimed = payout_request(owner=seller, amount=Money(50_000, "KES"), phone=PHONE)
    Payout.objects.filter(pk=claimed.pk).update(provider_ref="sending:deadworker")
    tasks.clear()  # the queue lost their tasks
    start = timezone.now()
    # when: too early
    with frozen(start + timedelta(seconds=90)):
        call_command("payouts_due")
    # then
    assert Payout.objects.get(pk=lost.pk).status == PayoutStatus.REQUESTED
    # when: twice, later
    with frozen(start + timedelta(minutes=3)):
        call_command("payouts_due")
        call_command("payouts_due")
    # then
    lost.refresh_from_db()
    claimed.refresh_from_db()
    assert lost.status == PayoutStatus.PAID
    assert claimed.status == PayoutStatus.REQUESTED
    assert claimed.provider_ref == "sending:deadworker"
    assert balance("clearing:sandbox-payout") == 100_000
    assert ledger_problems() == []
