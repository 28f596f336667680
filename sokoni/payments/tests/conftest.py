"""Fixtures shared by the payments tests."""

import pytest

from sokoni.orders.services.checkout import checkout_pay
from sokoni.orders.tests.factories import PAYS, place
from sokoni.payments.models import SandboxTransaction
from sokoni.payments.states import PaymentMethod


@pytest.fixture
def waiting(tasks):
    """A mobile-money payment the payer approved; the provider's callbacks not yet sent."""
    checkout = place()
    intent = checkout_pay(
        checkout=checkout, actor=checkout.buyer, method=PaymentMethod.MOBILE_MONEY, phone=PAYS
    )
    SandboxTransaction.objects.filter(provider_ref=intent.provider_ref).update(state="succeeded")
    tasks.clear()
    return checkout, intent
