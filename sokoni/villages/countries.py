"""ISO 3166-1 alpha-2 countries, named by Babel in the reader's language."""

from __future__ import annotations

from functools import cache

from babel import Locale
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sokoni.core.money import babel_locale

# Codes Babel names that are not ISO 3166-1 countries: exceptional reservations, groupings,
# pseudo-locales. Kosovo (XK) stays: it is user-assigned but used everywhere.
_NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
)
COUNTRY_CODES: frozenset[str] = frozenset(
    code
    for code in map(str, Locale("en").territories)
    if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
)


@cache
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(babel_locale(language))
    except (ValueError, LookupError):
        return Locale("en")


def country_name(code: str, language: str | None = None) -> str:
    """Name an ISO 3166 country in a language (the active one when not given)."""
    locale = _locale(language or translation.get_language() or "en")
    return str(locale.territories.get(code.upper(), code))


@cache
def _choices(language: str) -> tuple[tuple[str, str], ...]:
    names = [(code, country_name(code, language)) for code in COUNTRY_CODES]
    return tuple(sorted(names, key=lambda pair: pair[1].casefold()))


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """(code, name) pairs sorted by name in the reader's language, for a select box."""
    return list(_choices(language or translation.get_language() or "en"))


def validate_country_code(value: str) -> None:
    """Refuse anything but an ISO 3166-1 alpha-2 code."""
    if value not in COUNTRY_CODES:
        raise ValidationError(_("Choose a country from the list."), code="country")
