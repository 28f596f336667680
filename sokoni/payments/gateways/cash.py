"""Cash at a service centre: the operator takes the cash and confirms it; nothing calls back.

The money then sits in the operator's float account until it is banked.
"""

from __future__ import annotations

from sokoni.payments.errors import CallbackInvalid, UnknownPayment
from sokoni.payments.gateways.base import Callback, ProviderStatus
from sokoni.payments.models import PaymentIntent


class CashAtCentre:
    code = "cash"
    answers_at_once = False

    def request(self, intent: PaymentIntent, *, card_number: str = "") -> str:
        return ""  # the buyer brings the reference to the centre

    def query(self, provider_ref: str) -> ProviderStatus:
        raise UnknownPayment()

    def parse_callback(self, body: bytes) -> Callback:
        raise CallbackInvalid()
