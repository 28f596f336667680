"""What the operator area keeps of its own: the cash counted at the end of a day."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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
