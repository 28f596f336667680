from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from sokoni.villages.models import ServiceCentre
from sokoni.web.views.easy import easy_mode_is_on


def site(request: HttpRequest) -> dict[str, Any]:
    """What the base template needs on every page."""
    return {
        "LANGUAGE_CHOICES": settings.LANGUAGES,
        "current_path": request.get_full_path(),
        "easy_mode": easy_mode_is_on(request),
        # Read only when the menu asks (signed-in people): does this user run a centre?
        "runs_a_centre": SimpleLazyObject(lambda: _runs_a_centre(request)),
    }


def _runs_a_centre(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    return ServiceCentre.objects.filter(operator_id=user.pk, is_active=True).exists()
