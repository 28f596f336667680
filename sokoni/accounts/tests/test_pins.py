"""USSD/SMS PINs: light accounts, setting and changing a PIN, and the lock after wrong tries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sokoni.accounts.errors import (
    PhoneTaken,
    PinAlreadySet,
    PinInvalid,
    PinLocked,
    PinNotSet,
    PinWrong,
)
from sokoni.accounts.models import Pin
from sokoni.accounts.selectors import has_pin, user_by_phone
from sokoni.accounts.services import (
    pin_check,
    pin_is_acceptable,
    pin_reset,
    pin_set,
    villager_register,
)
from sokoni.accounts.tests.factories import UserFactory
from sokoni.orders.tests.factories import frozen

pytestmark = pytest.mark.django_db


def test_a_villager_account_has_no_password_and_no_pin():
    # when
    user = villager_register(phone="0712 555 101", name="  Mama   Njeri ", language="sw")
    # then
    assert user.phone == "+254712555101"
    assert user.name == "Mama Njeri"
    assert user.language == "sw"
    assert not user.has_usable_password()
    assert not has_pin(user)
    assert user_by_phone("+254712555101") == user


def test_registering_a_number_twice_is_refused():
    villager_register(phone="+254712555102")
    with pytest.raises(PhoneTaken):
        villager_register(phone="0712555102")


@pytest.mark.parametrize(
    ("pin", "ok"),
    [
        ("4071", True),
        ("907153", True),
        ("1111", False),
        ("1234", False),
        ("9876", False),
        ("123", False),
        ("1234567", False),
        ("12a4", False),
        ("١٢٣٥", False),  # Arabic-Indic digits are not what a keypad sends
        ("", False),
    ],
)
def test_which_pins_are_acceptable(pin, ok):
    assert pin_is_acceptable(pin) is ok


def test_a_first_pin_is_set_then_checked():
    # given
    user = UserFactory()
    # when
    pin_set(user=user, new_pin="4071")
    # then
    pin_check(user=user, pin="4071")  # no error
    stored = Pin.objects.get(user=user)
    assert "4071" not in (stored.digest + stored.salt)


def test_a_second_first_pin_is_refused_and_a_change_needs_the_old_pin():
    # given
    user = UserFactory()
    pin_set(user=user, new_pin="4071")
    # then
    with pytest.raises(PinAlreadySet):
        pin_set(user=user, new_pin="5082")
    with pytest.raises(PinWrong):
        pin_set(user=user, new_pin="5082", old_pin="9999")
    pin_set(user=user, new_pin="5082", old_pin="4071")
    pin_check(user=user, pin="5082")


def test_an_unacceptable_new_pin_changes_nothing():
    user = UserFactory()
    with pytest.raises(PinInvalid):
        pin_set(user=user, new_pin="0000")
    assert not has_pin(user)


def test_three_wrong_pins_lock_for_an_hour_even_the_right_one():
    # given
    user = UserFactory()
    pin_set(user=user, new_pin="4071")
    # when
    with pytest.raises(PinWrong) as first:
        pin_check(user=user, pin="1000")
    with pytest.raises(PinWrong) as second:
        pin_check(user=user, pin="1001")
    with pytest.raises(PinLocked):
        pin_check(user=user, pin="1002")
    # then
    assert (first.value.context["tries_left"], second.value.context["tries_left"]) == (2, 1)
    with pytest.raises(PinLocked):
        pin_check(user=user, pin="4071")
    with frozen(timezone.now() + timedelta(minutes=61)):
        pin_check(user=user, pin="4071")
    assert Pin.objects.get(user=user).failures == 0


def test_a_right_pin_clears_earlier_wrong_tries():
    user = UserFactory()
    pin_set(user=user, new_pin="4071")
    with pytest.raises(PinWrong):
        pin_check(user=user, pin="1000")
    pin_check(user=user, pin="4071")
    with pytest.raises(PinWrong) as again:
        pin_check(user=user, pin="1000")
    assert again.value.context["tries_left"] == 2


def test_no_pin_and_a_reset_pin():
    user = UserFactory()
    with pytest.raises(PinNotSet):
        pin_check(user=user, pin="4071")
    pin_set(user=user, new_pin="4071")
    pin_reset(user=user)
    with pytest.raises(PinNotSet):
        pin_check(user=user, pin="4071")
    pin_set(user=user, new_pin="5082")  # a first PIN again, set on the villager's phone
