"""The payment-gateway interface: every provider, real or sandbox, offers these operations.

A provider is asked to collect (``request``), tells us later through a signed callback that
something happened (``parse_callback`` reads it), and answers a status query (``query``),
which is the only thing we credit money on: real mobile-money callbacks are not signed.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from django.conf import settings

if TYPE_CHECKING:
    from sokoni.payments.models import PaymentIntent, Payout

ProviderState = Literal["pending", "succeeded", "failed"]


@dataclass(frozen=True)
class ProviderStatus:
    """What the provider's status query says about one of its transactions."""

    state: ProviderState
    amount_minor: int
    currency: str
    reference: str
    message: str = ""


@dataclass(frozen=True)
class Callback:
    """The parts of a callback we rely on: which event (for idempotency) about which payment."""

    event_id: str
    provider_ref: str


@dataclass(frozen=True)
class PayoutResult:
    ok: bool
    provider_ref: str
    message: str = ""


class Gateway(Protocol):
    code: str
    # True when the provider answers the request itself (cards); False when the answer comes
    # later by callback (mobile money) or from a person (cash at a service centre).
    answers_at_once: bool

    def request(self, intent: PaymentIntent, *, card_number: str = "") -> str:
        """Ask the provider to collect the intent's amount; return the provider's reference.

        Raises ``ProviderUnavailable`` when the provider cannot be reached and
        ``PaymentDeclined`` when it refuses at once.
        """
        ...

    def query(self, provider_ref: str) -> ProviderStatus:
        """Ask the provider what became of one of its transactions."""
        ...

    def parse_callback(self, body: bytes) -> Callback:
        """Read a callback body; raise ``CallbackInvalid`` when it is not one."""
        ...


class PayoutGateway(Protocol):
    code: str

    def send(self, payout: Payout) -> PayoutResult:
        """Send money to the payout's phone; say whether the provider accepted it."""
        ...


def webhook_secret(provider: str) -> str:
    """The shared secret a provider signs its callbacks with.

    Set ``WEBHOOK_SECRET_<PROVIDER>`` in production; locally it is derived from SECRET_KEY.
    """
    configured = settings.PAYMENT_WEBHOOK_SECRETS.get(provider, "")
    if configured:
        return str(configured)
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"sokoni-webhook:{provider}".encode(), hashlib.sha256).hexdigest()
