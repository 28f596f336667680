"""Background tasks of the payments app: thin and idempotent (load by id, call a service).

Services are imported inside the tasks because the services enqueue these tasks.
"""

from __future__ import annotations

from django_tasks import task


@task()
def payment_expire_task(intent_id: int) -> None:
    """Give up on a payment that was not answered in time (after one last status query)."""
    from sokoni.payments.services.intents import payment_expire

    payment_expire(intent_id=intent_id)


@task()
def payout_send_task(payout_id: int) -> None:
    """Send a requested payout through the payout provider and record its answer."""
    from sokoni.payments.services.payouts import payout_send

    payout_send(payout_id=payout_id)


@task()
def payment_request_task(intent_id: int) -> None:
    """Call the provider for a payment opened where nobody may wait for it (a USSD hop)."""
    from sokoni.payments.models import PaymentIntent
    from sokoni.payments.services.intents import payment_request
    from sokoni.payments.states import PaymentStatus

    intent = PaymentIntent.objects.filter(
        pk=intent_id, status=PaymentStatus.PENDING, provider_ref=""
    ).first()
    if intent is not None:
        payment_request(intent=intent)
