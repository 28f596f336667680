"""What the feature-phone channels keep: USSD sessions and inbound text messages."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UssdSession(models.Model):
    """One USSD session: its phone, where the menu is, and the last answer given.

    The gateway sends every input of the session so far joined by ``*``; the last request and
    answer are kept so that a retried hop gets the same answer and changes nothing again.
    """

    session_id = models.CharField(max_length=100, unique=True)
    phone = models.CharField(max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    state = models.JSONField(default=dict)
    last_text = models.TextField(blank=True)
    last_reply = models.TextField(blank=True)
    hops = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("USSD session")
        verbose_name_plural = _("USSD sessions")

    def __str__(self) -> str:
        return self.session_id


class InboundSms(models.Model):
    """A text message received from the gateway, kept once per provider message id."""

    provider_id = models.CharField(max_length=100, unique=True)
    sender = models.CharField(max_length=20)
    to = models.CharField(max_length=20, blank=True)
    text = models.TextField(max_length=1600)
    link_id = models.CharField(max_length=100, blank=True)
    sent_at = models.CharField(max_length=40, blank=True)  # as the gateway wrote it
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    command = models.CharField(max_length=20, blank=True)
    reply = models.TextField(blank=True)

    class Meta:
        verbose_name = _("inbound text message")
        verbose_name_plural = _("inbound text messages")
        ordering = ["-received_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.provider_id} from {self.sender}"
