"""Where text messages go: a console backend for development (and tests); a real provider
plugs in behind the same interface (settings.SMS_BACKEND)."""

from __future__ import annotations

import itertools
import logging
from typing import ClassVar, Protocol

from django.conf import settings

log = logging.getLogger(__name__)


class SmsGatewayError(Exception):
    """The provider did not take the message; ``retryable`` says whether trying later may help."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class SmsGateway(Protocol):
    def send(self, *, to: str, body: str) -> str:
        """Hand one message to the provider; return its message id or raise SmsGatewayError."""
        ...


class ConsoleGateway:
    """Writes messages to the log and keeps them in ``sent`` (for development and tests)."""

    sent: ClassVar[list[tuple[str, str]]] = []
    _ids = itertools.count(1)

    def send(self, *, to: str, body: str) -> str:
        self.sent.append((to, body))
        log.warning("SMS to %s: %s", to, body)
        return f"console-{next(self._ids)}"


GATEWAYS: dict[str, SmsGateway] = {"console": ConsoleGateway()}


def sms_gateway() -> SmsGateway:
    return GATEWAYS[settings.SMS_BACKEND]
