"""Photos' placeholder colours without inline styles (the Content-Security-Policy allows none).

A photo is painted in its average colour while it loads. Instead of a ``style`` attribute, which
the policy refuses, the image carries a class named after its colour (``bg-1a2b3c``: the name
alone says what it paints, so a product card drawn once and kept in the cache stays right), and
``PhotoColourMiddleware`` writes one ``<style>`` element with the page's CSP nonce into the
page's head, with a rule for each such class the page uses. The rules are added to every
response as it leaves (never to the copy that ``sokoni.web.page_cache`` keeps), so each answer
carries its own response's nonce.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

PREFIX: Final = "bg-"
_COLOUR: Final = re.compile(r"#?([0-9a-fA-F]{6})")
# A colour class as a word of an attribute (the literal start keeps the scan fast: 0.05 ms
# for a 14 KB page). The same words in a page's text would only add a rule that paints nothing
# else: text is escaped, so it can never carry a class attribute of its own.
_CLASS: Final = re.compile(rb'bg-([0-9a-f]{6})(?=[\s"])')
_BEFORE: Final = (b'"', b" ")
_HEAD_END: Final = b"</head>"


def colour_class(colour: str) -> str:
    """The class that paints ``colour`` ("#rrggbb") behind a photo, or "" for no colour."""
    match = _COLOUR.fullmatch(colour or "")
    return f"{PREFIX}{match.group(1).lower()}" if match else ""


def colour_rules(content: bytes) -> bytes:
    """The CSS rules for every colour class used in ``content``, in a stable order."""
    if b"bg-" not in content:
        return b""
    colours = sorted(
        {
            m.group(1)
            for m in _CLASS.finditer(content)
            if content[m.start() - 1 : m.start()] in _BEFORE
        }
    )
    # !important: the colour stands in for the style attribute it replaced, which beat every
    # stylesheet rule (".card img{background:...}" among them).
    return b"".join(b".bg-%s{background-color:#%s!important}" % (c, c) for c in colours)


def with_colour_style(content: bytes, nonce: Callable[[], str]) -> bytes:
    """The page with a nonce'd ``<style>`` for its colour classes before ``</head>``.

    A page without colour classes or without a head is returned as it is, and ``nonce`` is
    only called (making the response's nonce, which then goes into its header) when needed.
    """
    rules = colour_rules(content)
    if not rules:
        return content
    at = content.find(_HEAD_END)
    if at < 0:
        return content
    style = b'<style nonce="%s">%s</style>' % (nonce().encode(), rules)
    return content[:at] + style + content[at:]
