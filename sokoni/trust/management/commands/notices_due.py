"""Text the readers of buyer-seller messages whose notice task was lost (the queue was down, a
worker died).

A message to someone with a web password queues a task that texts them if it is still unread
after MESSAGE_SMS_NOTICE_MINUTES; this sweep (the clock runs it every few minutes) makes sure
that notice still goes when the task never ran.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from sokoni.trust.messages import message_notices_due


class Command(BaseCommand):
    help = "Text the readers of unread messages whose notice task was lost."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"queued {message_notices_due()} lost notice(s)")
