"""Village application and administration."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def apply(request: HttpRequest) -> HttpResponse:
    return render(request, "villages/apply.html", {})
