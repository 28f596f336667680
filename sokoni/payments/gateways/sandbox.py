"""Sandbox providers that behave like the real services, for local use, demos and tests.

Mobile money (STK push): the request is accepted at once and answered a few seconds later by a
background task, which sends a signed callback through the task queue, twice (real providers
sometimes repeat themselves). A payer phone number ending in ``0000`` is declined; one ending
in ``0001`` is never answered (the payment times out); every other number pays.

Card: answered at once. ``4242 4242 4242 4242`` and ``5555 5555 5555 4444`` pay;
``4000 0000 0000 0002`` is declined and ``4000 0000 0000 9995`` has insufficient funds.

Payouts: a phone number ending in ``0000`` is refused; everything else is sent.

The sandboxes keep their own books in ``SandboxTransaction``, which their status query reads.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from sokoni.core.tasks import defer
from sokoni.payments.errors import CallbackInvalid, UnknownPayment
from sokoni.payments.gateways.base import Callback, PayoutResult, ProviderStatus, webhook_secret
from sokoni.payments.models import PaymentIntent, Payout, SandboxTransaction
from sokoni.payments.signatures import sign

DECLINED_SUFFIX = "0000"
SILENT_SUFFIX = "0001"

CARDS_THAT_PAY = frozenset({"4242424242424242", "5555555555554444"})
CARDS_DECLINED = {
    "4000000000000002": "card declined",
    "4000000000009995": "insufficient funds",
}


def _new_ref(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(8).upper()}"


def _open(provider: str, intent: PaymentIntent, state: str, message: str = "") -> str:
    ref = _new_ref("SBX")
    SandboxTransaction.objects.create(
        provider=provider,
        provider_ref=ref,
        reference=intent.reference,
        phone=intent.payer_phone,
        amount_minor=intent.amount_minor,
        currency=intent.currency,
        state=state,
        message=message,
    )
    return ref


def _query(provider: str, provider_ref: str) -> ProviderStatus:
    row = SandboxTransaction.objects.filter(provider=provider, provider_ref=provider_ref).first()
    if row is None:
        raise UnknownPayment()
    state = row.state if row.state in {"pending", "succeeded", "failed"} else "pending"
    return ProviderStatus(
        state=state,  # type: ignore[arg-type]
        amount_minor=row.amount_minor,
        currency=row.currency,
        reference=row.reference,
        message=row.message,
    )


def _parse(body: bytes) -> Callback:
    try:
        data = json.loads(body)
        event_id, provider_ref = data["event_id"], data["provider_ref"]
    except (ValueError, TypeError, KeyError) as error:
        raise CallbackInvalid() from error
    if not (isinstance(event_id, str) and isinstance(provider_ref, str)):
        raise CallbackInvalid()
    if not (0 < len(event_id) <= 80 and 0 < len(provider_ref) <= 64):
        raise CallbackInvalid()
    return Callback(event_id=event_id, provider_ref=provider_ref)


def callback_body(provider_ref: str, event_id: str | None = None) -> bytes:
    """The JSON a sandbox provider posts about one of its transactions."""
    row = SandboxTransaction.objects.get(provider_ref=provider_ref)
    return json.dumps(
        {
            "event_id": event_id or _new_ref("EV"),
            "provider_ref": row.provider_ref,
            "reference": row.reference,
            "result": row.state,
            "amount_minor": row.amount_minor,
            "currency": row.currency,
        },
        separators=(",", ":"),
    ).encode()


class SandboxMobileMoney:
    code = "sandbox-mobile"
    answers_at_once = False

    def request(self, intent: PaymentIntent, *, card_number: str = "") -> str:
        with transaction.atomic():
            ref = _open(self.code, intent, "pending")
            if not intent.payer_phone.endswith(SILENT_SUFFIX):
                delay = timedelta(seconds=settings.SANDBOX_CALLBACK_DELAY_SECONDS)
                defer(sandbox_mobile_answer, ref, run_after=timezone.now() + delay)
        return ref

    def query(self, provider_ref: str) -> ProviderStatus:
        return _query(self.code, provider_ref)

    def parse_callback(self, body: bytes) -> Callback:
        return _parse(body)


class SandboxCard:
    code = "sandbox-card"
    answers_at_once = True

    def request(self, intent: PaymentIntent, *, card_number: str = "") -> str:
        number = "".join(ch for ch in card_number if ch.isdigit())
        if number in CARDS_THAT_PAY:
            state, message = "succeeded", ""
        else:
            state = "failed"
            message = CARDS_DECLINED.get(number, "not a sandbox test card")
        with transaction.atomic():
            ref = _open(self.code, intent, state, message)
            defer(sandbox_deliver_callback, self.code, ref)
        return ref

    def query(self, provider_ref: str) -> ProviderStatus:
        return _query(self.code, provider_ref)

    def parse_callback(self, body: bytes) -> Callback:
        return _parse(body)


class SandboxPayout:
    code = "sandbox-payout"

    def send(self, payout: Payout) -> PayoutResult:
        ref = _new_ref("SBP")
        if payout.phone.endswith(DECLINED_SUFFIX):
            return PayoutResult(ok=False, provider_ref=ref, message="recipient not registered")
        return PayoutResult(ok=True, provider_ref=ref)


@task()
def sandbox_mobile_answer(provider_ref: str) -> None:
    """The payer answered the phone prompt: settle the sandbox's books, then call back twice."""
    row = SandboxTransaction.objects.filter(provider_ref=provider_ref, state="pending").first()
    if row is None:
        return
    declined = row.phone.endswith(DECLINED_SUFFIX)
    state, message = ("failed", "declined by the payer") if declined else ("succeeded", "")
    with transaction.atomic():
        moved = SandboxTransaction.objects.filter(pk=row.pk, state="pending").update(
            state=state, message=message
        )
        if moved:
            event_id = _new_ref("EV")
            defer(sandbox_deliver_callback, row.provider, provider_ref, event_id)
            defer(sandbox_deliver_callback, row.provider, provider_ref, event_id)


# A callback our side could not match yet (it can arrive before the request's answer is
# recorded) is delivered again, as real providers retry: after 2, 4, 8... seconds.
CALLBACK_ATTEMPTS = 5


@task()
def sandbox_deliver_callback(
    provider: str, provider_ref: str, event_id: str = "", attempt: int = 1
) -> str:
    """Post a signed callback to our webhook receiver, as the provider's servers would."""
    from sokoni.payments.services.webhooks import webhook_receive

    body = callback_body(provider_ref, event_id or None)
    header = sign(body=body, secret=webhook_secret(provider))
    try:
        return webhook_receive(provider=provider, signature=header, body=body)
    except UnknownPayment:
        if attempt >= CALLBACK_ATTEMPTS:
            raise
        later = timezone.now() + timedelta(seconds=2**attempt)
        defer(
            sandbox_deliver_callback,
            provider,
            provider_ref,
            json.loads(body)["event_id"],
            attempt + 1,
            run_after=later,
        )
        return "retry"
