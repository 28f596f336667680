"""Parcels at the centre: expected, checked in (a code by SMS), handed over against the code."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from sokoni.agents.tests.conftest import messages_of, paid_in_cash, text_of
from sokoni.logistics.models import Pickup
from sokoni.logistics.states import PickupStatus
from sokoni.messaging.models import OutboundSms
from sokoni.orders.services.lifecycle import order_ship
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import balance
from sokoni.payments.codes import escrow_for_order, wallet_of
from sokoni.payments.selectors import ledger_problems

pytestmark = pytest.mark.django_db

CODE = "123456"
CODE_PATCH = "sokoni.logistics.services.secrets.randbelow"


def shipped(c):
    order = paid_in_cash(c).orders.get()
    return order_ship(order=order, actor=c.seller, tracking_ref="BUS-OTHAYA-7")


def checked_in(client, c):
    order = shipped(c)
    client.force_login(c.operator)
    with mock.patch(CODE_PATCH, return_value=int(CODE)):
        client.post(reverse("agents:parcel_check_in", args=[order.pk]))
    assert Pickup.objects.filter(order=order).exists()
    return order


def test_shipped_pickup_orders_are_expected_until_checked_in(client, counter):
    # given
    order = shipped(counter)
    client.force_login(counter.operator)
    # when
    expected = client.get(reverse("agents:parcels_expected"))
    # then
    assert [o.pk for o in expected.context["orders"]] == [order.pk]
    assert "BUS-OTHAYA-7" in text_of(expected)


def test_check_in_texts_a_code_to_the_recipient(client, counter):
    """The recipient gets the 6-digit code by SMS; the parcel is waiting for 14 days."""
    # given
    order = shipped(counter)
    client.force_login(counter.operator)
    # when
    with mock.patch(CODE_PATCH, return_value=int(CODE)):
        response = client.post(reverse("agents:parcel_check_in", args=[order.pk]))
    # then
    assert response["Location"] == reverse("agents:parcel_detail", args=[order.pk])
    assert messages_of(response) == [
        f"Parcel {order.number} checked in. The pickup code went by text message to "
        "+254 712 345678."
    ]
    pickup = Pickup.objects.get(order=order)
    assert (pickup.status, pickup.centre_id, pickup.checked_in_by_id) == (
        PickupStatus.WAITING,
        counter.centre.pk,
        counter.operator.pk,
    )
    sms = OutboundSms.objects.get(dedupe_key=f"pickup:{pickup.pk}:code:1")
    assert sms.to == "+254712345678"
    assert CODE in sms.body
    waiting = client.get(reverse("agents:parcels_waiting"))
    assert [row.pickup.pk for row in waiting.context["parcels"]] == [pickup.pk]
    assert waiting.context["parcels"][0].days_left == 13
    assert client.get(reverse("agents:parcels_expected")).context["orders"] == []


def test_wrong_code_then_right_code_releases_the_escrow_and_pays_the_commission(client, counter):
    """A wrong code is refused with the tries left; the right one completes the order, the
    seller is paid and the operator earns 2% of the order total."""
    # given
    order = checked_in(client, counter)
    url = reverse("agents:parcel_detail", args=[order.pk])
    # when
    wrong = client.post(url, {"code": "654321"})
    # then
    assert wrong.status_code == 200
    assert wrong.context["form"].errors["code"] == [
        "Wrong pickup code. 4 tries left before the parcel is locked for an hour."
    ]
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert Pickup.objects.get(order=order).failures == 1
    assert balance(escrow_for_order(order.pk)) == order.total_minor
    # when
    right = client.post(url, {"code": "123 456"})
    # then
    assert right["Location"] == reverse("agents:parcels_waiting")
    assert messages_of(right) == [f"Parcel {order.number} handed over. The seller is paid."]
    order.refresh_from_db()
    assert order.status == OrderStatus.COMPLETED
    assert order.total_minor == 150_000
    assert order.agent_commission_minor == 3_000
    assert balance(wallet_of(counter.operator.pk)) == 3_000
    assert balance(escrow_for_order(order.pk)) == 0
    assert Pickup.objects.get(order=order).status == PickupStatus.COLLECTED
    assert ledger_problems() == []
    today = client.get(reverse("agents:orders"))
    assert "KES30.00" in text_of(today)
    assert today.context["earned"] == [("KES", 3_000)]


def test_a_code_that_is_not_six_digits_is_not_counted(client, counter):
    # given
    order = checked_in(client, counter)
    # when
    page = client.post(reverse("agents:parcel_detail", args=[order.pk]), {"code": "12ab"})
    # then
    assert page.context["form"].errors["code"] == ["Enter the 6 digits of the pickup code."]
    assert Pickup.objects.get(order=order).failures == 0


def test_five_wrong_codes_lock_the_parcel_for_an_hour(client, counter):
    # given
    order = checked_in(client, counter)
    url = reverse("agents:parcel_detail", args=[order.pk])
    for _ in range(4):
        client.post(url, {"code": "000000"})
    # when
    fifth = client.post(url, {"code": "000000"})
    right_too_soon = client.post(url, {"code": CODE})
    # then
    error = fifth.context["form"].errors["code"][0]
    assert re.match(r"Too many wrong codes: this parcel is locked until \d", error)
    assert right_too_soon.context["form"].errors["code"][0].startswith("Too many wrong codes")
    pickup = Pickup.objects.get(order=order)
    assert pickup.locked_until > timezone.now() + timedelta(minutes=59)
    assert pickup.status == PickupStatus.WAITING
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED
    assert "Locked: too many wrong codes" in text_of(client.get(reverse("agents:parcels_waiting")))


def test_resend_code_texts_a_new_code_and_the_old_one_stops_working(client, counter):
    # given
    order = checked_in(client, counter)
    # when
    with mock.patch(CODE_PATCH, return_value=777888):
        response = client.post(reverse("agents:parcel_resend", args=[order.pk]))
    old = client.post(reverse("agents:parcel_detail", args=[order.pk]), {"code": CODE})
    # then
    assert messages_of(response) == [
        "A new pickup code went by text message to +254 712 345678. The old code no longer works."
    ]
    pickup = Pickup.objects.get(order=order)
    assert "777888" in OutboundSms.objects.get(dedupe_key=f"pickup:{pickup.pk}:code:2").body
    assert old.context["form"].errors["code"][0].startswith("Wrong pickup code.")
