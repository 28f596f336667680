"""Background tasks of the orders app: thin and idempotent (load by id, call a service)."""

from __future__ import annotations

from django_tasks import task


@task()
def checkout_expire_task(checkout_id: int) -> None:
    """Cancel a checkout not paid in time and return its stock."""
    from sokoni.orders.services.checkout import checkout_expire

    checkout_expire(checkout_id=checkout_id)


@task()
def order_auto_release_task(order_id: int) -> None:
    """Release a shipped order's escrow when its release date has come."""
    from sokoni.orders.services.lifecycle import order_auto_release

    order_auto_release(order_id=order_id)


@task()
def cash_due_notice_task(intent_id: int) -> None:
    """Text the buyer the reference and amount of a cash payment to make at a centre."""
    from sokoni.orders.notices import cash_due
    from sokoni.payments.models import PaymentIntent
    from sokoni.payments.states import PaymentStatus

    intent = PaymentIntent.objects.filter(pk=intent_id, status=PaymentStatus.PENDING).first()
    if intent is not None:
        cash_due(intent)


@task()
def dispute_escalate_task(dispute_id: int) -> None:
    """Escalate a dispute whose deadline has passed with nobody moving (does nothing else)."""
    from sokoni.orders.services.disputes import dispute_escalate

    dispute_escalate(dispute_id=dispute_id)
