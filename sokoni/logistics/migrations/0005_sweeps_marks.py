"""The sweeps' starting marks (a migration of its own: run in 0004's transaction, this update
would hold that migration's lock on the shipments table while it scanned them)."""

import django.utils.timezone
from django.db import migrations
from django.db.models import F, Max

# Shipment statuses a parcel ends in (logistics.states.FINISHED, as they were written here).
FINISHED = ("delivered", "returned", "cancelled")


def mark_what_is_due(apps, schema_editor):
    """Exports not booked yet are due for booking (a lost task is then recovered; a refusal is
    asked once more and logged again), and every day that has runs or leftovers has a plan."""
    Shipment = apps.get_model("logistics", "Shipment")
    Run = apps.get_model("logistics", "Run")
    RunLeftover = apps.get_model("logistics", "RunLeftover")
    PlannedDay = apps.get_model("logistics", "PlannedDay")
    Shipment.objects.filter(is_export=True, courier_tracking="").exclude(
        status__in=FINISHED
    ).update(courier_book_due_at=F("created_at"))
    planned = {
        (row["hub_id"], row["date"]): row["at"]
        for row in Run.objects.values("hub_id", "date").annotate(at=Max("planned_at")).order_by()
    }
    now = django.utils.timezone.now()
    for key in RunLeftover.objects.values_list("hub_id", "date").distinct().order_by():
        planned.setdefault(key, now)
    PlannedDay.objects.bulk_create(
        [PlannedDay(hub_id=h, date=d, planned_at=at) for (h, d), at in planned.items()],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("logistics", "0004_sweeps"),
    ]

    operations = [
        migrations.RunPython(mark_what_is_due, migrations.RunPython.noop),
    ]
