"""Base models shared by every app."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyModel(models.Model):
    """A history row: written once, never updated or deleted (STYLE.md section 1.4).

    A subclass may name what a refused change raises by overriding ``refusal``.
    """

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise self.refusal()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise self.refusal()

    def refusal(self) -> Exception:
        return ValueError(f"{type(self).__name__} rows are append-only.")


class RequestKey(models.Model):
    """A form's one-time key, recorded with the action it came with (``core.request_keys``).

    The unique constraint is the guard: a replay of the same form by the same user cannot
    record the key again, so its action is skipped. Rows are pruned after a week.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="core_request_key_once_per_user")
        ]

    def __str__(self) -> str:
        return self.key
