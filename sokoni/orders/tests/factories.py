"""Orders reached through the real services: checkout, sandbox payment, shipping.

Nothing here sets a status by hand (STYLE.md section 7): a "paid order" went through the
checkout and a sandbox mobile-money payment whose callback came through the task queue.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest import mock

from django.utils import timezone

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.orders.models import Checkout, Order
from sokoni.orders.services.checkout import Delivery, checkout_pay, checkout_place
from sokoni.orders.services.lifecycle import order_delivered, order_ship
from sokoni.orders.states import DeliveryMethod
from sokoni.payments.states import PaymentMethod
from sokoni.shipping.tests.factories import test_hub

PAYS = "+254712345678"  # the sandbox pays
DECLINES = "+254712340000"  # the sandbox declines
SILENT = "+254712340001"  # the sandbox never answers


def delivery(**overrides) -> Delivery:
    values = {
        "method": DeliveryMethod.ADDRESS,
        "recipient_name": "Grace Wanjiru",
        "recipient_phone": "+254722000111",
        "address": "Box 12, Othaya",
    }
    values.update(overrides)
    if (
        values["method"] == DeliveryMethod.ADDRESS
        and "hub_id" not in values
        and not values.get("country")
    ):
        values["hub_id"] = test_hub("KE").pk  # an address in the Kenyan test hub's town
    return Delivery(**values)


def place(buyer=None, lines=None, currency="KES", **delivery_overrides) -> Checkout:
    """A checkout of ``lines`` [(product, quantity)] (default: one product, 2 units)."""
    buyer = buyer or UserFactory()
    if lines is None:
        lines = [(ProductFactory(), 2)]
    return checkout_place(
        buyer=buyer,
        items=[(product.pk, quantity) for product, quantity in lines],
        currency=currency,
        delivery=delivery(**delivery_overrides),
    )


def pay(checkout: Checkout, tasks, phone: str = PAYS):
    """Pay by sandbox mobile money and let the sandbox's answer and callbacks arrive."""
    intent = checkout_pay(
        checkout=checkout, actor=checkout.buyer, method=PaymentMethod.MOBILE_MONEY, phone=phone
    )
    tasks.run(
        now=timezone.now() + timezone.timedelta(seconds=30),
        only={
            "sandbox_mobile_answer",
            "sandbox_deliver_callback",
        },
    )
    intent.refresh_from_db()
    return intent


def paid_order(tasks, buyer=None, lines=None, **kwargs) -> Order:
    checkout = place(buyer=buyer, lines=lines, **kwargs)
    pay(checkout, tasks)
    return checkout.orders.get()


def shipped_order(tasks, **kwargs) -> Order:
    order = paid_order(tasks, **kwargs)
    return order_ship(order=order, actor=order.shop.owner, tracking_ref="KE-TRACK-1")


def delivered_order(tasks, **kwargs) -> Order:
    """Shipped, then recorded as delivered by the carrier (the release window runs)."""
    order = shipped_order(tasks, **kwargs)
    delivered = order_delivered(order_id=order.pk, actor=None, reference="SKTEST")
    assert delivered is not None
    return delivered


# -- more states, reached through the services ------------------------------------------------

CARD_PAYS = "4242 4242 4242 4242"
CARD_DECLINED = "4000 0000 0000 0002"
CARD_NO_FUNDS = "4000 0000 0000 9995"


def pay_by_card(checkout: Checkout, number: str = CARD_PAYS):
    """Pay by sandbox card: answered at once (its callback stays queued)."""
    return checkout_pay(
        checkout=checkout, actor=checkout.buyer, method=PaymentMethod.CARD, card_number=number
    )


def disputed_order(tasks, *, shipped: bool = True, **kwargs) -> Order:
    """A paid (and by default shipped) order the buyer disputes."""
    from sokoni.orders.services.lifecycle import order_dispute_open

    order = shipped_order(tasks, **kwargs) if shipped else paid_order(tasks, **kwargs)
    order_dispute_open(
        order=order, actor=order.buyer, reason="not_received", details="Nothing came."
    )
    order.refresh_from_db()
    return order


# -- time ----------------------------------------------------------------------------------------


@contextmanager
def frozen(moment: datetime) -> Iterator[datetime]:
    """Make ``timezone.now()`` answer ``moment`` everywhere (services and tasks)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def later(**delta: float) -> datetime:
    return timezone.now() + timedelta(**delta)


def run_tasks_at(tasks, moment: datetime, only=None) -> int:
    """Run the queued tasks due at ``moment`` as a worker would at that time."""
    with frozen(moment):
        return tasks.run(now=moment, only=only)


# -- "nothing changed" ---------------------------------------------------------------------------


def world() -> dict:
    """Everything a refused operation must leave as it was: stock, orders, events, money."""
    from sokoni.catalog.models import Product
    from sokoni.orders.models import CartItem, Dispute, OrderEvent, OrderLine
    from sokoni.payments.models import (
        JournalTransaction,
        LedgerAccount,
        PaymentEvent,
        PaymentIntent,
        Payout,
        PayoutEvent,
        Posting,
        WebhookReceipt,
    )

    return {
        "stock": dict(Product.objects.values_list("pk", "stock")),
        "checkouts": list(Checkout.objects.order_by("pk").values_list("pk", "total_minor")),
        "orders": list(
            Order.objects.order_by("pk").values_list(
                "pk",
                "status",
                "released_minor",
                "refunded_minor",
                "extended_days",
                "auto_release_at",
                "tracking_ref",
            )
        ),
        "lines": OrderLine.objects.count(),
        "order_events": OrderEvent.objects.count(),
        "disputes": list(Dispute.objects.order_by("pk").values_list("pk", "decision")),
        "cart": list(CartItem.objects.order_by("pk").values_list("pk", "quantity")),
        "journals": JournalTransaction.objects.count(),
        "postings": Posting.objects.count(),
        "accounts": {
            (code, currency): balance
            for code, currency, balance in LedgerAccount.objects.values_list(
                "code", "currency", "balance_minor"
            )
        },
        "payments": list(
            PaymentIntent.objects.order_by("pk").values_list("pk", "status", "provider_ref")
        ),
        "payment_events": PaymentEvent.objects.count(),
        "receipts": WebhookReceipt.objects.count(),
        "payouts": list(Payout.objects.order_by("pk").values_list("pk", "status")),
        "payout_events": PayoutEvent.objects.count(),
    }


def balance(code: str, currency: str = "KES") -> int:
    from sokoni.payments.selectors import account_balance

    return account_balance(code=code, currency=currency)
