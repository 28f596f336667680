"""Payments: ask a provider to collect, settle on its status query, apply through the registry.

Provider calls never run inside a database transaction (STYLE.md section 1.5): the intent is
written first, the provider is called, then the answer is recorded in a new transaction whose
status move is a conditional update, so two answers (a callback and a query, or a duplicate
callback) can never both apply the money.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sokoni.accounts.models import User
from sokoni.core.errors import DomainError, InvalidInput, NotFound
from sokoni.core.money import Money
from sokoni.core.tasks import defer
from sokoni.payments import registry
from sokoni.payments.errors import (
    PaymentMismatch,
    PaymentNotPending,
    ProviderUnavailable,
    UnknownPayment,
)
from sokoni.payments.gateways import gateway_for_method, gateway_get
from sokoni.payments.gateways.base import ProviderStatus
from sokoni.payments.models import AccountKind, PaymentEvent, PaymentIntent
from sokoni.payments.services.ledger import Line, journal_post
from sokoni.payments.states import PAYMENT_TRANSITIONS, PaymentMethod, PaymentStatus
from sokoni.payments.tasks import payment_expire_task

log = logging.getLogger(__name__)

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out at a counter


def _reference() -> str:
    return "SK" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def _event(
    intent: PaymentIntent,
    kind: str,
    *,
    from_status: str = "",
    to_status: str = "",
    actor: User | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    PaymentEvent.objects.create(
        intent=intent,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        note=note[:300],
        data=data or {},
    )


def _move(
    intent: PaymentIntent,
    to: PaymentStatus,
    *,
    actor: User | None = None,
    note: str = "",
    **fields: Any,
) -> bool:
    """Move the intent's status if the table allows it and nobody moved it first."""
    current = intent.status
    if to not in PAYMENT_TRANSITIONS[PaymentStatus(current)]:
        return False
    moved = PaymentIntent.objects.filter(pk=intent.pk, status=current).update(
        status=to, status_changed_at=timezone.now(), **fields
    )
    if moved != 1:
        return False
    intent.status = to
    for name, value in fields.items():
        setattr(intent, name, value)
    _event(intent, to, from_status=current, to_status=to, actor=actor, note=note)
    return True


def payment_start(
    *,
    purpose: str,
    purpose_id: int,
    amount: Money,
    method: str,
    payer: User | None,
    payer_phone: str = "",
    collector: User | None = None,
    collector_label: str = "",
    card_number: str = "",
    expires_at: datetime | None = None,
) -> PaymentIntent:
    """Ask the method's provider to collect ``amount`` for ``purpose``; return the intent.

    Mobile money answers later (callback, then status query); a card answers at once; cash
    waits for the service-centre operator. A payment not answered by ``expires_at`` (default
    PAYMENT_TIMEOUT_MINUTES) is expired by a task, after one last status query.
    """
    with transaction.atomic():
        intent = payment_open(
            purpose=purpose,
            purpose_id=purpose_id,
            amount=amount,
            method=method,
            payer=payer,
            payer_phone=payer_phone,
            collector=collector,
            collector_label=collector_label,
            card_number=card_number,
            expires_at=expires_at,
        )
    return payment_request(intent=intent, card_number=card_number)


def payment_open(
    *,
    purpose: str,
    purpose_id: int,
    amount: Money,
    method: str,
    payer: User | None,
    payer_phone: str = "",
    collector: User | None = None,
    collector_label: str = "",
    card_number: str = "",
    expires_at: datetime | None = None,
) -> PaymentIntent:
    """Write a pending payment and schedule its expiry, in the caller's transaction.

    The provider is not called here (no network inside a transaction): commit, then call
    ``payment_request``. A caller that must allow one waiting payment per purpose takes its
    own lock around this (see ``orders.services.checkout.checkout_pay``).
    """
    if method not in PaymentMethod.values:
        raise InvalidInput(_("Choose how to pay."), field="method")
    if amount.minor <= 0:
        raise InvalidInput(_("There is nothing to pay."))
    if method == PaymentMethod.MOBILE_MONEY and not payer_phone:
        raise InvalidInput(_("Enter the mobile-money phone number."), field="phone")
    if method == PaymentMethod.CASH and collector is None:
        raise InvalidInput(_("Choose a service centre to pay at."), field="centre")
    gateway = gateway_for_method(method)
    deadline = expires_at or timezone.now() + timedelta(minutes=settings.PAYMENT_TIMEOUT_MINUTES)
    digits = "".join(ch for ch in card_number if ch.isdigit())
    intent = PaymentIntent.objects.create(
        reference=_reference(),
        method=method,
        provider=gateway.code,
        amount_minor=amount.minor,
        currency=amount.currency,
        payer=payer,
        payer_phone=payer_phone,
        collector=collector,
        collector_label=collector_label[:120],
        card_last4=digits[-4:] if method == PaymentMethod.CARD else "",
        purpose=purpose,
        purpose_id=purpose_id,
        expires_at=deadline,
    )
    _event(intent, "requested", to_status=intent.status, actor=payer)
    defer(payment_expire_task, intent.pk, run_after=deadline)
    return intent


