"""The web pages' middleware: the language of a first visit, and revalidated page caching.

English pages have no URL prefix, so Django's LocaleMiddleware always serves them in English.
On a first visit (no language cookie yet) to an unprefixed page, PreferredLanguageMiddleware
redirects to the same page under the prefix of the best language the browser asks for.

PageCacheMiddleware lets a browser keep a page and ask whether it changed (an ETag, answered
304 by Django's ConditionalGetMiddleware), which on a slow network saves the page's bytes.

PhotoColourMiddleware writes the page's photo placeholder colours as a nonce'd <style>
(sokoni.web.colours), since the Content-Security-Policy allows no inline style attributes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.cache import patch_cache_control, patch_vary_headers

from sokoni.web.colours import with_colour_style
from sokoni.web.page_cache import without_tokens

# The service worker's script must never redirect: browsers refuse a redirected worker.
_NOT_TRANSLATED = ("/api/", "/admin/", "/static/", "/media/", "/i18n/", "/healthz", "/sw.js")


class PreferredLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        redirect = self._first_visit_redirect(request)
        if redirect is not None:
            return redirect
        response = self.get_response(request)
        if translation.get_language_from_path(request.path_info) is None:
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    def _first_visit_redirect(self, request: HttpRequest) -> HttpResponse | None:
        if request.method not in {"GET", "HEAD"}:
            return None
        path = request.path_info
        if path.startswith(_NOT_TRANSLATED) or translation.get_language_from_path(path):
            return None
        if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
            return None
        if not request.headers.get("Accept-Language"):
            return None
        language = translation.get_language_from_request(request, check_path=False)
        if not language or language == settings.LANGUAGE_CODE:
            return None
        query = request.META.get("QUERY_STRING", "")
        target = f"/{language}{path}" + (f"?{query}" if query else "")
        response = HttpResponseRedirect(target)
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response


class PageCacheMiddleware:
    """Mark HTML pages as kept by the browser only (never by a shared cache) and revalidated on
    every use, with an ETag over what the page shows.

    Pages show the reader's language, session (cart, destination, messages) and a CSRF token,
    so they may not be shared: ``private``, and ``Vary: Cookie, Accept-Language``. The ETag
    leaves out the masked tokens, which differ on every response, but includes the CSRF secret
    they unmask to, so a kept page's forms stay valid whenever it is answered 304. Responses
    that set their own Cache-Control (or are not 200 HTML answers to GET) are left alone.
    Place it after ConditionalGetMiddleware, which answers the 304.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            request.method not in {"GET", "HEAD"}
            or response.status_code != 200
            or response.streaming
            or response.has_header("Cache-Control")
            or not response.get("Content-Type", "").startswith("text/html")
        ):
            return response
        patch_cache_control(response, private=True, max_age=0, must_revalidate=True)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        if not response.has_header("ETag"):
            digest = hashlib.blake2b(digest_size=16)
            digest.update(without_tokens(response.content))
            digest.update(str(request.META.get("CSRF_COOKIE", "")).encode())
            response["ETag"] = f'"{digest.hexdigest()}"'
        return response


class PhotoColourMiddleware:
    """Add the ``<style>`` for a page's colour classes, with this response's CSP nonce.

    It sits above ConditionalGetMiddleware and PageCacheMiddleware, so the ETag and the copy
    kept for visitors are those of the page without it (the nonce differs on every response),
    and below CSPMiddleware, which writes the nonce it hands out into the header. A 304 gets
    no Content-Security-Policy header: the browser keeps the one stored with the page, whose
    nonce matches the page's <style>, instead of replacing it with a new one that does not.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 304:
            response._csp_exempt = True  # type: ignore[attr-defined]
            return response
        if response.streaming or not response.get("Content-Type", "").startswith("text/html"):
            return response
        content = response.content
        styled = with_colour_style(content, lambda: str(request.csp_nonce))  # type: ignore[attr-defined]
        if styled is not content:
            response.content = styled
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(styled))
        return response
