"""Text messages about an order, to the people it matters to, in their own language.

``order_moved`` is called by ``order_move`` in the transaction that moves the order, so a
notice is queued exactly when the move commits (the outbox row and its task are written in the
same transaction). Each notice has a key, so it is never queued twice. A notice that cannot be
queued (a number the SMS provider cannot reach) is skipped: it must never stop money moving.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext as _

from sokoni.accounts.models import User
from sokoni.core.errors import InvalidInput
from sokoni.core.money import format_money, share
from sokoni.messaging.outbound import sms_enqueue
from sokoni.orders.models import Order
from sokoni.orders.states import OrderStatus


def _amount(minor: int, currency: str, language: str) -> str:
    return format_money(minor, currency, language)


def _paid_buyer(order: Order, language: str) -> str:
    return _(
        "Sokoni: we received %(amount)s for order %(number)s. We hold the money until you "
        "confirm you received the goods."
    ) % {
        "amount": _amount(order.pay_total_minor, order.pay_currency, language),
        "number": order.number,
    }


def _paid_seller(order: Order, language: str) -> str:
    return _("Sokoni: new paid order %(number)s (%(amount)s). Send it, then mark it shipped.") % {
        "number": order.number,
        "amount": _amount(order.total_minor, order.currency, language),
    }


def _shipped_buyer(order: Order, language: str) -> str:
    return _(
        "Sokoni: order %(number)s is on its way (tracking %(tracking)s). Confirm when you "
        "receive it."
    ) % {"number": order.number, "tracking": order.tracking_ref}


def _released_seller(order: Order, language: str) -> str:
    commission = share(order.commission_minor, order.released_minor, order.total_minor)
    return _("Sokoni: %(amount)s for order %(number)s is now in your wallet.") % {
        "amount": _amount(order.released_minor - commission, order.currency, language),
        "number": order.number,
    }


def _refunded_buyer(order: Order, language: str) -> str:
    return _("Sokoni: order %(number)s is refunded; %(amount)s goes back to you.") % {
        "number": order.number,
        "amount": _amount(order.refunded_paid_minor, order.pay_currency, language),
    }


def _disputed_seller(order: Order, language: str) -> str:
    return _(
        "Sokoni: the buyer opened a dispute on order %(number)s. The money is frozen until "
        "Sokoni staff decide."
    ) % {"number": order.number}


Writer = Callable[[Order, str], str]
NOTICES: dict[str, list[tuple[str, Writer]]] = {
    OrderStatus.PAID: [("buyer", _paid_buyer), ("seller", _paid_seller)],
    OrderStatus.SHIPPED: [("buyer", _shipped_buyer)],
    OrderStatus.COMPLETED: [("seller", _released_seller)],
    OrderStatus.SETTLED: [("seller", _released_seller), ("buyer", _refunded_buyer)],
    OrderStatus.REFUNDED: [("buyer", _refunded_buyer)],
    OrderStatus.DISPUTED: [("seller", _disputed_seller)],
}


def order_moved(order: Order) -> None:
    """Queue the text messages that the order's new status calls for."""
    for role, write in NOTICES.get(order.status, []):
        person: User = order.buyer if role == "buyer" else order.shop.owner
        language = person.language or "en"
        with translation.override(language):
            body = write(order, language)
        try:
            sms_enqueue(
                to=person.phone, body=body, dedupe_key=f"order:{order.pk}:{order.status}:{role}"
            )
        except InvalidInput:
            continue
