"""A service centre with its operator, a registered villager and products on sale.

Every state is reached through the services: the villager is registered by the operator, an
assisted order is placed and paid as the pages do it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from sokoni.accounts.models import User
from sokoni.accounts.tests.factories import UserFactory
from sokoni.agents import services
from sokoni.agents.models import AttachRequest
from sokoni.catalog import search
from sokoni.catalog.tests.factories import ProductFactory, ShopFactory
from sokoni.orders.models import Checkout
from sokoni.villages.models import Resident, ServiceCentre
from sokoni.villages.tests.factories import ServiceCentreFactory

VILLAGER_PHONE = "0712 345 678"  # +254712345678: the mobile-money sandbox pays it
VILLAGER_E164 = "+254712345678"


def messages_of(response: Any) -> list[str]:
    """The messages this request added."""
    return [str(m) for m in response.wsgi_request._messages._queued_messages]


def text_of(response: Any) -> str:
    """The page's text with tags dropped and spaces collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@dataclass
class Counter:
    """One centre at the counter: its operator, a villager of theirs, products."""

    centre: ServiceCentre
    operator: User
    villager: User
    honey: Any
    tea: Any

    @property
    def seller(self) -> User:
        return self.honey.shop.owner


def make_counter(
    *, operator_name: str = "Wanjiku the operator", phone: str = VILLAGER_PHONE
) -> Counter:
    centre = ServiceCentreFactory(operator=UserFactory(name=operator_name))
    operator = centre.operator
    resident = services.villager_register_at_centre(
        operator=operator, centre_id=centre.pk, phone=phone, name="Mama Atieno", language="sw"
    )
    shop = ShopFactory(village=centre.village)
    honey = ProductFactory(shop=shop, name="Forest honey 500 g", price_minor=75_000, stock=10)
    tea = ProductFactory(shop=shop, name="Purple tea 100 g", price_minor=52_000, stock=10)
    search.product_reindex([honey.pk, tea.pk])
    return Counter(centre=centre, operator=operator, villager=resident.user, honey=honey, tea=tea)


@pytest.fixture
def counter(db: None) -> Counter:
    return make_counter()


@pytest.fixture
def other(db: None) -> Counter:
    """Another centre, run by someone else, with its own villager."""
    return make_counter(operator_name="Otieno next door", phone="0722 555 101")


def cart_of(session: Any, villager: User) -> dict[int, int]:
    return services.assisted_cart(session, villager.pk)


class FakeSession(dict):
    """A session for calling the cart services directly."""

    modified = False


def assisted_checkout(
    c: Counter, *, method: str = "cash", lines: list[tuple[Any, int]] | None = None
) -> Checkout:
    """Place and start paying an assisted order through the services, as the pages do."""
    session = FakeSession()
    for product, quantity in lines or [(c.honey, 2)]:
        services.assisted_cart_put(
            operator=c.operator,
            session=session,
            villager_id=c.villager.pk,
            product_id=product.pk,
            quantity=quantity,
        )
    checkout, _replay = services.assisted_checkout_place(
        operator=c.operator,
        session=session,
        villager_id=c.villager.pk,
        key=f"key-{timezone.now().timestamp():.6f}".replace(".", "-"),
    )
    services.assisted_checkout_pay(operator=c.operator, checkout_id=checkout.pk, method=method)
    return checkout


def paid_in_cash(c: Counter, **kwargs: Any) -> Checkout:
    from sokoni.agents.selectors import checkout_latest_payment

    checkout = assisted_checkout(c, method="cash", **kwargs)
    intent = checkout_latest_payment(checkout)
    assert intent is not None
    services.assisted_cash_confirm(
        operator=c.operator, checkout_id=checkout.pk, amount_minor=intent.amount_minor
    )
    return checkout


# -- attaching an existing account (test_attach.py, test_attach_races.py) ---------------------

GRACE = "+254711222333"


@pytest.fixture
def grace(db: None) -> User:
    """A web buyer with an account and no home centre."""
    return UserFactory(phone=GRACE, name="Grace", language="en")


def ask(
    c: Counter, *, code: int = 271_828, centre: ServiceCentre | None = None, phone: str = GRACE
) -> AttachRequest:
    """The operator asks for consent; the texted code is ``code``."""
    with mock.patch("sokoni.agents.services.secrets.randbelow", return_value=code):
        return services.villager_attach_request(
            operator=c.operator, centre_id=(centre or c.centre).pk, phone=phone
        )


def confirm(
    c: Counter, code: str, *, centre: ServiceCentre | None = None, phone: str = GRACE
) -> Resident:
    return services.villager_attach_confirm(
        operator=c.operator, centre_id=(centre or c.centre).pk, phone=phone, code=code
    )
