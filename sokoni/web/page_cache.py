"""Public pages as visitors see them, kept for a few seconds.

Most readers of the home, village, shop, category, product and search pages are not logged in,
and they all see the same page but for its CSRF tokens: a burst of visitors on one product (a
link shared in a village group) should cost one rendering, not one each. ``visitor_page`` keeps
such a page in the ``pages`` cache for ``VISITOR_PAGE_SECONDS`` with its masked tokens taken out,
and answers the next visitors from it with their own tokens put back in, so their forms work as
on a freshly drawn page and the CSRF cookie is set as usual.

A page is kept apart for everything it shows from the request: its path and query, host and
scheme, language, easy mode and the delivery destination chosen in the session. It is never
kept or served from the cache for a signed-in reader, a visitor with a message waiting to be
shown, a request other than GET or HEAD, or an answer other than a plain 200 HTML page that
sets no cookie of its own. What changes behind a kept page (a new price, the last unit sold)
shows within ``VISITOR_PAGE_SECONDS``; the cart and checkout always read the live figures.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import wraps
from typing import Any, Final

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from sokoni.orders.destinations import SESSION_KEY as DESTINATION_KEY
from sokoni.web.views.easy import easy_mode_is_on

# A form's CSRF token is masked afresh on every response; the secret behind it is not.
MASKED_TOKEN: Final = re.compile(rb'(name="csrfmiddlewaretoken" value=")[A-Za-z0-9]+"')
_PLACEHOLDER: Final = b'\\1"'
_SLOT: Final = re.compile(rb'(name="csrfmiddlewaretoken" value=)""')

View = Callable[..., HttpResponse]


def without_tokens(content: bytes) -> bytes:
    """The page with the value of every masked CSRF token emptied."""
    return MASKED_TOKEN.sub(_PLACEHOLDER, content)


def _is_plain_visitor(request: HttpRequest) -> bool:
    if request.method not in {"GET", "HEAD"}:
        return False
    if request.user.is_authenticated:
        return False
    # len() loads the waiting messages without marking them shown.
    return len(messages.get_messages(request)) == 0


def _key(request: HttpRequest) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for part in (
        request.scheme or "",
        request.get_host(),
        request.get_full_path(),
        translation.get_language() or "",
        "easy" if easy_mode_is_on(request) else "",
        str(request.session.get(DESTINATION_KEY, "")),
    ):
        digest.update(part.encode())
        digest.update(b"\0")
    return f"visitor-page:{digest.hexdigest()}"


def _keepable(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Cache-Control")
        and response.get("Content-Type", "").startswith("text/html")
    )


def visitor_page(view: View) -> View:
    """Serve ``view``'s page to visitors from the ``pages`` cache (see the module's doc)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = settings.VISITOR_PAGE_SECONDS
        if seconds <= 0 or not _is_plain_visitor(request):
            return view(request, *args, **kwargs)
        cache = caches["pages"]
        key = _key(request)
        kept = cache.get(key)
        if kept is not None:
            content, content_type = kept
            if _SLOT.search(content):
                token = get_token(request).encode()
                content = _SLOT.sub(lambda m: m.group(1) + b'"' + token + b'"', content)
            return HttpResponse(content, content_type=content_type)
        response = view(request, *args, **kwargs)
        if _keepable(response):
            cache.set(key, (without_tokens(response.content), response["Content-Type"]), seconds)
        return response

    return wrapped
