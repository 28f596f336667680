"""The orders' money on the ledger: hold on payment, release, refund or share, and the checks.

Each order has its own escrow account, in the shop's currency. Paying a checkout moves the
buyer's money from the provider's clearing account (or the agent's float, for cash) into the
escrow of each of its orders, through the FX account where the buyer paid in another currency.
Ending the escrow empties it in one journal transaction: to the seller's wallet less the
platform commission, back to where the buyer's money came from, or both.
"""

from __future__ import annotations

from django.db.models import Q

from sokoni.core.money import share
from sokoni.orders.models import Order
from sokoni.orders.states import HELD
from sokoni.payments.codes import (
    AGENT_COMMISSION,
    FX,
    REVENUE_COMMISSION,
    escrow_for_order,
    wallet_of,
)
from sokoni.payments.models import AccountKind, LedgerAccount, PaymentIntent
from sokoni.payments.services import Line, journal_post
from sokoni.payments.states import PaymentStatus


def commission_of(line_total_minor: int, commission_bp: int) -> int:
    return share(line_total_minor, commission_bp, 10_000)


def hold_lines(intent: PaymentIntent, orders: list[Order]) -> list[Line]:
    """The lines that move one payment into the escrow of each order it pays for."""
    lines = [Line(intent.source_account, intent.source_kind, intent.currency, -intent.amount_minor)]
    for order in orders:
        lines += _to_escrow(order, intent.currency)
    return [line for line in lines if line.amount_minor]


def _to_escrow(order: Order, pay_currency: str) -> list[Line]:
    escrow = Line(escrow_for_order(order.pk), AccountKind.ESCROW, order.currency, order.total_minor)
    if order.currency == pay_currency:
        return [escrow]
    return [
        Line(FX, AccountKind.FX, pay_currency, order.pay_total_minor),
        Line(FX, AccountKind.FX, order.currency, -order.total_minor),
        escrow,
    ]


def agent_share(order: Order) -> int:
    """What the operator who placed an assisted order earns when it is released in full."""
    checkout = order.checkout
    if checkout.placed_by_id is None or not checkout.agent_commission_bp:
        return 0
    return share(order.total_minor, checkout.agent_commission_bp, 10_000)


def paying_intent(order: Order) -> PaymentIntent | None:
    """The payment that filled this order's escrow."""
    return (
        PaymentIntent.objects.filter(
            purpose="checkout", purpose_id=order.checkout_id, status=PaymentStatus.SUCCEEDED
        )
        .order_by("status_changed_at", "pk")
        .first()
    )


def settle(order: Order, *, to_buyer: int, key: str, description: str) -> tuple[int, int]:
    """Empty the order's escrow: ``to_buyer`` back to the buyer, the rest to the seller.

    The seller's part pays the platform commission in proportion (all of it when the seller
    gets everything). When the seller gets everything and an operator placed the order, the
    platform pays the operator's commission into their wallet, as an expense. Returns
    (released to the seller, refunded to the buyer), both in the shop's currency. Idempotent
    through ``key``.
    """
    total = order.total_minor
    to_seller = total - to_buyer
    lines = [Line(escrow_for_order(order.pk), AccountKind.ESCROW, order.currency, -total)]
    if to_seller:
        commission = share(order.commission_minor, to_seller, total)
        owner = order.shop.owner
        lines += [
            Line(
                wallet_of(owner.pk),
                AccountKind.WALLET,
                order.currency,
                to_seller - commission,
                owner,
            ),
            Line(REVENUE_COMMISSION, AccountKind.REVENUE, order.currency, commission),
        ]
    agent_cut = agent_share(order) if to_buyer == 0 else 0
    agent = order.checkout.placed_by
    if agent_cut and agent is not None:
        lines += [
            Line(wallet_of(agent.pk), AccountKind.WALLET, order.currency, agent_cut, agent),
            Line(AGENT_COMMISSION, AccountKind.EXPENSE, order.currency, -agent_cut),
        ]
    if to_buyer:
        intent = paying_intent(order)
        if intent is None:  # pragma: no cover - a held order always has its payment
            raise LookupError(f"order {order.pk} is held but has no payment")
        back = to_buyer
        if order.currency != order.pay_currency:
            back = share(order.pay_total_minor, to_buyer, total)
            lines += [
                Line(FX, AccountKind.FX, order.currency, to_buyer),
                Line(FX, AccountKind.FX, order.pay_currency, -back),
            ]
        lines.append(Line(intent.source_account, intent.source_kind, order.pay_currency, back))
    lines = [line for line in lines if line.amount_minor]
    if lines:
        journal_post(
            idempotency_key=key, lines=lines, description=description, reference=order.number
        )
    return to_seller, to_buyer


def order_ledger_problems() -> list[str]:
    """Orders whose escrow does not hold what their status says: the whole total while paid,
    shipped or disputed; nothing before payment or once closed."""
    balances = {
        int(code.rsplit(":", 1)[1]): balance
        for code, balance in LedgerAccount.objects.filter(
            Q(code__startswith="escrow:order:")
        ).values_list("code", "balance_minor")
    }
    problems = []
    rows = Order.objects.values_list("pk", "status", "total_minor", "currency").order_by("pk")
    for pk, status, total, currency in rows.iterator(chunk_size=2000):
        held = balances.get(pk, 0)
        expected = total if status in HELD else 0
        if held != expected:
            problems.append(
                f"order SK-{pk:06d} is {status}: escrow holds {held} {currency}, "
                f"expected {expected}"
            )
    return problems
