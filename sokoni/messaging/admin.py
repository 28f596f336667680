"""The SMS outbox in the admin, read-only."""

from __future__ import annotations

from django.contrib import admin

from sokoni.core.admin_readonly import ReadOnlyAdmin
from sokoni.messaging.models import OutboundSms


@admin.register(OutboundSms)
class OutboundSmsAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "to", "status", "segments", "encoding", "attempts", "sent_at")
    list_filter = ("status", "encoding")
    search_fields = ("to", "dedupe_key", "provider_message_id")
