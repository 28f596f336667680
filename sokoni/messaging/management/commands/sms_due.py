"""Send the text messages whose task was lost (the queue was down, a worker died).

Each message is queued with a task that sends it; this sweep (the clock runs it every minute)
makes sure none waits forever when that task never ran.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sokoni.messaging.outbound import sms_send_due


class Command(BaseCommand):
    help = "Send queued text messages whose sending task was lost."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"sent {sms_send_due()} lost message(s)")
