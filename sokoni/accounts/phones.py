"""Phone numbers: parsed with phonenumbers, stored in E.164."""

from __future__ import annotations

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def normalize_phone(raw: str, region: str | None = None) -> str:
    """Return a phone number in E.164, or raise ValidationError with a clear message.

    Numbers written with a leading + are read as international; others in ``region``
    (the platform's default region when not given).
    """
    text = (raw or "").strip()
    if not text or len(text) > 32:
        raise ValidationError(
            _("Enter a valid phone number, such as +254 712 345 678."), code="phone"
        )
    try:
        number = phonenumbers.parse(text, region or settings.PHONE_DEFAULT_REGION)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(
            _("Enter a valid phone number, such as +254 712 345 678."), code="phone"
        ) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid phone number, such as +254 712 345 678."), code="phone"
        )
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def display_phone(e164: str) -> str:
    """Format an E.164 number for people ("+254 712 345678")."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
