"""Handlers that higher layers register to hear that someone logged in (no upward imports).

The orders app registers one that moves the cart filled before logging in into the account.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.http import HttpRequest

    from sokoni.accounts.models import User

LoginHandler = Callable[["HttpRequest", "User"], None]
_login: list[LoginHandler] = []


def on_login(handler: LoginHandler) -> None:
    """Register a handler called with the request and user right after a web login."""
    if handler not in _login:
        _login.append(handler)


def logged_in(request: HttpRequest, user: User) -> None:
    for handler in _login[:]:
        handler(request, user)
