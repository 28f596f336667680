"""Book and poll the export parcels whose courier task was lost (the queue was down, a worker
died).

Booking is queued when an export is paid, and each poll queues the next; this sweep (the clock
runs it every few minutes) makes sure no parcel waits forever for a booking whose task never
ran, and that a booked parcel is still asked after when its chain of polls broke.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sokoni.logistics.courier import courier_book_due, courier_poll_due


class Command(BaseCommand):
    help = "Book export parcels, and poll booked ones, whose courier task was lost."

    def handle(self, *args: Any, **options: Any) -> None:
        booked = courier_book_due()
        polled = courier_poll_due()
        self.stdout.write(f"booked {booked} lost parcel(s), polled {polled} parcel(s)")
