"""Base models shared by every app."""

from typing import Any

from django.db import models


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
