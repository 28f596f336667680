"""Where text messages go: a console backend for development (and tests), and Africa's Talking
through its official SDK (``africastalking``); settings.SMS_BACKEND picks one."""

from __future__ import annotations

import itertools
import json
import logging
import threading
from collections.abc import Mapping
from typing import Any, ClassVar, Final, Protocol

import africastalking
import requests
from africastalking.Service import AfricasTalkingException
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


# Africa's Talking's per-recipient status codes (bulk SMS API, SMSMessageData.Recipients[]).
AT_ACCEPTED: Final[Mapping[int, str]] = {100: "Processed", 101: "Sent", 102: "Queued"}
# Refusals that the same message to the same number will meet again: not retried.
AT_PERMANENT: Final[Mapping[int, str]] = {
    402: "InvalidSenderId",
    403: "InvalidPhoneNumber",
    404: "UnsupportedNumberType",
    406: "UserInBlacklist",
    # Nigeria only: a promotional sender outside 08:00-20:00; our retries end within minutes.
    409: "DoNotDisturbRejection",
    502: "RejectedByGateway",
}
# Refusals of the account or the route that can clear (a top-up, a lifted hold, a route back).
AT_RETRYABLE: Final[Mapping[int, str]] = {
    401: "RiskHold",
    405: "InsufficientBalance",
    407: "CouldNotRoute",
    500: "InternalServerError",
    501: "GatewayError",
}
AT_CODES_BY_STATUS: Final[Mapping[str, int]] = {
    status: code
    for table in (AT_ACCEPTED, AT_PERMANENT, AT_RETRYABLE)
    for code, status in table.items()
}
# (connect, read) seconds. The SDK's own default is (3.05, 9.05); a worker should not hang on a
# provider longer than that. A read timeout may come after the provider took the message, so
# its retry can send the text twice: a duplicate notice is better than a lost pickup code.
AT_TIMEOUT_SECONDS: Final = (3.05, 10.0)


def _redact(text: str, secret: str) -> str:
    return text.replace(secret, "[redacted]") if secret else text


class AfricasTalkingGateway:
    """Sends through Africa's Talking's bulk SMS API with the official ``africastalking`` SDK.

    Configured by AFRICASTALKING_USERNAME, AFRICASTALKING_API_KEY and AFRICASTALKING_SENDER_ID;
    the SDK talks to the sandbox when the username is "sandbox". The SDK's SMS service is made
    on the first message, not at import, and kept for the process (made again only if the
    credentials change). Every text that leaves this class (errors, logs) has the API key
    taken out, whatever the provider or the network library put in it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._service: Any = None
        self._credentials: tuple[str, str] | None = None

    def _sms(self, username: str, api_key: str) -> Any:
        with self._lock:
            if self._service is None or self._credentials != (username, api_key):
                # SMSService rather than africastalking.initialize(), which would set
                # module-wide globals for every product of the SDK.
                self._service = africastalking.SMSService(username, api_key)
                self._credentials = (username, api_key)
                log.info("Africa's Talking SMS ready (sandbox: %s)", username == "sandbox")
            return self._service

    def send(self, *, to: str, body: str) -> str:
        api_key: str = settings.AFRICASTALKING_API_KEY
        if not api_key:
            raise SmsGatewayError(
                "Africa's Talking is not configured: AFRICASTALKING_API_KEY is empty",
                retryable=False,
            )
        service = self._sms(settings.AFRICASTALKING_USERNAME, api_key)
        try:
            answer = service.send(
                body,
                [to],
                sender_id=settings.AFRICASTALKING_SENDER_ID or None,
                timeout=AT_TIMEOUT_SECONDS,
            )
        # `from None` throughout: a chained exception keeps the SDK's frames, whose locals hold
        # the apiKey header, for any error reporter that records local variables.
        except requests.RequestException as error:  # timeouts, refused connections, TLS, bad JSON
            raise self._refused(
                f"network error: {type(error).__name__}: {error}", api_key, retryable=True
            ) from None
        except AfricasTalkingException as error:
            # Any HTTP status outside 2xx; the SDK keeps only the body. A 409 comes with the
            # usual JSON (DoNotDisturbRejection); 401 (a wrong key) and 5xx come as text and are
            # retried: the status code is not given to us to tell them apart.
            text = str(error)
            parsed = self._parse(text)
            if parsed is None:
                raise self._refused(f"HTTP error: {text}", api_key, retryable=True) from None
            answer = parsed
        except ValueError as error:  # the SDK checks numbers itself before calling
            raise self._refused(f"refused number: {error}", api_key, retryable=False) from None
        return self._accepted(answer, to=to, api_key=api_key)

    @staticmethod
    def _parse(answer: object) -> dict[str, Any] | None:
        """The answer as JSON (the SDK returns text when the content type has a charset)."""
        if isinstance(answer, str):
            try:
                answer = json.loads(answer)
            except ValueError:
                return None
        if isinstance(answer, dict) and isinstance(answer.get("SMSMessageData"), dict):
            return answer
        return None

    def _accepted(self, raw: object, *, to: str, api_key: str) -> str:
        """The provider's message id, or SmsGatewayError saying whether a retry may help."""
        answer = self._parse(raw)
        if answer is None:
            raise self._refused(f"unexpected answer: {raw}", api_key, retryable=True)
        data = answer["SMSMessageData"]
        recipients = [r for r in data.get("Recipients") or [] if isinstance(r, dict)]
        mine = next((r for r in recipients if r.get("number") == to), None)
        recipient = mine or (recipients[0] if recipients else None)
        if recipient is None:
            # No recipient at all: the request itself was refused; the reason is in Message
            # (e.g. "InvalidSenderId").
            status = str(data.get("Message", ""))
            code = AT_CODES_BY_STATUS.get(status)
            message_id = ""
        else:
            status = str(recipient.get("status", ""))
            try:
                code = int(recipient["statusCode"])
            except (KeyError, TypeError, ValueError):
                code = AT_CODES_BY_STATUS.get(status)
            message_id = str(recipient.get("messageId") or "")
        if code in AT_ACCEPTED:
            cost = recipient.get("cost", "") if recipient else ""
            log.info("Africa's Talking took message %s (%s, cost %s)", message_id, status, cost)
            return "" if message_id == "None" else message_id
        raise self._refused(
            f"{status or 'no status'} ({code if code is not None else 'no code'})",
            api_key,
            retryable=code not in AT_PERMANENT,
        )

    @staticmethod
    def _refused(reason: str, api_key: str, *, retryable: bool) -> SmsGatewayError:
        # Cut to size only after the key is out, so that no piece of it is left.
        text = _redact(f"Africa's Talking: {reason}", api_key)[:300]
        log.warning("%s (%s)", text, "retryable" if retryable else "permanent")
        return SmsGatewayError(text, retryable=retryable)


GATEWAYS: dict[str, SmsGateway] = {
    "console": ConsoleGateway(),
    "africastalking": AfricasTalkingGateway(),
}


def sms_gateway() -> SmsGateway:
    return GATEWAYS[settings.SMS_BACKEND]
