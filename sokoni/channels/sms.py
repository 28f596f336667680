"""Inbound text messages: ``POST /channels/sms/inbound/`` from Africa's Talking.

The gateway posts form fields ``from``, ``to``, ``text``, ``date``, ``id`` and ``linkId``. A
message is kept once per provider id (a unique constraint): a replayed id, even one arriving at
the same moment on another worker, is answered 200 and runs nothing and sends nothing again.
The command's reply goes out as an outbound SMS in the sender's language; the HTTP answer is a
plain ``OK`` (Africa's Talking ignores its body). A request without ``from``, ``id`` or
``text`` is refused with 400 and nothing is stored. PINs are masked before a message is stored.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sokoni.accounts.models import User
from sokoni.accounts.phones import normalize_phone
from sokoni.accounts.selectors import user_by_phone
from sokoni.channels.auth import gateway_only
from sokoni.channels.models import InboundSms
from sokoni.channels.sms_commands import normalise, parse, sms_answer
from sokoni.core.errors import InvalidInput
from sokoni.messaging.outbound import sms_enqueue

log = logging.getLogger(__name__)

MAX_TEXT = 1600
MAX_ID = 100


def _language_of(user: User | None) -> str:
    if user is not None and user.language in dict(settings.LANGUAGES):
        return user.language
    return settings.LANGUAGE_CODE


def _field(value: str, limit: int) -> str:
    return normalise(value)[:limit]


def sms_receive(
    *, provider_id: str, sender: str, text: str, to: str = "", link_id: str = "", sent_at: str = ""
) -> InboundSms | None:
    """Keep an inbound message, run its command and queue the reply; None for a replayed id.

    Not in a transaction of its own: the message row is committed first (that claims the id,
    so a concurrent replay stops at the unique constraint), then the command runs through the
    services, each with its own transactions (``pin_check`` must not be nested in one).
    """
    parsed = parse(text)
    try:
        with transaction.atomic():
            message = InboundSms.objects.create(
                provider_id=provider_id,
                sender=sender,
                to=to,
                text=parsed.redacted(text),
                link_id=link_id,
                sent_at=sent_at,
                command=parsed.command or "",
            )
    except IntegrityError:
        return None
    user = user_by_phone(sender)
    with translation.override(_language_of(user)):
        try:
            reply = sms_answer(parsed, user=user)
        except Exception:
            log.exception("inbound SMS %s: the command failed", message.pk)
            reply = _("Sorry, that did not work. Please try again later.")
    InboundSms.objects.filter(pk=message.pk).update(reply=reply)
    message.reply = reply
    try:
        sms_enqueue(to=sender, body=reply, dedupe_key=f"sms-in:{provider_id}")
    except InvalidInput:
        log.warning("inbound SMS %s: no reply can be sent to the sender", message.pk)
    return message


def _bad(reason: str) -> HttpResponse:
    return HttpResponse(reason, status=400, content_type="text/plain")


@csrf_exempt  # the gateway authenticates with a shared secret or its address instead
@require_POST
@gateway_only
def sms_inbound(request: HttpRequest) -> HttpResponse:
    data = request.POST
    missing = [name for name in ("from", "id", "text") if name not in data]
    if missing:
        return _bad(f"Missing field: {', '.join(missing)}")
    provider_id = _field(data["id"], MAX_ID + 1)
    if not provider_id or len(provider_id) > MAX_ID:
        return _bad("Field id must hold 1 to 100 characters")
    try:
        sender = normalize_phone(_field(data["from"], 40))
    except ValidationError:
        return _bad("Field from must be a phone number in E.164")
    sms_receive(
        provider_id=provider_id,
        sender=sender,
        text=_field(data["text"], MAX_TEXT),
        to=_field(data.get("to", ""), 20),
        link_id=_field(data.get("linkId", ""), 100),
        sent_at=_field(data.get("date", ""), 40),
    )
    return HttpResponse("OK", content_type="text/plain")
