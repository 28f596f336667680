"""Validation of free text at the edge: no control or hidden characters, bounded length."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_WORD = re.compile(r"[\W_]+")


def address_key(address: str) -> str:
    """Return an address reduced to compare equal however it was typed.

    Case, composed forms, punctuation and spacing are ignored: "Plot 12, Kiambu Rd." and
    "plot 12 kiambu rd" give the same key. An empty address gives an empty key.
    """
    folded = unicodedata.normalize("NFKC", address).casefold()
    return " ".join(_NOT_WORD.sub(" ", folded).split())


# Control characters (but tab and newlines) and the bidirectional overrides and isolates that
# can make a text read differently from what it holds.
_HIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def clean_query(text: str | None, max_length: int = 200) -> str:
    """Normalise a search query: drop control characters, collapse spaces, cut to a bound."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", text)
    text = " ".join(text.split())
    return text[:max_length]


def validate_no_control_characters(value: str) -> None:
    """Refuse text holding control characters other than tab and newlines."""
    if _CONTROL.search(value or ""):
        raise ValidationError(_("Remove the control characters from this text."), code="control")


def has_hidden_characters(value: str) -> bool:
    """Whether the text holds control characters (but tab and newlines) or bidirectional
    override and isolate characters (which can make it read differently from what it holds)."""
    return bool(_HIDDEN.search(value or ""))


def validate_no_hidden_characters(value: str) -> None:
    """Refuse text holding control characters or bidirectional overrides and isolates."""
    if has_hidden_characters(value):
        raise ValidationError(
            _("Remove the hidden control characters from the text."), code="hidden"
        )


def parse_positive_int(value: str | None, default: int, maximum: int | None = None) -> int:
    """Parse a query parameter such as ?page=; anything malformed gives the default."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return default
    if number < 1:
        return default
    if maximum is not None:
        return min(number, maximum)
    return number
