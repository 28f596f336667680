"""The double-entry ledger: accounts, journal transactions and their postings.

History is append-only: a saved transaction or posting is never updated or deleted;
corrections are new transactions. An account's balance is the sum of its postings; the
cached ``balance_minor`` is kept by the posting service under a row lock and checked
against the postings by ``manage.py ledger_check``.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sokoni.payments.errors import ImmutableRecord


class AccountKind(models.TextChoices):
    CLEARING = "clearing", _("Payment clearing (per provider)")
    ESCROW = "escrow", _("Escrow (per order)")
    WALLET = "wallet", _("Seller wallet")
    REVENUE = "revenue", _("Platform revenue")
    FLOAT = "float", _("Service-centre float")
    PAYOUT = "payout", _("Payouts in transit")
    FX = "fx", _("Currency exchange")


# Money held for someone: these accounts can never go below zero. Clearing, float, FX and
# payout accounts are the platform's side of the world outside and may.
NEVER_NEGATIVE = frozenset({AccountKind.ESCROW, AccountKind.WALLET, AccountKind.REVENUE})


class LedgerAccount(models.Model):
    code = models.CharField(_("code"), max_length=120)
    currency = models.CharField(_("currency"), max_length=3)
    kind = models.CharField(_("kind"), max_length=12, choices=AccountKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ledger_accounts",
    )
    balance_minor = models.BigIntegerField(_("balance (minor units)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger account")
        verbose_name_plural = _("ledger accounts")
        constraints = [
            models.UniqueConstraint(fields=["code", "currency"], name="ledger_account_unique"),
            models.CheckConstraint(
                condition=~models.Q(kind__in=[k.value for k in NEVER_NEGATIVE])
                | models.Q(balance_minor__gte=0),
                name="ledger_held_money_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.currency})"


class JournalTransaction(models.Model):
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    description = models.CharField(_("description"), max_length=300)
    reference = models.CharField(_("reference"), max_length=120, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("journal transaction")
        verbose_name_plural = _("journal transactions")

    def __str__(self) -> str:
        return f"{self.idempotency_key}: {self.description}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ImmutableRecord()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord()


class Posting(models.Model):
    transaction = models.ForeignKey(
        JournalTransaction, on_delete=models.PROTECT, related_name="postings"
    )
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="postings")
    # Signed: positive adds to the account, negative takes from it.
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount_minor=0), name="posting_not_zero"),
        ]

    def __str__(self) -> str:
        return f"{self.account_id}: {self.amount_minor} {self.currency}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ImmutableRecord()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ImmutableRecord()


class FxRate(models.Model):
    """How many units of ``quote`` one unit of ``base`` buys, from a named source on a day.

    Conversions store the rate they used (its id, value, source and date), never a float.
    """

    base = models.CharField(_("base currency"), max_length=3)
    quote = models.CharField(_("quote currency"), max_length=3)
    rate = models.DecimalField(_("rate"), max_digits=24, decimal_places=10)
    source = models.CharField(_("source"), max_length=40)
    as_of = models.DateField(_("date"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["-as_of", "base", "quote"]
        constraints = [
            models.UniqueConstraint(
                fields=["base", "quote", "source", "as_of"], name="fx_rate_unique_per_day"
            ),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="fx_rate_positive"),
            models.CheckConstraint(
                condition=~models.Q(base=models.F("quote")), name="fx_rate_two_currencies"
            ),
        ]
        indexes = [models.Index(fields=["base", "quote", "-as_of"], name="fx_rate_latest")]

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate} {self.quote} ({self.source}, {self.as_of})"
