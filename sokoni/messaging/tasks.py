"""Background tasks of the messaging app: thin and idempotent."""

from __future__ import annotations

from django_tasks import task


@task()
def sms_send_task(sms_id: int) -> None:
    """Send one queued text message (a retry of a sent one does nothing)."""
    from sokoni.messaging.outbound import sms_send

    sms_send(sms_id=sms_id)
