"""Authenticate by phone number in any written form, compared in E.164."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from sokoni.accounts.models import User
from sokoni.accounts.phones import normalize_phone


class PhoneBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        phone: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        raw = phone or username
        if not raw or password is None:
            return None
        try:
            e164 = normalize_phone(raw)
        except ValidationError:
            return None
        try:
            user = User.objects.get(phone=e164)
        except User.DoesNotExist:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
