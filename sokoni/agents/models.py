"""What the operator area keeps of its own: the cash counted at the end of a day, and the
requests to become someone's home centre, each waiting for the code texted to that person."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sokoni.agents.states import AttachStatus
from sokoni.core.models import AppendOnlyModel
from sokoni.core.text import validate_no_control_characters
from sokoni.villages.models import ServiceCentre


class CashCount(AppendOnlyModel):
    """The cash an operator counted for one day, next to what the ledger says they took.

    Append-only: a recount is a new row, so the history of counts (and of differences) stays.
    ``ledger_minor`` and ``difference_minor`` are a snapshot at the time of counting.
    """

    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="cash_counts",
        verbose_name=_("operator"),
    )
    centre = models.ForeignKey(
        ServiceCentre,
        on_delete=models.PROTECT,
        related_name="cash_counts",
        verbose_name=_("service centre"),
    )
    day = models.DateField(_("day"))
    currency = models.CharField(_("currency"), max_length=3)
    counted_minor = models.BigIntegerField(_("cash counted"))
    ledger_minor = models.BigIntegerField(_("cash taken per ledger"))
    difference_minor = models.BigIntegerField(_("difference"))
    note = models.CharField(
        _("note"), max_length=300, blank=True, validators=[validate_no_control_characters]
    )
    created_at = models.DateTimeField(_("counted at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("cash count")
        verbose_name_plural = _("cash counts")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(counted_minor__gte=0), name="cash_count_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    difference_minor=models.F("counted_minor") - models.F("ledger_minor")
                ),
                name="cash_count_difference_adds_up",
            ),
        ]
        indexes = [
            models.Index(fields=["operator", "day", "-created_at"], name="cash_count_by_day"),
        ]

    def __str__(self) -> str:
        return f"cash count of {self.operator_id} on {self.day}"

    @property
    def difference_size_minor(self) -> int:
        """How far the count is from the ledger, either way."""
        return abs(self.difference_minor)


class AttachRequest(models.Model):
    """An operator asks to make their centre the home of someone who already has an account.

    Once attached, the operator may order in that person's name and reset their PIN, so the
    person must agree: a 6-digit code is texted to their phone and they read it out at the
    counter. Only the code's keyed digest is kept, bound to the centre, the operator and the
    person. At most one request per centre and person is pending; a new one replaces it. The
    rows stay as the record of who asked, when, and how it ended.
    """

    centre = models.ForeignKey(
        ServiceCentre,
        on_delete=models.PROTECT,
        related_name="attach_requests",
        verbose_name=_("service centre"),
    )
    villager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("villager"),
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("operator"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=AttachStatus.choices, default=AttachStatus.PENDING
    )
    code_salt = models.CharField(max_length=32)
    code_digest = models.CharField(max_length=64)
    failures = models.PositiveSmallIntegerField(_("wrong codes"), default=0)
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)
    expires_at = models.DateTimeField(_("code expires at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attach request")
        verbose_name_plural = _("attach requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "villager"],
                condition=models.Q(status=AttachStatus.PENDING),
                name="attach_request_one_pending",
            ),
        ]
        indexes = [
            models.Index(fields=["villager", "created_at"], name="attach_request_by_villager"),
            models.Index(fields=["operator", "created_at"], name="attach_request_by_operator"),
        ]

    def __str__(self) -> str:
        return f"attach {self.villager_id} to {self.centre_id}: {self.status}"
