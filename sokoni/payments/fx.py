"""Exchange rates: importing the European Central Bank's CSV, and converting money.

Rates are kept as exact decimals with their source and date. A conversion goes direct when a
rate for the pair (or its inverse) exists, else across a shared base (the ECB's are all
against EUR); the result is rounded half-up to the target currency's minor units.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from sokoni.core.errors import DomainError
from sokoni.core.money import Money, currency_exponent, is_known_currency
from sokoni.payments.models import FxRate

ECB = "ECB"


class FxFileInvalid(DomainError):
    code = "payments.fx_file_invalid"
    default_message = _("This is not a rates file in the European Central Bank's CSV format.")


class FxRateMissing(DomainError):
    code = "payments.fx_rate_missing"
    default_message = _("There is no exchange rate between these currencies.")


@dataclass(frozen=True)
class Conversion:
    """The converted amount and the exact rate used (quote units per base unit)."""

    money: Money
    rate: Decimal
    source: str
    as_of: date


def _parse_day(text: str) -> date:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise FxFileInvalid(line=text[:40])


def parse_ecb_csv(text: str) -> list[tuple[date, str, Decimal]]:
    """Read the ECB's daily or historical CSV: (day, currency, units per euro), N/A skipped."""
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if len(rows) < 2 or rows[0][0].strip().lower() != "date":
        raise FxFileInvalid()
    currencies = [cell.strip() for cell in rows[0][1:]]
    out: list[tuple[date, str, Decimal]] = []
    for row in rows[1:]:
        day = _parse_day(row[0])
        for currency, cell in zip(currencies, row[1:], strict=False):
            value = cell.strip()
            if not currency or not value or value.upper() == "N/A":
                continue
            if not is_known_currency(currency):
                raise FxFileInvalid(currency=currency[:10])
            try:
                rate = Decimal(value)
            except InvalidOperation as exc:
                raise FxFileInvalid(value=value[:20]) from exc
            if not rate.is_finite() or rate <= 0:
                raise FxFileInvalid(value=value[:20])
            out.append((day, currency, rate))
    if not out:
        raise FxFileInvalid()
    return out


@transaction.atomic
def fx_import_ecb(text: str) -> int:
    """Store the rates of an ECB file (EUR to each currency); a day already stored is replaced.

    All or nothing: a malformed line refuses the whole file.
    """
    rates = parse_ecb_csv(text)
    for day, currency, rate in rates:
        FxRate.objects.update_or_create(
            base="EUR", quote=currency, source=ECB, as_of=day, defaults={"rate": rate}
        )
    return len(rates)


def _latest(base: str, quote: str, on: date | None) -> FxRate | None:
    rates = FxRate.objects.filter(base=base, quote=quote)
    if on is not None:
        rates = rates.filter(as_of__lte=on)
    return rates.order_by("-as_of", "-pk").first()


def fx_rate(base: str, quote: str, on: date | None = None) -> tuple[Decimal, str, date]:
    """The rate from base to quote (latest on or before ``on``): direct, inverse or via EUR."""
    if base == quote:
        return Decimal(1), "identity", on or date.today()  # noqa: DTZ011 - a calendar date
    direct = _latest(base, quote, on)
    if direct is not None:
        return direct.rate, direct.source, direct.as_of
    inverse = _latest(quote, base, on)
    if inverse is not None:
        return Decimal(1) / inverse.rate, inverse.source, inverse.as_of
    if "EUR" not in (base, quote):
        to_base, to_quote = _latest("EUR", base, on), _latest("EUR", quote, on)
        if to_base is not None and to_quote is not None:
            return (
                to_quote.rate / to_base.rate,
                to_base.source if to_base.source == to_quote.source else "cross",
                min(to_base.as_of, to_quote.as_of),
            )
    raise FxRateMissing(base=base, quote=quote)


def fx_convert(money: Money, to: str, on: date | None = None) -> Conversion:
    """Convert an amount, rounding half-up to the target's minor units, with the rate used."""
    rate, source, as_of = fx_rate(money.currency, to, on)
    exact = money.to_decimal() * rate
    minor = (exact.scaleb(currency_exponent(to))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return Conversion(Money(int(minor), to), rate, source, as_of)
