"""The providers behind each payment method, chosen in settings.PAYMENT_PROVIDERS."""

from __future__ import annotations

from django.conf import settings

from sokoni.payments.errors import UnknownProvider
from sokoni.payments.gateways.base import Gateway, PayoutGateway
from sokoni.payments.gateways.cash import CashAtCentre
from sokoni.payments.gateways.sandbox import SandboxCard, SandboxMobileMoney, SandboxPayout

GATEWAYS: dict[str, Gateway] = {
    gateway.code: gateway for gateway in (SandboxMobileMoney(), SandboxCard(), CashAtCentre())
}
PAYOUT_GATEWAYS: dict[str, PayoutGateway] = {SandboxPayout.code: SandboxPayout()}


def gateway_get(code: str) -> Gateway:
    """The gateway registered under ``code``; ``UnknownProvider`` otherwise."""
    try:
        return GATEWAYS[code]
    except KeyError:
        raise UnknownProvider() from None


def gateway_for_method(method: str) -> Gateway:
    """The gateway that serves a payment method."""
    return gateway_get(settings.PAYMENT_PROVIDERS.get(method, ""))


def payout_gateway() -> PayoutGateway:
    try:
        return PAYOUT_GATEWAYS[settings.PAYOUT_PROVIDER]
    except KeyError:
        raise UnknownProvider() from None
