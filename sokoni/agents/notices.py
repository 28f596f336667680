"""The text that asks a person's consent before an operator's centre becomes their home."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from sokoni.accounts.phones import display_phone
from sokoni.agents.errors import PhoneUnreachable
from sokoni.agents.models import AttachRequest
from sokoni.core.errors import InvalidInput
from sokoni.messaging.outbound import sms_enqueue
from sokoni.messaging.segments import segments

# Names are shortened until the text fits in SMS_MAX_SEGMENTS whole: the code and the "only if
# you agree" must never be cut off.
_NAME_LENGTHS = range(60, 3, -1)


def _short(text: str, length: int) -> str:
    # Cut without an ellipsis: "…" is not in the GSM alphabet and would halve the room.
    return text if len(text) <= length else text[:length].rstrip()


def attach_code_text(request: AttachRequest, code: str) -> str:
    """The consent text, in the current language."""
    operator = request.operator
    who = operator.name or display_phone(operator.phone)
    body = ""
    for length in _NAME_LENGTHS:
        body = _(
            "Sokoni: %(operator)s at %(centre)s asks to make it your home centre. Give them "
            "code %(code)s only if you agree. It expires in %(minutes)s minutes."
        ) % {
            "operator": _short(who, length),
            "centre": _short(request.centre.name, length),
            "code": code,
            "minutes": settings.ATTACH_CODE_MINUTES,
        }
        if segments(body).count <= settings.SMS_MAX_SEGMENTS:
            break
    return body


def send_attach_code(request: AttachRequest, code: str) -> None:
    """Queue the code to the person's own phone, in their language. Unlike other notices a
    text that cannot be queued refuses the request: without it there is no consent to ask."""
    villager = request.villager
    with translation.override(villager.language or "en"):
        body = attach_code_text(request, code)
    try:
        sms_enqueue(to=villager.phone, body=body, dedupe_key=f"attach:{request.pk}", secret=code)
    except InvalidInput as error:
        raise PhoneUnreachable(field="phone") from error
