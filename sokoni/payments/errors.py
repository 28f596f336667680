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
