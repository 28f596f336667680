from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from sokoni.web.views.easy import easy_mode_is_on


def site(request: HttpRequest) -> dict[str, Any]:
    """What the base template needs on every page."""
    return {
        "LANGUAGE_CHOICES": settings.LANGUAGES,
        "current_path": request.get_full_path(),
        "easy_mode": easy_mode_is_on(request),
    }
