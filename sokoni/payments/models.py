"""The double-entry ledger: accounts, journal transactions and their postings.

History is append-only: a saved transaction or posting is never updated or deleted;
corrections are new transactions. An account's balance is the sum of its postings; the
cached ``balance_minor`` is kept by the posting service under a row lock and checked
against the postings by ``manage.py ledger_check``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sokoni.core.models import AppendOnlyModel
from sokoni.payments.codes import float_of
from sokoni.payments.errors import ImmutableRecord
from sokoni.payments.states import PaymentMethod, PaymentStatus, PayoutStatus


class AccountKind(models.TextChoices):
    CLEARING = "clearing", _("Payment clearing (per provider)")
    ESCROW = "escrow", _("Escrow (per order)")
    WALLET = "wallet", _("Seller wallet")
    REVENUE = "revenue", _("Platform revenue")
    FLOAT = "float", _("Service-centre float")
    PAYOUT = "payout", _("Payouts in transit")
    FX = "fx", _("Currency exchange")
    EXPENSE = "expense", _("Platform expenses")


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
                condition=~models.Q(kind__in=sorted(k.value for k in NEVER_NEGATIVE))
                | models.Q(balance_minor__gte=0),
                name="ledger_held_money_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.currency})"


class JournalTransaction(AppendOnlyModel):
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, unique=True)
    description = models.CharField(_("description"), max_length=300)
    reference = models.CharField(_("reference"), max_length=120, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("journal transaction")
        verbose_name_plural = _("journal transactions")

    def __str__(self) -> str:
        return f"{self.idempotency_key}: {self.description}"

    def refusal(self) -> Exception:
        return ImmutableRecord()


class Posting(AppendOnlyModel):
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

    def refusal(self) -> Exception:
        return ImmutableRecord()


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


class PaymentIntent(models.Model):
    """One attempt to collect an amount for a purpose (a checkout), by one method and provider.

    Its status moves only through ``PAYMENT_TRANSITIONS`` with a conditional update; every move
    and every provider message is a ``PaymentEvent``. ``purpose``/``purpose_id`` name what the
    money is for without this app knowing orders: the handler registered for the purpose
    applies it.
    """

    reference = models.CharField(_("reference"), max_length=24, unique=True)
    method = models.CharField(_("method"), max_length=16, choices=PaymentMethod.choices)
    provider = models.CharField(_("provider"), max_length=30)
    status = models.CharField(
        _("status"), max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_intents",
        verbose_name=_("payer"),
    )
    payer_phone = models.CharField(_("payer's phone"), max_length=20, blank=True)
    # Cash: the service-centre operator who may take it (the money then sits in their float).
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cash_to_collect",
        verbose_name=_("collected by"),
    )
    collector_label = models.CharField(_("where"), max_length=120, blank=True)
    card_last4 = models.CharField(_("card"), max_length=4, blank=True)
    purpose = models.CharField(_("purpose"), max_length=30)
    purpose_id = models.BigIntegerField(_("for"))
    provider_ref = models.CharField(_("provider's reference"), max_length=64, blank=True)
    failure_message = models.CharField(_("message"), max_length=200, blank=True)
    expires_at = models.DateTimeField(_("answer expected by"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="payment_positive"),
            models.UniqueConstraint(
                fields=["provider", "provider_ref"],
                condition=~models.Q(provider_ref=""),
                name="payment_provider_ref_unique",
            ),
        ]
        indexes = [models.Index(fields=["purpose", "purpose_id"], name="payment_purpose")]

    def __str__(self) -> str:
        return self.reference

    @property
    def source_account(self) -> str:
        """Where the money comes from: the provider's clearing account, or the agent's float."""
        if self.method == PaymentMethod.CASH:
            return float_of(self.collector_id)
        return f"clearing:{self.provider}"

    @property
    def source_kind(self) -> AccountKind:
        return AccountKind.FLOAT if self.method == PaymentMethod.CASH else AccountKind.CLEARING


class PaymentEvent(AppendOnlyModel):
    """Something that happened to a payment: a request, a provider's answer, a move, a refund."""

    intent = models.ForeignKey(PaymentIntent, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("what"), max_length=30)
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("why"), max_length=300, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("payment event")
        verbose_name_plural = _("payment events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.intent_id}: {self.kind}"


class WebhookReceipt(models.Model):
    """A provider callback already handled: a replay of the same event id changes nothing."""

    provider = models.CharField(max_length=30)
    event_id = models.CharField(max_length=80)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook receipt")
        verbose_name_plural = _("webhook receipts")
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_once"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id}"


class SandboxTransaction(models.Model):
    """The sandbox providers' own books, as a real provider keeps them on its side.

    The status query reads these rows; the platform's records never do.
    """

    provider = models.CharField(max_length=30)
    provider_ref = models.CharField(max_length=64, unique=True)
    reference = models.CharField(max_length=64)
    phone = models.CharField(max_length=20, blank=True)
    amount_minor = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    state = models.CharField(max_length=12, default="pending")
    message = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox transaction")
        verbose_name_plural = _("sandbox transactions")

    def __str__(self) -> str:
        return self.provider_ref


class Payout(models.Model):
    """Money sent from a seller's wallet to their mobile-money number."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payouts"
    )
    amount_minor = models.BigIntegerField(_("amount (minor units)"))
    currency = models.CharField(_("currency"), max_length=3)
    phone = models.CharField(_("to phone"), max_length=20)
    provider = models.CharField(_("provider"), max_length=30)
    provider_ref = models.CharField(_("provider's reference"), max_length=64, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=PayoutStatus.choices, default=PayoutStatus.REQUESTED
    )
    failure_message = models.CharField(_("message"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_minor__gt=0), name="payout_positive"),
        ]

    def __str__(self) -> str:
        return f"payout {self.pk}"


class PayoutEvent(AppendOnlyModel):
    payout = models.ForeignKey(Payout, on_delete=models.PROTECT, related_name="events")
    from_status = models.CharField(_("from"), max_length=12, blank=True)
    to_status = models.CharField(_("to"), max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("why"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("payout event")
        verbose_name_plural = _("payout events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.payout_id}: {self.to_status}"
