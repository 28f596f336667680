"""Public category, shop and product pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse


def category_detail(request: HttpRequest, slug: str) -> HttpResponse:
    raise Http404


def shop_detail(request: HttpRequest, slug: str) -> HttpResponse:
    raise Http404


def product_detail(request: HttpRequest, pk: int, slug: str = "") -> HttpResponse:
    raise Http404
