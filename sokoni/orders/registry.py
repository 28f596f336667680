"""Rules that higher layers add to the orders' life (no upward imports; STYLE.md section 3).

``logistics`` registers, in its AppConfig.ready(), that a parcel waiting at a service centre is
received by collecting it with its pickup code, not by a click.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sokoni.orders.models import Order

# Raises a DomainError when the buyer may not confirm receipt of this order yet.
ReceiptGuard = Callable[["Order"], None]
_receipt_guards: list[ReceiptGuard] = []


def on_confirm_receipt(guard: ReceiptGuard) -> None:
    if guard not in _receipt_guards:
        _receipt_guards.append(guard)


def check_confirm_receipt(order: Order) -> None:
    for guard in _receipt_guards:
        guard(order)


# Called in the transaction that marks an order paid (``logistics`` opens its shipment there).
PaidHandler = Callable[["Order"], None]
_paid_handlers: list[PaidHandler] = []


def on_paid(handler: PaidHandler) -> None:
    if handler not in _paid_handlers:
        _paid_handlers.append(handler)


def order_was_paid(order: Order) -> None:
    for handler in _paid_handlers:
        handler(order)
