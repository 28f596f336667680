"""Payouts: money leaves a seller's wallet for their mobile-money number.

Requesting moves the amount from the wallet into "payouts in transit" at once (so it cannot be
paid out twice); the provider is called afterwards by a task, outside any transaction. If the
provider refuses, the money goes back to the wallet; if it accepts, it leaves the platform.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sokoni.accounts.models import User
from sokoni.accounts.phones import normalize_phone
from sokoni.core.errors import InvalidInput
from sokoni.core.money import Money, format_money
from sokoni.core.tasks import defer
from sokoni.messaging.outbound import sms_enqueue
from sokoni.payments.codes import PAYOUTS_IN_TRANSIT, payout_clearing, wallet_of
from sokoni.payments.errors import PayoutInvalid, ProviderUnavailable
from sokoni.payments.gateways import payout_gateway
from sokoni.payments.models import AccountKind, Payout, PayoutEvent
from sokoni.payments.services.ledger import Line, journal_post
from sokoni.payments.states import PAYOUT_TRANSITIONS, PayoutStatus
from sokoni.payments.tasks import payout_send_task

# The provider reference of a payout being sent (claimed by one worker, no answer yet).
SENDING = "sending:"
# A payout still requested this long after it was requested has lost its task.
LOST_AFTER = timedelta(minutes=2)
log = logging.getLogger(__name__)


@transaction.atomic
def payout_request(*, owner: User, amount: Money, phone: str) -> Payout:
    """Take ``amount`` from the owner's wallet and send it to ``phone`` (stored in E.164).

    Raises ``InsufficientFunds`` when the wallet holds less; nothing is then written.
    """
    if amount.minor <= 0:
        raise PayoutInvalid(_("Enter an amount above zero."), field="amount")
    try:
        phone = normalize_phone(phone)
    except ValidationError as error:
        raise PayoutInvalid(error.messages[0], field="phone") from error
    payout = Payout.objects.create(
        owner=owner,
        amount_minor=amount.minor,
        currency=amount.currency,
        phone=phone,
        provider=payout_gateway().code,
    )
    journal_post(
        idempotency_key=f"payout:{payout.pk}:request",
        lines=[
            Line(wallet_of(owner.pk), AccountKind.WALLET, amount.currency, -amount.minor, owner),
            Line(PAYOUTS_IN_TRANSIT, AccountKind.PAYOUT, amount.currency, amount.minor),
        ],
        description=f"Payout {payout.pk} to {phone}",
        reference=f"payout:{payout.pk}",
    )
    PayoutEvent.objects.create(payout=payout, to_status=payout.status, actor=owner)
    defer(payout_send_task, payout.pk)
    return payout


def payout_send(*, payout_id: int) -> Payout:
    """Call the payout provider for a requested payout and record what it said. Idempotent.

    The payout is claimed before the provider is called (a conditional update of its empty
    provider reference), so a task delivered twice, or two workers, never send the money
    twice. A provider that could not be reached releases the claim for a retry; a claim whose
    answer was lost otherwise (a crash) leaves the payout "sending" for a person to reconcile
    with the provider, which is safer than paying twice.
    """
    payout = Payout.objects.get(pk=payout_id)
    if payout.status != PayoutStatus.REQUESTED:
        return payout
    claim = f"{SENDING}{secrets.token_hex(8)}"
    claimed = Payout.objects.filter(
        pk=payout.pk, status=PayoutStatus.REQUESTED, provider_ref=""
    ).update(provider_ref=claim)
    if claimed != 1:
        return Payout.objects.get(pk=payout.pk)
    try:
        result = payout_gateway().send(payout)
    except ProviderUnavailable:
        Payout.objects.filter(pk=payout.pk, provider_ref=claim).update(provider_ref="")
        raise
    return payout_settle(
        payout_id=payout.pk, ok=result.ok, provider_ref=result.provider_ref, message=result.message
    )


def payouts_send_due(*, now: datetime | None = None) -> int:
    """Send the requested payouts whose task was lost (``manage.py payouts_due``, a sweep of
    the clock); return how many were tried. Only payouts nobody has claimed are taken (a claim
    whose answer was lost stays for a person, see ``payout_send``)."""
    moment = now or timezone.now()
    lost = Payout.objects.filter(
        status=PayoutStatus.REQUESTED, provider_ref="", created_at__lte=moment - LOST_AFTER
    )
    ids = list(lost.order_by("pk").values_list("pk", flat=True)[:200])
    for payout_id in ids:
        try:
            payout_send(payout_id=payout_id)
        except ProviderUnavailable:
            log.warning("payout %s: the provider could not be reached", payout_id)
    return len(ids)


@transaction.atomic
def payout_settle(*, payout_id: int, ok: bool, provider_ref: str, message: str = "") -> Payout:
    """Record the provider's answer: the money leaves, or returns to the wallet. Once."""
    payout = Payout.objects.select_for_update().get(pk=payout_id)
    to = PayoutStatus.PAID if ok else PayoutStatus.FAILED
    if to not in PAYOUT_TRANSITIONS[PayoutStatus(payout.status)]:
        return payout
    moved = Payout.objects.filter(pk=payout.pk, status=payout.status).update(
        status=to,
        status_changed_at=timezone.now(),
        provider_ref=provider_ref[:64],
        failure_message=message[:200],
    )
    if moved != 1:
        return payout
    money = payout.amount_minor
    transit = Line(PAYOUTS_IN_TRANSIT, AccountKind.PAYOUT, payout.currency, -money)
    if ok:
        other = Line(payout_clearing(payout.provider), AccountKind.CLEARING, payout.currency, money)
        key, words = f"payout:{payout.pk}:sent", f"Payout {payout.pk} sent"
    else:
        other = Line(
            wallet_of(payout.owner_id), AccountKind.WALLET, payout.currency, money, payout.owner
        )
        key, words = f"payout:{payout.pk}:returned", f"Payout {payout.pk} failed, returned"
    journal_post(
        idempotency_key=key,
        lines=[transit, other],
        description=words,
        reference=f"payout:{payout.pk}",
    )
    PayoutEvent.objects.create(
        payout=payout, from_status=payout.status, to_status=to, note=message[:300]
    )
    payout.refresh_from_db()
    _tell_owner(payout)
    return payout


def _tell_owner(payout: Payout) -> None:
    """Text the seller what became of their payout, in their language (never blocks it)."""
    owner = payout.owner
    language = owner.language or "en"
    with translation.override(language):
        amount = format_money(payout.amount_minor, payout.currency, language)
        if payout.status == PayoutStatus.PAID:
            body = _("Sokoni: %(amount)s was sent to your phone %(phone)s.") % {
                "amount": amount,
                "phone": payout.phone,
            }
        else:
            body = _(
                "Sokoni: sending %(amount)s to %(phone)s failed; the money is back in your wallet."
            ) % {
                "amount": amount,
                "phone": payout.phone,
            }
    try:
        sms_enqueue(to=owner.phone, body=body, dedupe_key=f"payout:{payout.pk}:{payout.status}")
    except InvalidInput:
        return
