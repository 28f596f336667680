"""Reads on the ledger: balances derived from postings, and the invariants over everything."""

from __future__ import annotations

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import Coalesce

from sokoni.accounts.models import User
from sokoni.payments import registry
from sokoni.payments.codes import wallet_of
from sokoni.payments.models import (
    NEVER_NEGATIVE,
    JournalTransaction,
    LedgerAccount,
    Payout,
    Posting,
)


def account_balance(*, code: str, currency: str) -> int:
    """The balance of an account as the sum of its postings (0 for an unknown account)."""
    total = Posting.objects.filter(account__code=code, account__currency=currency).aggregate(
        total=Coalesce(Sum("amount_minor"), 0)
    )["total"]
    return int(total)


def ledger_problems() -> list[str]:
    """Every broken ledger invariant, in words; an empty list means the ledger is sound."""
    problems: list[str] = []
    unbalanced = (
        Posting.objects.values("transaction_id", "currency")
        .annotate(total=Sum("amount_minor"))
        .exclude(total=0)
        .order_by("transaction_id")
    )
    problems += [
        f"transaction {row['transaction_id']} does not balance in {row['currency']}: "
        f"{row['total']:+d}"
        for row in unbalanced
    ]
    thin = JournalTransaction.objects.annotate(n=Count("postings")).filter(n__lt=2).order_by("pk")
    problems += [f"transaction {t.pk} has {t.n} posting(s)" for t in thin]
    foreign = (
        Posting.objects.exclude(currency=F("account__currency"))
        .select_related("account")
        .order_by("pk")
    )
    problems += [
        f"posting {p.pk} is in {p.currency} but its account is in {p.account.currency}"
        for p in foreign
    ]
    accounts = LedgerAccount.objects.annotate(
        posted=Coalesce(Sum("postings__amount_minor"), 0)
    ).order_by("pk")
    for account in accounts:
        if account.posted != account.balance_minor:
            problems.append(
                f"account {account}: stored balance {account.balance_minor} "
                f"but postings sum to {account.posted}"
            )
        if account.kind in NEVER_NEGATIVE and account.posted < 0:
            problems.append(f"account {account} is negative: {account.posted}")
        if account.code.startswith("escrow:payment:") and account.posted != 0:
            # A payment that arrived for nothing open is refunded in the same transaction.
            problems.append(f"account {account} still holds {account.posted}")
    for check in registry.ledger_checks():
        problems += check()
    return problems


def wallet_balances(user: User) -> list[tuple[str, int]]:
    """The user's wallet balance in each currency they hold one in: [(currency, minor)]."""
    return list(
        LedgerAccount.objects.filter(code=wallet_of(user.pk))
        .order_by("currency")
        .values_list("currency", "balance_minor")
    )


def wallet_movements(user: User) -> QuerySet[Posting]:
    """Every posting on the user's wallets, newest first, with its transaction."""
    return (
        Posting.objects.filter(account__code=wallet_of(user.pk))
        .select_related("transaction")
        .order_by("-transaction__created_at", "-pk")
    )


def payouts_for(user: User) -> QuerySet[Payout]:
    return Payout.objects.filter(owner=user).order_by("-created_at", "-pk")
