"""SMS segment counting: GSM-7, its extension table, UCS-2, and cutting notices to fit."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sokoni.messaging.segments import (
    GSM7_BASIC,
    GSM7_EXTENSION,
    PART,
    SINGLE,
    fit,
    segments,
)


@pytest.mark.parametrize(
    ("text", "encoding", "units", "count"),
    [
        ("", "gsm7", 0, 1),
        ("a" * 160, "gsm7", 160, 1),
        ("a" * 161, "gsm7", 161, 2),
        ("a" * 306, "gsm7", 306, 2),
        ("a" * 307, "gsm7", 307, 3),
        ("€" * 80, "gsm7", 160, 1),  # each extension character takes two septets
        ("€" * 81, "gsm7", 162, 2),
        ("[" + "a" * 159, "gsm7", 161, 2),
        ("Agizo SK-001042 limefika kituoni. Nambari ya kuchukua: 482913", "gsm7", 61, 1),
        ("आपका ऑर्डर पहुँच गया", "ucs2", 20, 1),
        ("你" * 70, "ucs2", 70, 1),
        ("你" * 71, "ucs2", 71, 2),
        ("你" * 134, "ucs2", 134, 2),
        ("你" * 135, "ucs2", 135, 3),
        ("ç", "ucs2", 1, 1),  # not in the GSM alphabet (only Ç is)
        ("🙂" * 35, "ucs2", 70, 1),  # an emoji is a surrogate pair: two code units
    ],
)
def test_segments_by_encoding(text, encoding, units, count):
    result = segments(text)
    assert (result.encoding, result.units, result.count) == (encoding, units, count)


def test_an_escape_pair_is_not_split_between_parts():
    """152 plain septets then "€": the pair would straddle the 153-septet boundary."""
    # given
    text = "a" * 152 + "€" + "a" * 152
    # when
    result = segments(text)
    # then: part 1 holds 152 septets, part 2 "€" + 151, part 3 the last one
    assert (result.units, result.count) == (306, 3)


def test_a_surrogate_pair_is_not_split_between_parts():
    text = "a" * 66 + "🙂" + "a" * 66  # ucs2 because of the emoji; 134 units
    assert (segments(text).units, segments(text).count) == (134, 3)


gsm_text = st.text(alphabet=sorted(GSM7_BASIC | GSM7_EXTENSION), max_size=600)
any_text = st.text(max_size=400)


def _split(text):
    """Split by brute force: fill each part, never cutting a character."""
    encoding = segments(text).encoding
    size_one = SINGLE[encoding]
    weights = [
        (2 if ch in GSM7_EXTENSION else 1) if encoding == "gsm7" else (2 if ord(ch) > 0xFFFF else 1)
        for ch in text
    ]
    if sum(weights) <= size_one:
        return 1
    parts, used = [[]], 0
    for ch, weight in zip(text, weights, strict=True):
        if used + weight > PART[encoding]:
            parts.append([])
            used = 0
        parts[-1].append(ch)
        used += weight
    return len(parts)


@given(st.one_of(gsm_text, any_text))
def test_the_count_matches_splitting_by_hand(text):
    assert segments(text).count == _split(text)


@given(st.one_of(gsm_text, any_text), st.integers(min_value=1, max_value=3))
def test_a_cut_notice_fits_and_keeps_its_beginning(text, limit):
    cut = fit(text, limit)
    assert segments(cut).count <= limit
    if cut != text:
        stem = cut.removesuffix("...").removesuffix("…")
        assert text.startswith(stem)


@pytest.mark.parametrize(
    "text",
    [
        "Agizo lako SK-001042 kutoka Othaya Honey limefika kituo cha huduma cha Othaya. "
        "Nambari ya kuchukua: 482913. Ionyeshe kwa mhudumu ukiichukua. " * 3,
        "आपका ऑर्डर SK-001042 सेवा केंद्र पर पहुँच गया है। पिकअप कोड 482913 है। " * 4,
        "您的订单 SK-001042 已到达服务站，取货码 482913。" * 8,  # noqa: RUF001 - Chinese punctuation
    ],
)
def test_long_notices_are_cut_to_two_segments(text):
    assert segments(text).count > 2
    assert segments(fit(text)).count == 2
