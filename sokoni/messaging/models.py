"""The SMS outbox: every text message the platform sends, with its attempts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SmsStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboundSms(models.Model):
    to = models.CharField(_("to"), max_length=20)
    body = models.TextField(_("text"), max_length=1000)
    encoding = models.CharField(_("encoding"), max_length=4)
    segments = models.PositiveSmallIntegerField(_("segments"))
    status = models.CharField(
        _("status"), max_length=8, choices=SmsStatus.choices, default=SmsStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    # The same notice is never queued twice (e.g. "order:12:shipped:buyer").
    dedupe_key = models.CharField(max_length=120, blank=True)
    # A code in the text (a pickup code) that is masked in ``body`` once the message has left
    # (or was given up), so that nobody reads it later in the outbox.
    secret = models.CharField(max_length=20, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("text message")
        verbose_name_plural = _("text messages")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"], condition=~models.Q(dedupe_key=""), name="sms_once"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=SmsStatus.values), name="sms_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"SMS {self.pk} to {self.to}"
