"""Background tasks of logistics: thin and idempotent (load by id, call a service)."""

from __future__ import annotations

from django_tasks import task


@task()
def pickup_return_task(pickup_id: int) -> None:
    """Send an uncollected parcel back and refund its order when its wait is over."""
    from sokoni.logistics.services import pickup_return

    pickup_return(pickup_id=pickup_id)


@task()
def plan_runs_task(hub_id: int, day_iso: str) -> None:
    """Plan an open hub's runs of one day (queued by ``runs_schedule_daily``); planning a day
    again replaces its plan, so a repeated or late run is harmless."""
    import datetime as dt

    from sokoni.logistics.runs import runs_plan
    from sokoni.shipping.models import Hub

    hub = Hub.objects.filter(pk=hub_id, is_active=True).first()
    if hub is None:
        return
    runs_plan(hub=hub, day=dt.date.fromisoformat(day_iso))


@task()
def courier_book_task(shipment_id: int, attempt: int = 1) -> None:
    """Book a paid export parcel with its international courier (after the payment commits)."""
    from sokoni.logistics.courier import courier_book

    courier_book(shipment_id=shipment_id, attempt=attempt)


@task()
def courier_poll_task(shipment_id: int, round_number: int = 1) -> None:
    """Ask the courier about a booked export, in case its webhooks were lost; queues the next."""
    from sokoni.logistics.courier import courier_poll_round

    courier_poll_round(shipment_id=shipment_id, round_number=round_number)
