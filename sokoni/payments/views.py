"""The providers' callbacks: ``POST /payments/webhooks/<provider>/``.

Answers JSON: 200 for a handled or replayed callback (a replay changes nothing), 400 for a bad
signature or body, 404 for an unknown provider or payment reference, 409 when the provider's
own records disagree with the payment (amount, currency or reference), 413 for a body over
MAX_BODY and 429 past RATE_LIMITS["webhook"] calls from one address. Refusals are logged.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sokoni.core.errors import DomainError
from sokoni.core.security import log_refusal, webhook_body
from sokoni.payments.errors import PaymentMismatch, UnknownPayment, UnknownProvider
from sokoni.payments.services.webhooks import webhook_receive
from sokoni.payments.signatures import HEADER

MAX_BODY = 64 * 1024


def _status(error: DomainError) -> int:
    if isinstance(error, UnknownProvider | UnknownPayment):
        return 404
    if isinstance(error, PaymentMismatch):
        return 409
    return 400


@csrf_exempt  # providers sign their callbacks instead
@require_POST
def webhook(request: HttpRequest, provider: str) -> JsonResponse:
    body = webhook_body(request, MAX_BODY, "payments")
    if isinstance(body, JsonResponse):
        return body
    try:
        status = webhook_receive(
            provider=provider, signature=request.headers.get(HEADER), body=body
        )
    except DomainError as error:
        log_refusal(request, error.code, _status(error))
        return JsonResponse(
            {"detail": str(error.message), "code": error.code}, status=_status(error)
        )
    return JsonResponse({"status": status})
