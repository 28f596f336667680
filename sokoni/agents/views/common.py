"""What every page of the operator area shares: the desk check and small helpers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec, TypeVar

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from sokoni.agents.selectors import Desk, desk_for
from sokoni.core.errors import NotFound

P = ParamSpec("P")
T = TypeVar("T")


def operator_page(
    view: Callable[Concatenate[HttpRequest, Desk, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """Sign-in first; then only an operator of an open centre gets the page, anyone else a 404
    (as if the area did not exist). The view receives the operator's desk."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        try:
            desk = desk_for(request.user)
        except NotFound as exc:
            raise Http404 from exc
        return view(request, desk, *args, **kwargs)

    return login_required(wrapped)


def visible(load: Callable[[], T]) -> T:
    """Call a desk-scoped selector; what is not the operator's is a 404."""
    try:
        return load()
    except NotFound as exc:
        raise Http404 from exc
