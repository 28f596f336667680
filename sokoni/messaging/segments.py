"""How many SMS segments a text takes, and cutting a notice to fit (3GPP TS 23.038 / 23.040).

A text written only in the GSM 03.38 alphabet goes as GSM-7: 160 septets in one message, 153
per part when it has to be split (the rest carries the concatenation header). The characters of
the extension table (``€ [ ] { } \\ ^ ~ |`` and form feed) take two septets each, and an escape
pair is never split between two parts. Any other character (most of Hindi, Chinese, Korean,
emoji, but also ``ç`` or ``â``) makes the whole text UCS-2: 70 UTF-16 code units in one
message, 67 per part, never splitting a surrogate pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

GSM7_BASIC: Final = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION: Final = frozenset("\f^{}\\[~]|€")

SINGLE: Final = {"gsm7": 160, "ucs2": 70}
PART: Final = {"gsm7": 153, "ucs2": 67}

Encoding = Literal["gsm7", "ucs2"]


@dataclass(frozen=True)
class Segments:
    encoding: Encoding
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    count: int


def encoding_of(text: str) -> Encoding:
    """GSM-7 when every character is in the GSM alphabet or its extension, else UCS-2."""
    return "gsm7" if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text) else "ucs2"


def _weights(text: str, encoding: Encoding) -> list[int]:
    """The units each character takes; a character is never split between two parts."""
    if encoding == "gsm7":
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def _parts(weights: list[int], size: int) -> int:
    parts, used = 1, 0
    for weight in weights:
        if used + weight > size:
            parts, used = parts + 1, 0
        used += weight
    return parts


def segments(text: str) -> Segments:
    """The encoding, size and number of SMS segments of ``text`` (an empty text takes one)."""
    encoding = encoding_of(text)
    weights = _weights(text, encoding)
    units = sum(weights)
    if units <= SINGLE[encoding]:
        return Segments(encoding, units, 1)
    return Segments(encoding, units, _parts(weights, PART[encoding]))


def fit(text: str, max_segments: int = 2, ellipsis: str = "…") -> str:
    """``text`` cut (with an ellipsis) so that it takes at most ``max_segments`` segments.

    The ellipsis is a UCS-2 character; a GSM-7 text is cut with "..." instead, so that cutting
    never changes the encoding and so the size.
    """
    if max_segments < 1:
        raise ValueError("max_segments must be at least 1")
    if segments(text).count <= max_segments:
        return text
    tail = ellipsis if encoding_of(text) == "ucs2" else "..."
    low, high = 0, len(text)
    while low < high:  # the longest prefix that still fits with the tail
        middle = (low + high + 1) // 2
        if segments(text[:middle].rstrip() + tail).count <= max_segments:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + tail
