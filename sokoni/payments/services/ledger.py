"""Writes on the ledger: one balanced, idempotent journal transaction per movement of money."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F

from sokoni.accounts.models import User
from sokoni.core.money import is_known_currency
from sokoni.payments.errors import (
    IdempotencyConflict,
    InsufficientFunds,
    InvalidPosting,
    UnbalancedTransaction,
)
from sokoni.payments.models import NEVER_NEGATIVE, AccountKind, JournalTransaction, LedgerAccount


@dataclass(frozen=True)
class Line:
    """One side of a movement: this many minor units into (positive) or out of an account."""

    account: str  # the account's code, e.g. "escrow:order:12"
    kind: AccountKind
    currency: str
    amount_minor: int
    owner: User | None = None


def _check(lines: Sequence[Line]) -> None:
    if len(lines) < 2:
        raise InvalidPosting()
    sums: dict[str, int] = defaultdict(int)
    for line in lines:
        if (
            not isinstance(line.amount_minor, int)
            or isinstance(line.amount_minor, bool)
            or line.amount_minor == 0
            or not is_known_currency(line.currency)
        ):
            raise InvalidPosting()
        sums[line.currency] += line.amount_minor
    if any(sums.values()):
        raise UnbalancedTransaction(sums=dict(sums))


def _same(existing: JournalTransaction, lines: Sequence[Line]) -> bool:
    stored = sorted(
        (p.account.code, p.currency, p.amount_minor)
        for p in existing.postings.select_related("account")
    )
    return stored == sorted((ln.account, ln.currency, ln.amount_minor) for ln in lines)


def account_ensure(
    *, code: str, kind: AccountKind, currency: str, owner: User | None = None
) -> LedgerAccount:
    """Return the account with this code and currency, creating it on first use.

    Two first uses at once both try to create it: the loser reads the winner's row.
    """
    account = LedgerAccount.objects.filter(code=code, currency=currency).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return LedgerAccount.objects.create(
                code=code, currency=currency, kind=kind, owner=owner
            )
    except IntegrityError:
        return LedgerAccount.objects.get(code=code, currency=currency)


def journal_post(
    *, idempotency_key: str, lines: Sequence[Line], description: str, reference: str = ""
) -> JournalTransaction:
    """Move money: write one journal transaction whose postings sum to zero per currency.

    Accounts are locked in primary-key order; an account holding someone's money (escrow,
    wallet, revenue) is debited only with a conditional update, so it can never go negative
    however many debits race. Safe to retry: a repeated idempotency key returns the first
    transaction and moves no money; the same key with other lines is refused.
    """
    _check(lines)
    existing = JournalTransaction.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return _replayed(existing, lines)
    try:
        return _post(idempotency_key, lines, description, reference)
    except IntegrityError:
        # A concurrent call with the same key committed first: answer as a replay.
        existing = JournalTransaction.objects.filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _replayed(existing, lines)


def _replayed(existing: JournalTransaction, lines: Sequence[Line]) -> JournalTransaction:
    if not _same(existing, lines):
        raise IdempotencyConflict(idempotency_key=existing.idempotency_key)
    return existing


@transaction.atomic
def _post(
    idempotency_key: str, lines: Sequence[Line], description: str, reference: str
) -> JournalTransaction:
    journal = JournalTransaction.objects.create(
        idempotency_key=idempotency_key, description=description[:300], reference=reference
    )
    accounts = {
        (ln.account, ln.currency): account_ensure(
            code=ln.account, kind=ln.kind, currency=ln.currency, owner=ln.owner
        )
        for ln in lines
    }
    ids = sorted({a.pk for a in accounts.values()})
    list(LedgerAccount.objects.filter(pk__in=ids).order_by("pk").select_for_update())
    for line in sorted(lines, key=lambda ln: accounts[(ln.account, ln.currency)].pk):
        account = accounts[(line.account, line.currency)]
        rows = LedgerAccount.objects.filter(pk=account.pk)
        if line.amount_minor < 0 and account.kind in NEVER_NEGATIVE:
            rows = rows.filter(balance_minor__gte=-line.amount_minor)
        if rows.update(balance_minor=F("balance_minor") + line.amount_minor) != 1:
            raise InsufficientFunds(account=account.code)
        journal.postings.create(
            account=account, amount_minor=line.amount_minor, currency=line.currency
        )
    return journal
