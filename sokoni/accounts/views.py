"""Sign up, log in, log out and preferences: parse, call a service, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sokoni.accounts import registry, services
from sokoni.accounts.errors import PhoneTaken
from sokoni.accounts.forms import LoginForm, PreferencesForm, SignUpForm
from sokoni.accounts.models import User
from sokoni.core.errors import DomainError
from sokoni.core.security import client_ip, limit_count, over_limit


def _next_url(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def with_language_cookie(response: HttpResponse, language: str) -> HttpResponse:
    """Remember a language choice in Django's language cookie."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
    )
    return response


def _log_in(request: HttpRequest, user: User, next_url: str) -> HttpResponse:
    login(request, user, backend="sokoni.accounts.backends.PhoneBackend")
    registry.logged_in(request, user)
    target = translate_url(next_url, user.language)
    return with_language_cookie(HttpResponseRedirect(target), user.language)


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    status = 200
    if request.method == "POST" and over_limit(request, "signup", count=False):
        form.add_error(None, _("Too many accounts were created from here. Try again later."))
        status = 429
    elif request.method == "POST" and form.is_valid():
        try:
            user = services.user_sign_up(
                phone=form.cleaned_data["phone"],
                password=form.cleaned_data["password"],
                name=form.cleaned_data["name"],
                language=translation.get_language() or "en",
            )
        except PhoneTaken as exc:
            form.add_error("phone", str(exc.message))
        else:
            limit_count(request, "signup")
            messages.success(request, _("Welcome to Sokoni! Your account is ready."))
            return _log_in(request, user, _next_url(request))
    return render(
        request,
        "accounts/signup.html",
        {"form": form, "next": _next_url(request, "")},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_log_in_check(
                request=request,
                phone=form.cleaned_data["phone"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
            )
        except DomainError as exc:
            form.add_error(None, str(exc.message))
            status = 429 if exc.code == "accounts.login_throttled" else 200
        else:
            return _log_in(request, user, _next_url(request))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": _next_url(request, "")},
        status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:home")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required guarantees it
    form = PreferencesForm(
        request.POST or None, initial={"language": user.language, "currency": user.currency}
    )
    if request.method == "POST" and form.is_valid():
        services.user_set_preferences(
            user=user,
            language=form.cleaned_data["language"],
            currency=form.cleaned_data["currency"],
        )
        target = translate_url(request.path, user.language)
        with translation.override(user.language):
            messages.success(request, _("Your preferences are saved."))
        return with_language_cookie(HttpResponseRedirect(target), user.language)
    return render(request, "accounts/preferences.html", {"form": form})
