"""The portal's front page, language switching, media and error pages."""

from __future__ import annotations

import re
import sys
from pathlib import PurePosixPath
from typing import Final

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.i18n import set_language as django_set_language

from sokoni.accounts.models import User
from sokoni.accounts.services import user_set_preferences
from sokoni.catalog.selectors import category_roots, product_list_public
from sokoni.core.db_router import reads_from_replica
from sokoni.core.health import check_health
from sokoni.core.images import is_private_key
from sokoni.core.security import log_refusal
from sokoni.villages.selectors import village_list_featured
from sokoni.web.page_cache import visitor_page


@require_GET
@visitor_page
@reads_from_replica
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/home.html",
        {
            "categories": category_roots(),
            "villages": village_list_featured(6),
            "products": list(product_list_public().order_by("-created_at")[:12]),
        },
    )


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch language (remembered in a cookie, and on the account when signed in)."""
    language = request.POST.get("language", "")
    user = request.user
    if isinstance(user, User) and language in dict(settings.LANGUAGES):
        user_set_preferences(user=user, language=language)
    return django_set_language(request)


# Uploaded files shown in the page as what they are; anything else is only ever downloaded.
IMAGE_TYPES: Final = {
    ".webp": "image/webp",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".avif": "image/avif",
}
# A storage key: relative, in plain characters, no empty, "." or ".." parts.
_KEY: Final = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]*(?:/[A-Za-z0-9_-][A-Za-z0-9_.-]*)*")


@require_GET
def media(request: HttpRequest, path: str) -> FileResponse:
    """Serve an uploaded file from the default storage (local installs only).

    Only a plain relative key is looked up: "..", absolute paths, backslashes, NUL and other
    odd characters are a 400 (logged), so nothing outside the storage can be named. Known
    image types are served as such; anything else as an attachment of no particular type,
    and nothing is ever sniffed (nosniff), so an uploaded page or script never runs here.
    Private photos (dispute evidence, photos sent in messages) are a 404 here, whether or not
    the file exists: they are served only by ``private_photos``, to the people who may see them.
    """
    if not _KEY.fullmatch(path):
        raise SuspiciousFileOperation(f"media path {path[:200]!r}")
    if is_private_key(path) or not default_storage.exists(path):
        raise Http404
    extension = PurePosixPath(path).suffix.lower()
    content_type = IMAGE_TYPES.get(extension)
    response = FileResponse(
        default_storage.open(path),
        content_type=content_type or "application/octet-stream",
        as_attachment=content_type is None,
        filename=PurePosixPath(path).name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, public=True, max_age=7 * 24 * 3600)
    return response


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database, the cache and the task queue all answer, else 503 (see
    sokoni.core.health); each part's state and time, for a load balancer or a person."""
    parts = check_health()
    healthy = all(part.ok for part in parts)
    response = JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "parts": {p.name: {"ok": p.ok, "detail": p.detail, "ms": p.ms} for p in parts},
        },
        status=200 if healthy else 503,
    )
    patch_cache_control(response, no_store=True)
    return response


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page; a database that cannot be reached (restarting, failing over, locked) is a
    503 instead, saying to try again soon, in JSON on the API. Django has logged the error."""
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        message = _(
            "We cannot reach our records right now. Nothing you sent was lost or half-saved: "
            "please try again in a minute."
        )
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": str(message)}, status=503)
        else:
            response = render(request, "503.html", status=503)
        response["Retry-After"] = "30"
        return response
    return render(request, "500.html", status=500)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A refused request (Django's SuspiciousOperation or BadRequest: a body too big, a bad
    host, a bad media path...): logged in one line, answered with the 400 page."""
    log_refusal(
        request, type(exception).__name__ if exception else "bad request", 400, str(exception or "")
    )
    return render(request, "400.html", status=400)
