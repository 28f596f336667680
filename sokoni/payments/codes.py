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


def payout_clearing(provider: str) -> str:
    return f"clearing:{provider}"
