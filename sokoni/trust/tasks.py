"""Background tasks of the trust app: thin and idempotent (load by id, call a service)."""

from __future__ import annotations

from django_tasks import task


@task()
def message_notice_task(message_id: int) -> None:
    """Text the recipient of a message that is still unread (once per thread until read)."""
    from sokoni.trust.messages import message_notice_due

    message_notice_due(message_id=message_id)
