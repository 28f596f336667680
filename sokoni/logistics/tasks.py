"""Background tasks of logistics: thin and idempotent (load by id, call a service)."""

from __future__ import annotations

from django_tasks import task


@task()
def pickup_return_task(pickup_id: int) -> None:
    """Send an uncollected parcel back and refund its order when its wait is over."""
    from sokoni.logistics.services import pickup_return

    pickup_return(pickup_id=pickup_id)
