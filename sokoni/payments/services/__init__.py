"""Writes in the payments app: the ledger, payments, webhooks and payouts."""

from sokoni.payments.services.ledger import Line, account_ensure, journal_post

__all__ = ["Line", "account_ensure", "journal_post"]
