"""Public village pages (the INVIL portal)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render


def village_list(request: HttpRequest) -> HttpResponse:
    return render(request, "web/village_list.html", {})


def village_detail(request: HttpRequest, slug: str) -> HttpResponse:
    raise Http404
