"""Parcels at a service centre: check-in with a code by SMS, hand-over, locks, going back."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sokoni.accounts.tests.factories import UserFactory
from sokoni.core.errors import NotFound
from sokoni.logistics.errors import (
    AlreadyCollected,
    CodeLocked,
    CodeWrong,
    CollectAtCentre,
    NotForPickup,
)
from sokoni.logistics.models import Pickup
from sokoni.logistics.services import (
    pickup_check_in,
    pickup_hand_over,
    pickup_resend_code,
    pickups_run_due,
)
from sokoni.logistics.states import PickupStatus
from sokoni.logistics.tests.factories import checked_in, shipped_for_pickup
from sokoni.messaging.models import OutboundSms
from sokoni.orders.services.lifecycle import order_auto_release, order_confirm_receipt
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import balance, frozen, paid_order, world
from sokoni.payments.codes import AGENT_COMMISSION, REVENUE_COMMISSION, escrow_for_order, wallet_of
from sokoni.payments.selectors import ledger_problems
from sokoni.villages.tests.factories import ServiceCentreFactory

pytestmark = pytest.mark.django_db


def test_checking_in_texts_a_code_and_stops_the_automatic_release(tasks):
    # given
    order = shipped_for_pickup(tasks)
    operator = order.checkout.service_centre.operator
    # when
    pickup = pickup_check_in(order_id=order.pk, operator=operator)
    # then
    order.refresh_from_db()
    assert pickup.status == PickupStatus.WAITING
    assert order.auto_release_at is None
    assert pickup.collect_by - pickup.checked_in_at == timedelta(days=14)
    texts = OutboundSms.objects.filter(to=order.checkout.recipient_phone, body__contains="code")
    assert texts.count() == 1
    assert order_auto_release(order_id=order.pk, now=timezone.now() + timedelta(days=30))
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED


def test_checking_in_twice_sends_one_code(tasks):
    pickup, _code = checked_in(tasks)
    again = pickup_check_in(order_id=pickup.order_id, operator=pickup.centre.operator)
    assert again.pk == pickup.pk
    assert OutboundSms.objects.filter(dedupe_key__startswith="pickup:").count() == 1


def test_only_the_centres_operator_may_check_in_and_only_shipped_parcels(tasks):
    # given
    order = shipped_for_pickup(tasks)
    before = world()
    # then
    with pytest.raises(NotFound):
        pickup_check_in(order_id=order.pk, operator=ServiceCentreFactory().operator)
    with pytest.raises(NotFound):
        pickup_check_in(order_id=order.pk, operator=UserFactory())
    with pytest.raises(NotFound):
        pickup_check_in(order_id=999_999, operator=order.checkout.service_centre.operator)
    assert world() == before
    assert not Pickup.objects.exists()


def test_an_order_delivered_to_an_address_is_not_for_pickup(tasks):
    order = paid_order(tasks)
    with pytest.raises(NotFound):
        pickup_check_in(order_id=order.pk, operator=ServiceCentreFactory().operator)


def test_an_unshipped_pickup_order_cannot_be_checked_in(tasks):
    # given
    from sokoni.orders.services.lifecycle import order_cancel

    order = shipped_for_pickup(tasks)
    centre = order.checkout.service_centre
    paid = paid_order(tasks, method="pickup", address="", service_centre_id=centre.pk)
    # then
    with pytest.raises(NotForPickup):
        pickup_check_in(order_id=paid.pk, operator=centre.operator)
    order_cancel(order=paid, actor=paid.buyer)
    with pytest.raises(NotForPickup):
        pickup_check_in(order_id=paid.pk, operator=centre.operator)


def test_the_right_code_hands_over_and_releases_the_escrow(tasks):
    # given
    pickup, code = checked_in(tasks)
    order = pickup.order
    # when
    pickup_hand_over(order_id=order.pk, operator=pickup.centre.operator, code=f" {code} ")
    # then
    order.refresh_from_db()
    pickup.refresh_from_db()
    assert pickup.status == PickupStatus.COLLECTED
    assert pickup.closed_by == pickup.centre.operator
    assert order.status == OrderStatus.COMPLETED
    assert balance(escrow_for_order(order.pk)) == 0
    assert balance(wallet_of(order.shop.owner_id)) == 190_000  # 200 000 less 5%
    assert balance(AGENT_COMMISSION) == 0  # not an assisted order
    assert order.agent_commission_minor == 0
    assert ledger_problems() == []
    with pytest.raises(AlreadyCollected):
        pickup_hand_over(order_id=order.pk, operator=pickup.centre.operator, code=code)


def test_an_assisted_order_pays_the_operator_on_release(tasks):
    # given
    pickup, code = checked_in(tasks, assisted=True)
    operator = pickup.centre.operator
    order = pickup.order
    # when
    pickup_hand_over(order_id=order.pk, operator=operator, code=code)
    # then
    order.refresh_from_db()
    assert order.checkout.placed_by == operator
    assert order.agent_commission_minor == 4_000  # 2% of 200 000
    assert balance(wallet_of(operator.pk)) == 4_000
    assert balance(AGENT_COMMISSION) == -4_000
    assert balance(REVENUE_COMMISSION) == 10_000
    assert balance(wallet_of(order.shop.owner_id)) == 190_000
    assert OutboundSms.objects.filter(to=operator.phone, body__contains="commission").count() == 1
    assert ledger_problems() == []


def test_wrong_codes_are_counted_and_five_lock_the_parcel_for_an_hour(tasks):
    # given
    pickup, code = checked_in(tasks)
    operator = pickup.centre.operator
    # when
    tries = []
    for wrong in ["000000", "111111", "123456", "999999"]:
        with pytest.raises(CodeWrong) as refused:
            pickup_hand_over(order_id=pickup.order_id, operator=operator, code=wrong)
        tries.append(refused.value.context["tries_left"])
    with pytest.raises(CodeLocked):
        pickup_hand_over(order_id=pickup.order_id, operator=operator, code="555555")
    # then
    assert tries == [4, 3, 2, 1]
    with pytest.raises(CodeLocked):
        pickup_hand_over(order_id=pickup.order_id, operator=operator, code=code)
    pickup.order.refresh_from_db()
    assert pickup.order.status == OrderStatus.SHIPPED
    with frozen(timezone.now() + timedelta(minutes=61)):
        pickup_hand_over(order_id=pickup.order_id, operator=operator, code=code)
    pickup.order.refresh_from_db()
    assert pickup.order.status == OrderStatus.COMPLETED


def test_another_operator_cannot_hand_over_even_with_the_code(tasks):
    pickup, code = checked_in(tasks)
    before = world()
    with pytest.raises(NotFound):
        pickup_hand_over(
            order_id=pickup.order_id, operator=ServiceCentreFactory().operator, code=code
        )
    assert world() == before
    pickup.refresh_from_db()
    assert (pickup.status, pickup.failures) == (PickupStatus.WAITING, 0)


def test_a_new_code_replaces_the_old_one(tasks):
    pickup, old = checked_in(tasks)
    operator = pickup.centre.operator
    from unittest import mock

    with mock.patch("sokoni.logistics.services.secrets.randbelow", return_value=271_828):
        pickup_resend_code(order_id=pickup.order_id, operator=operator)
    with pytest.raises(CodeWrong):
        pickup_hand_over(order_id=pickup.order_id, operator=operator, code=old)
    pickup_hand_over(order_id=pickup.order_id, operator=operator, code="271828")
    assert OutboundSms.objects.filter(body__contains="271828").count() == 1


def test_the_buyer_confirms_a_waiting_parcel_by_collecting_it(tasks):
    pickup, _code = checked_in(tasks)
    with pytest.raises(CollectAtCentre):
        order_confirm_receipt(order=pickup.order, actor=pickup.order.buyer)


def test_an_uncollected_parcel_goes_back_after_14_days_and_the_buyer_is_refunded(tasks):
    # given
    pickup, _code = checked_in(tasks)
    order = pickup.order
    # when
    assert pickups_run_due(now=timezone.now() + timedelta(days=13)) == 0
    returned = pickups_run_due(now=timezone.now() + timedelta(days=14, minutes=1))
    # then
    pickup.refresh_from_db()
    order.refresh_from_db()
    assert returned == 1
    assert pickup.status == PickupStatus.RETURNED
    assert order.status == OrderStatus.REFUNDED
    assert order.refunded_minor == order.total_minor
    assert balance(escrow_for_order(order.pk)) == 0
    assert OutboundSms.objects.filter(to=order.shop.owner.phone, body__contains="not collected")
    assert ledger_problems() == []
    assert pickups_run_due(now=timezone.now() + timedelta(days=30)) == 0  # once only


def test_the_return_task_runs_at_the_deadline(tasks):
    pickup, _code = checked_in(tasks)
    moment = pickup.collect_by + timedelta(seconds=1)
    with frozen(moment):
        tasks.run(now=moment, only={"pickup_return_task"})
    pickup.refresh_from_db()
    assert pickup.status == PickupStatus.RETURNED


def test_the_code_is_masked_in_the_outbox_once_the_text_has_left(tasks):
    from sokoni.messaging.outbound import sms_send

    _pickup, code = checked_in(tasks)
    sms = OutboundSms.objects.get(dedupe_key__startswith="pickup:", dedupe_key__contains=":code:")
    assert code in sms.body  # kept while it may still have to be sent again
    sms_send(sms_id=sms.pk)
    sms.refresh_from_db()
    assert sms.status == "sent"
    assert code not in sms.body
    assert "******" in sms.body
    assert sms.secret == ""
