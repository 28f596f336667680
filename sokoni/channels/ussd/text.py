"""What a USSD screen may hold: plain characters, at most 182 of them, CON or END in front."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from sokoni.core.money import currency_exponent

MAX_CHARS: Final = 182
# Letters, marks, digits, punctuation and spaces of any script; no symbols (emoji), no controls.
_KEPT: Final = ("L", "M", "N", "P", "Zs")


def plain(text: str) -> str:
    """Text as a feature phone shows it: one line, no emoji or symbols, single spaces."""
    kept = []
    for char in text:
        if char in "+-/%:.,()'&" or unicodedata.category(char).startswith(_KEPT):
            kept.append(" " if unicodedata.category(char) == "Zs" else char)
        elif char.isspace():
            kept.append(" ")
    return " ".join("".join(kept).split())


def money(minor: int, currency: str) -> str:
    """KES 2,400 or USD 3.50: the currency code and the amount, decimals only when needed."""
    exponent = currency_exponent(currency)
    amount = Decimal(minor).scaleb(-exponent)
    if exponent and minor % (10**exponent):
        return f"{currency} {amount:,.{exponent}f}"
    return f"{currency} {int(amount):,}"


def clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + "."


@dataclass
class Screen:
    """One screen: the question or information, then the numbered choices."""

    lines: list[str]
    options: list[tuple[str, str]] = field(default_factory=list)
    end: bool = False
    footer: str = ""  # the navigation line, under the choices

    def render(self, error: str = "") -> str:
        """The reply, cut to fit: labels of choices first, then the text."""
        head = "END " if self.end else "CON "
        body = [plain(line) for line in ([error] if error else []) + self.lines if line]
        options = [(key, plain(label)) for key, label in self.options]
        width = max((len(label) for _key, label in options), default=0)
        while True:
            text = head + "\n".join(
                body
                + [f"{key} {clip(label, width)}".strip() for key, label in options]
                + ([self.footer] if self.footer else [])
            )
            if len(text) <= MAX_CHARS:
                return text
            if width > 8:
                width -= 1
                continue
            # Still too long: shorten the longest line of text.
            longest = max(range(len(body)), key=lambda i: len(body[i]), default=None)
            if longest is None or len(body[longest]) <= 8:
                return text[:MAX_CHARS]
            body[longest] = clip(body[longest], len(body[longest]) - (len(text) - MAX_CHARS))
