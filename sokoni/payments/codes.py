"""Names of ledger accounts, so every app spells them the same way."""

from __future__ import annotations

from typing import Final

REVENUE_COMMISSION: Final = "revenue:commission"
PAYOUTS_IN_TRANSIT: Final = "payout:transit"
FX: Final = "fx:exchange"
AGENT_COMMISSION: Final = "expense:agent-commission"


def escrow_for_order(order_id: int) -> str:
    return f"escrow:order:{order_id}"


def wallet_of(user_id: int) -> str:
    return f"wallet:user:{user_id}"


def float_of(operator_id: int | None) -> str:
    """The cash a service-centre operator took and holds (one account per currency)."""
    return f"float:agent:{operator_id}"


def payout_clearing(provider: str) -> str:
    return f"clearing:{provider}"
