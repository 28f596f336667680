"""Easy mode: the buyer pages drawn icon-first for people who read little (issue 4, point 5).

The choice lives in a cookie for a year, so it holds before signing in and on a shared phone
at a service centre; it needs no account and no JavaScript. The context processor
``sokoni.web.context_processors.site`` exposes it to every template as ``easy_mode``.
"""

from __future__ import annotations

from typing import Final

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

COOKIE: Final = "sokoni_easy"
COOKIE_MAX_AGE: Final = 365 * 24 * 3600


def easy_mode_is_on(request: HttpRequest) -> bool:
    """Whether this reader asked for easy mode."""
    return request.COOKIES.get(COOKIE) == "1"


@require_POST
def easy_mode(request: HttpRequest) -> HttpResponse:
    """Turn easy mode on (``easy=1``) or off (``easy=0``) and go back to the page shown.

    The form says which way to switch rather than "toggle", so a form sent twice (a double tap,
    the back button) cannot flip it back. ``next`` is followed only when it stays on this site;
    anything else goes to the front page. Any other ``easy`` value is refused and changes nothing.
    """
    wanted = request.POST.get("easy", "")
    if wanted not in {"0", "1"}:
        raise BadRequest("easy must be 0 or 1")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("web:home")
    response = HttpResponseRedirect(target)
    if wanted == "1":
        response.set_cookie(
            COOKIE,
            "1",
            max_age=COOKIE_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure() or settings.SESSION_COOKIE_SECURE,
        )
    else:
        response.delete_cookie(COOKIE, samesite="Lax")
    return response
