"""Domain errors carry a dotted code that each interface maps to its own message and status."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refused operation: nothing was changed.

    Subclasses set ``code`` (``"catalog.out_of_stock"``); interfaces map codes to HTTP statuses,
    form errors, USSD and SMS replies. ``message`` is a translatable text for people.
    """

    code: ClassVar[str] = "core.error"
    default_message: ClassVar[Any] = _("The request could not be completed.")

    def __init__(self, message: Any = None, *, field: str | None = None, **context: Any) -> None:
        self.message = message if message is not None else self.default_message
        self.field = field
        self.context = context
        super().__init__(str(self.message))


class NotFound(DomainError):
    code = "core.not_found"
    default_message = _("Not found.")


class PermissionDenied(DomainError):
    code = "core.permission_denied"
    default_message = _("You may not do that.")


class StaleState(DomainError):
    code = "core.stale_state"
    default_message = _("Someone else changed this first. Reload and try again.")


class InvalidInput(DomainError):
    code = "core.invalid_input"
    default_message = _("The input is not valid.")
