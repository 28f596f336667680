"""Exchange rates: the ECB's CSV, and conversions with exact decimals and the rate used."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sokoni.core.money import Money
from sokoni.payments.fx import FxFileInvalid, FxRateMissing, fx_convert, fx_import_ecb
from sokoni.payments.models import FxRate

pytestmark = pytest.mark.django_db

DAILY = (
    "Date, USD, JPY, GBP, INR, KRW, CNY, ZAR, \n"
    "27 November 2026, 1.0550, 158.02, 0.8342, 89.1250, 1468.32, 7.6400, N/A, \n"
)
HISTORY = "Date,USD,KRW,\n2026-11-26,1.0500,1460.00,\n2026-11-25,1.0400,1450.00,\n"


def test_the_daily_file_is_imported_with_exact_rates_and_na_skipped():
    count = fx_import_ecb(DAILY)
    assert count == 6
    usd = FxRate.objects.get(quote="USD")
    assert (usd.base, usd.rate, usd.source, usd.as_of) == (
        "EUR",
        Decimal("1.0550"),
        "ECB",
        date(2026, 11, 27),
    )
    assert not FxRate.objects.filter(quote="ZAR").exists()


def test_the_historical_file_and_a_second_import_replace_rather_than_duplicate():
    fx_import_ecb(HISTORY)
    fx_import_ecb(HISTORY.replace("1.0500", "1.0510"))
    assert FxRate.objects.count() == 4
    assert FxRate.objects.get(quote="USD", as_of=date(2026, 11, 26)).rate == Decimal("1.0510")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hello, world\n",
        "Date, USD\n27 November 2026, abc\n",
        "Date, USD\n27 November 2026, -1\n",
        "Date, USD\nyesterday, 1.05\n",
        "Date, XYZ\n27 November 2026, 1.05\n",
        "Date, USD\n",
    ],
)
def test_a_malformed_file_is_refused_whole(text):
    fx_import_ecb(HISTORY)
    with pytest.raises(FxFileInvalid):
        fx_import_ecb(text)
    assert FxRate.objects.count() == 4


def test_conversions_go_direct_inverse_or_across_the_euro():
    """USD to KRW crosses the euro; the result is rounded half-up in the target's minor units."""
    fx_import_ecb(DAILY)
    # direct: 100.00 EUR -> 105.50 USD
    assert fx_convert(Money(10_000, "EUR"), "USD").money == Money(10_550, "USD")
    # inverse: 105.50 USD -> 100.00 EUR
    assert fx_convert(Money(10_550, "USD"), "EUR").money == Money(10_000, "EUR")
    # cross: 10.00 USD -> 10 * 1468.32 / 1.0550 = 13917.72... KRW (no minor units) -> 13918
    conversion = fx_convert(Money(1_000, "USD"), "KRW")
    assert conversion.money == Money(13_918, "KRW")
    assert conversion.rate == Decimal("1468.32") / Decimal("1.0550")
    assert (conversion.source, conversion.as_of) == ("ECB", date(2026, 11, 27))


def test_the_rate_of_a_day_is_the_latest_on_or_before_it():
    fx_import_ecb(HISTORY)
    assert fx_convert(Money(10_000, "EUR"), "USD", on=date(2026, 11, 25)).money == Money(
        10_400, "USD"
    )
    assert fx_convert(Money(10_000, "EUR"), "USD").money == Money(10_500, "USD")


def test_a_missing_rate_is_a_clear_refusal():
    fx_import_ecb(DAILY)
    with pytest.raises(FxRateMissing):
        fx_convert(Money(10_000, "KES"), "USD")


def test_staff_rates_for_currencies_the_ecb_does_not_publish():
    """KES per EUR entered by staff converts a Kenyan price for a buyer in London."""
    fx_import_ecb(DAILY)
    FxRate.objects.create(
        base="EUR", quote="KES", rate=Decimal("140.00"), source="staff", as_of=date(2026, 11, 27)
    )
    conversion = fx_convert(Money(155_000, "KES"), "GBP")  # KSh 1,550.00
    assert conversion.money == Money(924, "GBP")  # 1550 / 140 * 0.8342 = 9.2359 -> 9.24
    assert conversion.source == "cross"


def test_the_command_imports_a_file_and_refuses_a_bad_one(tmp_path):
    good, bad = tmp_path / "eurofxref.csv", tmp_path / "bad.csv"
    good.write_text(DAILY)
    bad.write_text("not a rates file")
    call_command("import_fx_rates", str(good))
    assert FxRate.objects.count() == 6
    with pytest.raises(CommandError):
        call_command("import_fx_rates", str(bad))
    with pytest.raises(CommandError):
        call_command("import_fx_rates", str(tmp_path / "missing.csv"))
    assert FxRate.objects.count() == 6
