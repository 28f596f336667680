"""Provider callbacks: verify the signature, ignore replays, then settle on the status query."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from sokoni.payments.errors import UnknownPayment, UnknownProvider
from sokoni.payments.gateways import gateway_get
from sokoni.payments.gateways.base import webhook_secret
from sokoni.payments.models import PaymentIntent, WebhookReceipt
from sokoni.payments.services.intents import payment_refresh
from sokoni.payments.signatures import verify
from sokoni.payments.states import PaymentStatus

SIGNED_PROVIDERS = frozenset({"sandbox-mobile", "sandbox-card"})
# A payment still in one of these after the status query has had no answer from its provider.
WAITING = frozenset({PaymentStatus.PENDING, PaymentStatus.EXPIRED})


def webhook_receive(*, provider: str, signature: str | None, body: bytes) -> str:
    """Handle one callback; return the payment's status (or "duplicate" for a replay).

    Nothing is credited on the callback's word: the provider's status query decides, and its
    amount, currency and reference must match the payment. A replayed event id changes
    nothing. Raises ``UnknownProvider``, ``SignatureInvalid``, ``CallbackInvalid``,
    ``UnknownPayment`` or ``PaymentMismatch``, each with nothing changed.
    """
    if provider not in SIGNED_PROVIDERS:
        raise UnknownProvider()
    gateway = gateway_get(provider)
    verify(header=signature, body=body, secret=webhook_secret(provider))
    callback = gateway.parse_callback(body)
    if WebhookReceipt.objects.filter(provider=provider, event_id=callback.event_id).exists():
        return "duplicate"
    intent = PaymentIntent.objects.filter(
        provider=provider, provider_ref=callback.provider_ref
    ).first()
    if intent is None:
        raise UnknownPayment()
    intent = payment_refresh(intent_id=intent.pk, note="callback")
    if intent.status in WAITING:
        # The provider's books say nothing happened yet: the callback changed nothing, and
        # its event id stays unused so that the provider's next delivery is handled.
        return intent.status
    try:
        with transaction.atomic():
            WebhookReceipt.objects.create(provider=provider, event_id=callback.event_id)
    except IntegrityError:
        return "duplicate"
    return intent.status
