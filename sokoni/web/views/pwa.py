"""The installable, offline-capable app: the web app manifest, the service worker and the
offline page (docs/offline.md).

The worker's script is a template served at the root (its scope is the whole site) with its
configuration written in: the shell it precaches (the offline page and the static files, at
their hashed URLs in production) and a cache version derived from those files' contents and the
worker's own source, computed once per process. A release that changes any of them changes the
version, so browsers install the new worker, which deletes the caches of the old one.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any, Final

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

# Precached by the worker: what every page needs, plus the small scripts a page may load.
SHELL_STATIC: Final = (
    "web/sokoni.css",
    "web/pwa.js",
    "web/easy.js",
    "web/poll.js",
    "web/icons.svg",
    "web/favicon.svg",
    "web/icon-192.png",
    "web/icon-512.png",
    "web/icon-maskable-512.png",
)
# The sources whose change must reach installed apps (besides the static files above).
WORKER_TEMPLATES: Final = ("web/sw.js", "web/offline.html")
THEME_COLOUR: Final = "#1d6b3a"  # --brand in sokoni.css
BACKGROUND_COLOUR: Final = "#ffffff"  # --bg in sokoni.css


def _static_bytes(name: str) -> bytes:
    """A static file's bytes: from the app's folder, else from the collected files."""
    path = finders.find(name)
    if isinstance(path, str):
        with open(path, "rb") as handle:
            return handle.read()
    with staticfiles_storage.open(name) as handle:
        return bytes(handle.read())


@cache
def worker_version() -> str:
    """The caches' version: a hash of the shell's static files and the worker's templates."""
    digest = hashlib.sha256()
    for name in SHELL_STATIC:
        digest.update(name.encode() + b"\0" + _static_bytes(name) + b"\0")
    for name in WORKER_TEMPLATES:
        source = getattr(get_template(name), "template", None)
        digest.update(name.encode() + b"\0" + str(getattr(source, "source", "")).encode() + b"\0")
    return digest.hexdigest()[:16]


def _offline_urls() -> dict[str, str]:
    """The offline page's address in each language, by the language's URL prefix."""
    urls = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            urls[code] = reverse("web:offline")
    return urls


def worker_config() -> dict[str, Any]:
    offline = _offline_urls()
    return {
        "version": worker_version(),
        "shell": [static(name) for name in SHELL_STATIC],
        "static": settings.STATIC_URL,
        "offline": offline,
        "defaultOffline": offline[settings.LANGUAGE_CODE],
    }


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker's script, at the root so that its scope is the whole site."""
    body = render_to_string("web/sw.js", {"config": json.dumps(worker_config())})
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    # Browsers check for a new worker on navigations; never let a cache answer for it.
    patch_cache_control(response, no_cache=True)
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: installable on Android, opening in the reader's language."""
    data = {
        "id": "/",
        "name": "Sokoni",
        "short_name": "Sokoni",
        "description": str(
            translation.gettext(
                "Buy straight from villages: produce, crafts and goods from the people "
                "who make them."
            )
        ),
        "lang": translation.get_language(),
        "dir": "rtl" if translation.get_language_bidi() else "ltr",
        # The home page in this manifest's language: "/" would always be English.
        "start_url": reverse("web:home"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": [
            {"src": static("web/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("web/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("web/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
        ],
    }
    response = JsonResponse(data, content_type="application/manifest+json")
    patch_cache_control(response, public=True, max_age=24 * 3600)
    return response


@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """What the worker shows for a page it has not kept, when there is no connection."""
    return render(request, "web/offline.html")
