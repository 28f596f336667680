"""Handlers that higher layers register (no upward imports; STYLE.md section 3).

``orders`` registers, in its AppConfig.ready(), what to do when a payment for a checkout
succeeds, and which order invariants ``ledger_check`` must also verify.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sokoni.payments.models import PaymentIntent

# Called inside the transaction that marks the payment succeeded. Returns True when it applied
# the money (moved it into escrow); False when the purpose no longer wants it (the checkout was
# cancelled or paid another way): the payment is then refunded.
PaymentHandler = Callable[["PaymentIntent"], bool]
_succeeded: dict[str, PaymentHandler] = {}

LedgerCheck = Callable[[], list[str]]
_checks: list[LedgerCheck] = []


def on_payment_succeeded(purpose: str, handler: PaymentHandler) -> None:
    """Register the handler that applies a successful payment made for ``purpose``."""
    _succeeded[purpose] = handler


def payment_succeeded(intent: PaymentIntent) -> bool:
    """Apply a successful payment through its purpose's handler; False if none applies it."""
    handler = _succeeded.get(intent.purpose)
    return handler(intent) if handler is not None else False


def on_ledger_check(check: LedgerCheck) -> None:
    """Register more invariants for ``ledger_check`` (a function returning problems in words)."""
    if check not in _checks:
        _checks.append(check)


def ledger_checks() -> list[LedgerCheck]:
    return list(_checks)
