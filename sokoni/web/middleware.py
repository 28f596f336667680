"""Choose the language on a first visit from Accept-Language.

English pages have no URL prefix, so Django's LocaleMiddleware always serves them in English.
On a first visit (no language cookie yet) to an unprefixed page, this middleware redirects to
the same page under the prefix of the best language the browser asks for.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.cache import patch_vary_headers

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
