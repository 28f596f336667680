from django.utils.translation import gettext_lazy as _

from sokoni.core.errors import DomainError


class UnbalancedTransaction(DomainError):
    code = "payments.unbalanced"
    default_message = _("The postings of a transaction must sum to zero in each currency.")


class InvalidPosting(DomainError):
    code = "payments.invalid_posting"
    default_message = _("A transaction needs at least two non-zero postings in known currencies.")


class InsufficientFunds(DomainError):
    code = "payments.insufficient_funds"
    default_message = _("There is not enough money in this account.")


class IdempotencyConflict(DomainError):
    code = "payments.idempotency_conflict"
    default_message = _("This request was already made with different contents.")


class ImmutableRecord(DomainError):
    code = "payments.immutable"
    default_message = _("Ledger records are never changed or deleted; post a correction instead.")


class UnknownProvider(DomainError):
    code = "payments.unknown_provider"
    default_message = _("There is no such payment provider.")


class CallbackInvalid(DomainError):
    code = "payments.callback_invalid"
    default_message = _("The callback body is not valid.")


class UnknownPayment(DomainError):
    code = "payments.unknown_payment"
    default_message = _("There is no payment with this reference.")


class PaymentMismatch(DomainError):
    code = "payments.mismatch"
    default_message = _(
        "The provider reports a different amount, currency or reference for this payment."
    )


class PaymentDeclined(DomainError):
    code = "payments.declined"
    default_message = _("The payment was declined.")


class ProviderUnavailable(DomainError):
    code = "payments.provider_unavailable"
    default_message = _("The payment service did not answer. Try again in a moment.")


class PaymentNotPending(DomainError):
    code = "payments.not_pending"
    default_message = _("This payment is no longer waiting to be paid.")


class PayoutInvalid(DomainError):
    code = "payments.payout_invalid"
    default_message = _("This payout cannot be made.")
