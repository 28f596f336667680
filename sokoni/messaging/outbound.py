"""Sending text messages: any app queues one with ``sms_enqueue``; a task sends it.

Messages are cut to fit ``SMS_MAX_SEGMENTS`` (2) before they are stored, so what is stored is
what is paid for. The provider is called by a background task, never inside a transaction; a
failure is retried with exponential backoff (30 s, 1, 2, 4 minutes), and after
``SMS_MAX_ATTEMPTS`` the message is marked failed. A task run twice sends once: the message is
claimed with a conditional update before the provider is called.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Final

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from sokoni.core.errors import InvalidInput
from sokoni.core.tasks import defer
from sokoni.messaging.gateways import SmsGatewayError, sms_gateway
from sokoni.messaging.models import OutboundSms, SmsStatus
from sokoni.messaging.segments import fit, segments
from sokoni.messaging.tasks import sms_send_task

E164: Final = re.compile(r"\+[1-9][0-9]{6,14}")
BACKOFF_SECONDS: Final = 30
# A message still queued this long after it was queued, or after its retry time, has lost its
# task (the queue was down, a worker died): the sweep sends it.
LOST_AFTER: Final = timedelta(minutes=2)


def sms_enqueue(*, to: str, body: str, dedupe_key: str = "", secret: str = "") -> OutboundSms:
    """Queue a text message to an E.164 number; the same ``dedupe_key`` is queued only once.
    ``secret`` (a code the text carries) is masked in the stored text once it has left."""
    if not E164.fullmatch(to):
        raise InvalidInput(field="to")
    text = fit(" ".join(body.split()), settings.SMS_MAX_SEGMENTS)
    if not text:
        raise InvalidInput(field="body")
    size = segments(text)
    # A key already queued fails the unique constraint (one query less than looking it up
    # first, on the common path of a new message).
    try:
        with transaction.atomic():
            sms = OutboundSms.objects.create(
                to=to,
                body=text,
                encoding=size.encoding,
                segments=size.count,
                dedupe_key=dedupe_key[:120],
                secret=secret[:20] if secret and secret in text else "",
            )
            defer(sms_send_task, sms.pk)
    except IntegrityError:
        if not dedupe_key:
            raise
        return OutboundSms.objects.get(dedupe_key=dedupe_key[:120])
    return sms


def sms_send(*, sms_id: int) -> OutboundSms | None:
    """Send a queued message once; on a provider failure, schedule a retry or give up."""
    claimed = OutboundSms.objects.filter(pk=sms_id, status=SmsStatus.QUEUED).update(
        status=SmsStatus.SENDING
    )
    sms = OutboundSms.objects.filter(pk=sms_id).first()
    if not claimed or sms is None:
        return sms
    attempts = sms.attempts + 1
    try:
        message_id = sms_gateway().send(to=sms.to, body=sms.body)
    except SmsGatewayError as error:
        final = not error.retryable or attempts >= settings.SMS_MAX_ATTEMPTS
        retry_at = timezone.now() + timedelta(seconds=BACKOFF_SECONDS * 2 ** (attempts - 1))
        with transaction.atomic():
            OutboundSms.objects.filter(pk=sms.pk, status=SmsStatus.SENDING).update(
                status=SmsStatus.FAILED if final else SmsStatus.QUEUED,
                attempts=attempts,
                last_error=str(error)[:300],
                next_attempt_at=None if final else retry_at,
                **(_masked(sms) if final else {}),
            )
            if not final:
                defer(sms_send_task, sms.pk, run_after=retry_at)
    else:
        OutboundSms.objects.filter(pk=sms.pk, status=SmsStatus.SENDING).update(
            status=SmsStatus.SENT,
            attempts=attempts,
            provider_message_id=message_id[:100],
            sent_at=timezone.now(),
            next_attempt_at=None,
            **_masked(sms),
        )
    sms.refresh_from_db()
    return sms


def sms_send_due(*, now: datetime | None = None) -> int:
    """Send the messages whose task was lost (``manage.py sms_due``, a sweep of the clock);
    return how many were tried. Safe beside the tasks: ``sms_send`` claims each message first,
    so a message is sent once even when its task turns up late."""
    moment = now or timezone.now()
    lost = OutboundSms.objects.filter(status=SmsStatus.QUEUED).filter(
        Q(next_attempt_at__isnull=True, created_at__lte=moment - LOST_AFTER)
        | Q(next_attempt_at__lte=moment - LOST_AFTER)
    )
    ids = list(lost.order_by("pk").values_list("pk", flat=True)[:500])
    for sms_id in ids:
        sms_send(sms_id=sms_id)
    return len(ids)


def _masked(sms: OutboundSms) -> dict[str, str]:
    """The fields that hide a message's secret once it needs keeping no more."""
    if not sms.secret:
        return {}
    return {"body": sms.body.replace(sms.secret, "*" * len(sms.secret)), "secret": ""}
