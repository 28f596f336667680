"""People are identified by phone number; a password for the web (a PIN comes with USSD)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **extra: Any) -> User:
        from sokoni.accounts.phones import normalize_phone

        user = self.model(phone=normalize_phone(phone), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(phone, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    phone = models.CharField(_("phone number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    currency = models.CharField(_("preferred currency"), max_length=3, default="KES")
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.phone

    def get_full_name(self) -> str:
        return self.name or self.phone

    def get_short_name(self) -> str:
        return self.name or self.phone


class LoginFailure(models.Model):
    """One failed login attempt, kept for throttling (append-only, pruned by age)."""

    phone = models.CharField(max_length=40, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["ip", "at"])]

    def __str__(self) -> str:
        return f"{self.phone} at {self.at:%Y-%m-%d %H:%M}"


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API; only its SHA-256 is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="tokens"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"token of {self.user_id} until {self.expires_at:%Y-%m-%d}"

    @staticmethod
    def new_raw() -> str:
        return secrets.token_urlsafe(32)

    @staticmethod
    def digest_of(raw: str) -> str:
        return _hash_token(raw)


class Pin(models.Model):
    """A villager's 4-6 digit PIN for USSD and SMS.

    Stored as a keyed hash (HMAC-SHA256 with SECRET_KEY and a salt of its own) rather than a
    slow password hash: a million PINs are few enough that no hash protects a stolen table, and
    a USSD step has 50 ms. What protects a PIN is the lock after a few wrong tries.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="pin"
    )
    salt = models.CharField(max_length=32)
    digest = models.CharField(max_length=64)
    failures = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("PIN")
        verbose_name_plural = _("PINs")

    def __str__(self) -> str:
        return f"PIN of {self.user_id}"
