"""Money: integer minor units, real currency decimals, locale formatting."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sokoni.core.money import (
    CurrencyMismatch,
    InvalidAmount,
    Money,
    currency_exponent,
    format_money,
)
from sokoni.core.text import clean_query, parse_positive_int


@pytest.mark.parametrize(
    ("currency", "exponent"),
    [("KES", 2), ("KRW", 0), ("CNY", 2), ("CVE", 2), ("USD", 2), ("BHD", 3)],
)
def test_currency_exponent_is_the_real_number_of_decimals(currency, exponent):
    assert currency_exponent(currency) == exponent


def test_parse_refuses_more_decimals_than_the_currency_has():
    """KRW has no minor unit: 1200.5 won is refused, 1200 won is 1200 minor units."""
    assert Money.from_decimal_string("1200", "KRW") == Money(1200, "KRW")
    assert Money.from_decimal_string("12.50", "KES") == Money(1250, "KES")
    with pytest.raises(InvalidAmount):
        Money.from_decimal_string("1200.5", "KRW")
    with pytest.raises(InvalidAmount):
        Money.from_decimal_string("1.234", "KES")


@pytest.mark.parametrize("text", ["abc", "", "NaN", "Infinity", "1e", "--1"])
def test_parse_refuses_non_numbers(text):
    with pytest.raises(InvalidAmount):
        Money.from_decimal_string(text, "KES")


def test_money_refuses_floats_unknown_currencies_and_mixing():
    with pytest.raises(InvalidAmount):
        Money(12.5, "KES")  # type: ignore[arg-type]
    with pytest.raises(InvalidAmount):
        Money(100, "XYZ")
    with pytest.raises(CurrencyMismatch):
        Money(100, "KES") + Money(100, "USD")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "KES12.50"), ("sw", "Ksh\xa012.50"), ("fr", "12,50\xa0KES"), ("es", "12,50\xa0KES")],
)
def test_format_follows_the_readers_locale(language, expected):
    assert format_money(1250, "KES", language) == expected


def test_format_krw_has_no_decimals():
    assert format_money(12000, "KRW", "ko") == "₩12,000"


@given(
    st.integers(min_value=-(10**13), max_value=10**13),
    st.sampled_from(["KES", "KRW", "INR", "BHD"]),
)
def test_decimal_round_trip_is_exact(minor, currency):
    """Any amount survives minor -> decimal text -> minor unchanged."""
    money = Money(minor, currency)
    assert Money.from_decimal_string(str(money.to_decimal()), currency) == money


@given(st.text(max_size=20_000))
def test_clean_query_is_bounded_and_has_no_control_characters(text):
    cleaned = clean_query(text)
    assert len(cleaned) <= 200
    assert not any(ord(c) < 32 or ord(c) == 127 for c in cleaned)


@pytest.mark.parametrize(
    ("raw", "expected"), [("abc", 1), ("-3", 1), ("0", 1), ("7", 7), (None, 1), ("9" * 50, 1000)]
)
def test_parse_positive_int_never_fails(raw, expected):
    assert parse_positive_int(raw, 1, maximum=1000) == expected


@pytest.mark.parametrize(
    ("text", "language", "minor"),
    [
        ("12.50", "en", 1250),
        ("1,500", "en", 150000),
        ("12,50", "es", 1250),
        ("1.234,56", "es", 123456),
        ("12,50", "fr", 1250),
        ("1 500,50", "fr", 150050),
        ("12.50", "fr", 1250),
        ("12.50", "es", 1250),
    ],
)
def test_amounts_are_read_in_the_readers_locale(text, language, minor):
    """A comma is a decimal mark in Spanish and French, a thousands mark in English."""
    assert Money.from_decimal_string(text, "KES", language) == Money(minor, "KES")


def test_ambiguous_comma_is_refused_not_guessed():
    """'12,50' typed in English could be 12.50 or 1250: refused rather than guessed."""
    with pytest.raises(InvalidAmount):
        Money.from_decimal_string("12,50", "KES", "en")


@pytest.mark.parametrize("text", ["1e999999", "9" * 39, "-1e-999999"])
def test_huge_or_exponent_amounts_are_refused_cleanly(text):
    with pytest.raises(InvalidAmount):
        Money.from_decimal_string(text, "KES", "en")
