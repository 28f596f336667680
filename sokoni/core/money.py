"""Money as integer minor units plus an ISO 4217 code; never floats."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.core import Locale
from babel.numbers import NumberFormatError, format_currency, get_currency_precision, parse_decimal
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sokoni.core.errors import DomainError

# Typed amounts beyond this many major units are refused before any arithmetic.
MAX_MAJOR_UNITS = Decimal(10) ** 15


class CurrencyMismatch(DomainError):
    code = "core.currency_mismatch"


class InvalidAmount(DomainError):
    code = "core.invalid_amount"


def currency_exponent(currency: str) -> int:
    """Return the number of minor-unit decimals of a currency (KES 2, KRW 0, KHR 2)."""
    return int(get_currency_precision(currency))


def is_known_currency(code: str) -> bool:
    """Tell whether a three-letter code is a currency Babel knows."""
    return len(code) == 3 and code.isalpha() and code.isupper() and code in _KNOWN


_KNOWN: frozenset[str] = frozenset(Locale("en").currencies)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in integer minor units of one currency."""

    minor: int
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise InvalidAmount(message="Money needs an integer number of minor units.")
        if not is_known_currency(self.currency):
            raise InvalidAmount(message=f"Unknown currency {self.currency!r}.")

    @classmethod
    def from_decimal_string(cls, text: str, currency: str, language: str | None = None) -> Money:
        """Parse an amount typed by a person ("12.50", or "12,50" in French) into minor units.

        The reader's locale decides what a comma means; text that is ambiguous in it is refused
        rather than guessed, and so is text with more decimals than the currency has.
        """
        exponent = currency_exponent(currency)
        value = parse_amount(text, language or translation.get_language() or "en")
        if abs(value) >= MAX_MAJOR_UNITS:
            raise InvalidAmount(message=_("This amount is too large."))
        scaled = value.scaleb(exponent)
        if scaled != scaled.to_integral_value():
            if exponent == 0:
                text = _("%(currency)s has no decimal places: enter a whole amount.")
            else:
                text = ngettext(
                    "%(currency)s has %(count)d decimal place at most.",
                    "%(currency)s has %(count)d decimal places at most.",
                    exponent,
                )
            raise InvalidAmount(message=text % {"currency": currency, "count": exponent})
        return cls(int(scaled), currency)

    def to_decimal(self) -> Decimal:
        """Return the amount in major units, exactly."""
        return Decimal(self.minor).scaleb(-currency_exponent(self.currency))

    def format(self, locale: str = "en") -> str:
        """Format for a reader's locale with Babel ("KSh 1,250.00", "₩12,000")."""
        return format_money(self.minor, self.currency, locale)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(message=f"Cannot combine {self.currency} and {other.currency}.")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency)

    def __mul__(self, factor: int) -> Money:
        if not isinstance(factor, int):
            raise InvalidAmount(message="Money is multiplied by whole numbers only.")
        return Money(self.minor * factor, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency)

    def __str__(self) -> str:
        return f"{self.to_decimal()} {self.currency}"


def parse_amount(text: str, language: str) -> Decimal:
    """Read a decimal number in the reader's locale, or the plain "1234.50" form everyone knows."""
    compact = "".join(str(text or "").split())
    if not compact or len(compact) > 40:
        raise InvalidAmount(message=_("Enter an amount such as 12.50."))
    for locale in (babel_locale(language), "en"):
        try:
            value = parse_decimal(compact, locale=locale, strict=True)
        except (NumberFormatError, ValueError, ArithmeticError):
            continue
        if value.is_finite():
            return value
    raise InvalidAmount(message=_("Enter an amount such as 12.50."))


def babel_locale(language_code: str) -> str:
    """Map a Django language code to a Babel locale name ("zh-hans" -> "zh_Hans")."""
    special = {"zh-hans": "zh_Hans", "zh-hant": "zh_Hant"}
    return special.get(language_code.lower(), language_code.replace("-", "_"))


def format_money(minor: int, currency: str, language_code: str = "en") -> str:
    """Format minor units for a reader's language with the currency's real decimals."""
    amount = Decimal(minor).scaleb(-currency_exponent(currency))
    return str(format_currency(amount, currency, locale=babel_locale(language_code)))


def share(amount: int, numerator: int, denominator: int) -> int:
    """``amount * numerator / denominator`` in whole minor units, rounded half up (0 for 0/0)."""
    if denominator == 0:
        return 0
    exact = Decimal(amount) * Decimal(numerator) / Decimal(denominator)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