def payment_request(*, intent: PaymentIntent, card_number: str = "") -> PaymentIntent:
    """Call the provider for a payment written by ``payment_open`` (outside any transaction)."""
    gateway = gateway_get(intent.provider)
    try:
        provider_ref = gateway.request(intent, card_number=card_number)
    except ProviderUnavailable as error:
        with transaction.atomic():
            _move(
                intent,
                PaymentStatus.FAILED,
                note="provider unavailable",
                failure_message=str(error.message)[:200],
            )
        return intent
    if provider_ref:
        with transaction.atomic():
            PaymentIntent.objects.filter(pk=intent.pk, provider_ref="").update(
                provider_ref=provider_ref
            )
            intent.provider_ref = provider_ref
            _event(intent, "accepted", data={"provider_ref": provider_ref})
    if gateway.answers_at_once:
        return payment_refresh(intent_id=intent.pk, note="answer to the request")
    return intent


def payment_refresh(*, intent_id: int, note: str = "status query") -> PaymentIntent:
    """Ask the provider what became of a payment still waiting, and settle on its answer."""
    intent = PaymentIntent.objects.filter(pk=intent_id).first()
    if intent is None:
        raise UnknownPayment()
    if intent.status not in (PaymentStatus.PENDING, PaymentStatus.EXPIRED):
        return intent
    if not intent.provider_ref:
        return intent
    status = gateway_get(intent.provider).query(intent.provider_ref)
    return _settle(intent, status, note)


def _settle(intent: PaymentIntent, status: ProviderStatus, note: str) -> PaymentIntent:
    if status.state == "pending":
        return intent
    matches = (status.amount_minor, status.currency, status.reference) == (
        intent.amount_minor,
        intent.currency,
        intent.reference,
    )
    if not matches:
        log.warning(
            "payment %s: provider reports %s %s for %s",
            intent.reference,
            status.amount_minor,
            status.currency,
            status.reference,
        )
        raise PaymentMismatch()
    if status.state == "succeeded":
        return payment_succeed(intent_id=intent.pk, note=note)
    with transaction.atomic():
        _move(
            intent,
            PaymentStatus.FAILED,
            note=f"{note}: {status.message}",
            failure_message=status.message[:200],
        )
    return intent


@transaction.atomic
def payment_succeed(*, intent_id: int, actor: User | None = None, note: str = "") -> PaymentIntent:
    """Mark a payment paid and apply it through its purpose's handler, once.

    If the purpose no longer wants the money (the checkout expired or was cancelled, or was
    paid another way), the money is recorded and refunded in the same transaction.
    """
    intent = PaymentIntent.objects.select_for_update().get(pk=intent_id)
    if not _move(intent, PaymentStatus.SUCCEEDED, actor=actor, note=note):
        return intent
    if not registry.payment_succeeded(intent):
        _refund_unapplied(intent, actor=actor)
    return intent


def _refund_unapplied(intent: PaymentIntent, *, actor: User | None) -> None:
    held = f"escrow:payment:{intent.reference}"
    money = intent.amount_minor
    source = Line(intent.source_account, intent.source_kind, intent.currency, -money)
    journal_post(
        idempotency_key=f"payment:{intent.reference}:unapplied",
        lines=[source, Line(held, AccountKind.ESCROW, intent.currency, money)],
        description=f"Payment {intent.reference} received for nothing open",
        reference=intent.reference,
    )
    journal_post(
        idempotency_key=f"payment:{intent.reference}:refund",
        lines=[
            Line(held, AccountKind.ESCROW, intent.currency, -money),
            Line(intent.source_account, intent.source_kind, intent.currency, money),
        ],
        description=f"Payment {intent.reference} refunded",
        reference=intent.reference,
    )
    _move(intent, PaymentStatus.REFUNDED, actor=actor, note="nothing left to pay for")


def reference_normalise(text: str) -> str:
    """A payment reference as typed or read out ("sk 7kq2-m9xa") in its stored form."""
    return text.strip().upper().replace(" ", "").replace("-", "")


def payment_confirm_cash(*, reference: str, operator: User, amount_minor: int) -> PaymentIntent:
    """The service-centre operator took the cash for this reference; it enters their float."""
    code = reference_normalise(reference)
    intent = PaymentIntent.objects.filter(reference=code, method=PaymentMethod.CASH).first()
    if intent is None or intent.collector_id != operator.pk:
        raise UnknownPayment()
    if intent.status != PaymentStatus.PENDING:
        raise PaymentNotPending()
    if amount_minor != intent.amount_minor:
        raise PaymentMismatch(_("The cash taken must be exactly the amount due."))
    return payment_succeed(intent_id=intent.pk, actor=operator, note="cash received")


def payment_cancel(*, intent_id: int, actor: User | None, note: str) -> None:
    """Stop waiting for a payment (its purpose was cancelled); a late success is refunded."""
    with transaction.atomic():
        intent = PaymentIntent.objects.select_for_update().filter(pk=intent_id).first()
        if intent is None:
            raise NotFound()
        if intent.status == PaymentStatus.PENDING:
            _move(intent, PaymentStatus.EXPIRED, actor=actor, note=note)


def payment_expire(*, intent_id: int, now: datetime | None = None) -> PaymentIntent | None:
    """Give up on a payment unanswered by its deadline, after one last status query."""
    intent = PaymentIntent.objects.filter(pk=intent_id).first()
    if intent is None or intent.status != PaymentStatus.PENDING:
        return intent
    if (now or timezone.now()) < intent.expires_at:
        return intent
    try:
        payment_refresh(intent_id=intent.pk, note="last status query")
    except DomainError as error:  # a payment nobody can confirm must not block paying again
        log.warning("payment %s: last status query failed: %s", intent.reference, error.code)
    with transaction.atomic():
        intent = PaymentIntent.objects.select_for_update().get(pk=intent_id)
        if intent.status == PaymentStatus.PENDING:
            _move(intent, PaymentStatus.EXPIRED, note="no answer in time")
    return intent
