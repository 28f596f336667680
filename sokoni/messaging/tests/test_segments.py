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


# The boundaries, language by language: one message holds 160 septets (GSM-7) or 70 UTF-16
# code units (UCS-2); a split message 153 or 67 per part.


@pytest.mark.parametrize(
    ("length", "count"),
    [(1, 1), (159, 1), (160, 1), (161, 2), (305, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_gsm7_plain_text_fills_160_then_153_per_part(length, count):
    result = segments("x" * length)
    assert (result.encoding, result.units, result.count) == ("gsm7", length, count)


EXTENDED = ["€", "[", "]", "{", "}", "\\", "~", "^", "|"]


@pytest.mark.parametrize("char", EXTENDED)
def test_an_extended_gsm7_character_takes_two_septets(char):
    """158 plain + 1 extended = 160 septets: one message; one plain more and it splits."""
    assert segments(char) == segments("ab")
    fits = segments("a" * 158 + char)
    assert (fits.encoding, fits.units, fits.count) == ("gsm7", 160, 1)
    over = segments("a" * 159 + char)
    assert (over.encoding, over.units, over.count) == ("gsm7", 161, 2)


@pytest.mark.parametrize("char", EXTENDED)
def test_an_escape_pair_at_a_part_boundary_moves_whole_to_the_next_part(char):
    """With 152 septets in part 1 the pair does not fit there; 306 septets then take 3 parts."""
    # given: 306 septets, which would be exactly two full parts if the pair could be split
    text = "a" * 152 + char + "a" * 152
    # when
    result = segments(text)
    # then
    assert (result.encoding, result.units, result.count) == ("gsm7", 306, 3)
    # and one septet fewer after the pair fits in two (152 + [2 + 151])
    assert segments("a" * 152 + char + "a" * 151).count == 2


def test_extended_characters_only_fill_parts_in_pairs():
    """76 pairs fill a part (152 septets; a 77th would straddle the 153rd), so 153 take three."""
    assert segments("€" * 153).count == 3  # 306 septets: 76 + 76 + 1 pairs
    assert segments("€" * 152).count == 2  # 304 septets: 76 + 76 pairs


@pytest.mark.parametrize(
    "text",
    [
        "Habari! Agizo lako SK-001042 kutoka duka la Mama Wanjiru limefika. Lipa KSh 1,250.",
        "Nambari ya kuchukua: 482913. Usiipe mtu yeyote. Asante kwa kununua kijijini.",
        "Ng'ombe, mbuzi na kuku @ soko la Othaya: bei ya leo ni KSh 350/kg (kuku).",
    ],
)
def test_swahili_is_gsm7(text):
    result = segments(text)
    assert (result.encoding, result.units, result.count) == ("gsm7", len(text), 1)


def test_a_typographic_apostrophe_makes_swahili_ucs2():
    """Swahili typed with a curly apostrophe (U+2019, as phones autocorrect) costs UCS-2 rates."""
    assert segments("Ng'ombe").encoding == "gsm7"
    assert segments("Ng\u2019ombe").encoding == "ucs2"


def test_a_long_swahili_notice_splits_at_153():
    text = ("Agizo lako limefika kituoni. " * 11)[:306]
    assert (segments(text).encoding, segments(text).count) == ("gsm7", 2)
    assert segments(text + "!").count == 3


@pytest.mark.parametrize(
    ("length", "count"),
    [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_hindi_fills_70_then_67_per_part(length, count):
    result = segments("क" * length)
    assert (result.encoding, result.units, result.count) == ("ucs2", length, count)


def test_hindi_counts_code_points_not_letters_on_screen():
    """ "नमस्ते" shows as three syllables but is six code points (न म स ् त े)."""
    result = segments("नमस्ते")
    assert (result.encoding, result.units, result.count) == ("ucs2", 6, 1)


def test_a_hindi_notice_with_latin_digits_is_ucs2_throughout():
    text = "आपका ऑर्डर SK-001042 सेवा केंद्र पर पहुँच गया है। पिकअप कोड 482913 है।"
    result = segments(text)
    assert (result.encoding, result.units, result.count) == ("ucs2", len(text), 1)
    assert segments(text * 2).count == 3  # 2 * 69 = 138 units: over 134


@pytest.mark.parametrize(
    ("text", "units", "count"),
    [
        ("您的订单已到达服务站。", 11, 1),
        ("订" * 70, 70, 1),
        ("订" * 71, 71, 2),
        ("订单，取货码。" * 10, 70, 1),  # noqa: RUF001 - Chinese punctuation is BMP, one unit each
    ],
)
def test_chinese_is_ucs2(text, units, count):
    result = segments(text)
    assert (result.encoding, result.units, result.count) == ("ucs2", units, count)


@pytest.mark.parametrize(
    ("text", "units", "count"),
    [
        ("🙂", 2, 1),
        ("a🙂", 3, 1),  # one emoji turns the whole text into UCS-2
        ("a" * 68 + "🙂", 70, 1),
        ("a" * 69 + "🙂", 71, 2),
        ("🙂" * 35, 70, 1),
        ("🙂" * 36, 72, 2),
        ("🙂" * 66, 132, 2),  # 33 emoji (66 units) per part: a pair never straddles
        ("🙂" * 67, 134, 3),  # 134 units would be two full parts if a pair could be split
        ("\U00020000" * 35, 70, 1),  # a CJK Extension B ideograph, also outside the BMP
        ("🇰🇪", 4, 1),  # a flag: two regional indicators, each a surrogate pair
        ("👍🏾", 4, 1),  # a thumb and a skin tone: two code points, four units
    ],
)
def test_characters_outside_the_bmp_take_two_utf16_units(text, units, count):
    result = segments(text)
    assert (result.encoding, result.units, result.count) == ("ucs2", units, count)


def test_fit_keeps_a_cut_gsm7_text_in_gsm7():
    """Cutting with "..." (not "…") keeps the cheaper alphabet and its 153-septet parts."""
    cut = fit("x" * 400, 2)
    assert (cut, segments(cut).encoding) == ("x" * 303 + "...", "gsm7")


def test_fit_never_leaves_half_an_escape_pair():
    cut = fit("€" * 200, 1)
    assert cut == "€" * 78 + "..."
    assert segments(cut).units == 159
