"""Writes on accounts: sign-up, login throttling, preferences, API tokens."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from sokoni.accounts.errors import InvalidCredentials, LoginThrottled, PhoneTaken
from sokoni.accounts.models import ApiToken, LoginFailure, User
from sokoni.accounts.phones import normalize_phone
from sokoni.core.errors import InvalidInput
from sokoni.core.money import is_known_currency


@transaction.atomic
def user_sign_up(
    *, phone: str, password: str, name: str = "", language: str = "en", currency: str | None = None
) -> User:
    """Create an account; the phone number is stored in E.164 and must be unused."""
    e164 = normalize_phone(phone)
    if User.objects.filter(phone=e164).exists():
        raise PhoneTaken(field="phone")
    try:
        with transaction.atomic():
            return User.objects.create_user(
                e164,
                password,
                name=name.strip(),
                language=language,
                currency=currency or settings.DEFAULT_CURRENCY,
            )
    except IntegrityError as exc:  # a concurrent sign-up with the same number won
        raise PhoneTaken(field="phone") from exc


def _throttle_key(phone: str) -> str:
    try:
        return normalize_phone(phone)
    except Exception:  # noqa: BLE001 - any text is throttled under its own spelling
        return phone.strip()[:40]


def login_is_throttled(*, phone: str, ip: str | None) -> bool:
    """Tell whether a phone number (or an address) has failed too often in the window."""
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    limit = settings.LOGIN_FAILURE_LIMIT
    if LoginFailure.objects.filter(phone=_throttle_key(phone), at__gte=since).count() >= limit:
        return True
    return bool(ip) and LoginFailure.objects.filter(ip=ip, at__gte=since).count() >= limit * 4


def user_log_in_check(
    *, request: HttpRequest | None, phone: str, password: str, ip: str | None
) -> User:
    """Check a phone and password, refusing while throttled and recording failures."""
    if login_is_throttled(phone=phone, ip=ip):
        raise LoginThrottled()
    user = authenticate(request, phone=phone, password=password)
    if not isinstance(user, User):
        now = timezone.now()
        # Failures older than the window no longer count: drop them as new ones arrive.
        window = timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        LoginFailure.objects.filter(at__lt=now - window).delete()
        LoginFailure.objects.create(phone=_throttle_key(phone), ip=ip, at=now)
        raise InvalidCredentials()
    LoginFailure.objects.filter(phone=user.phone).delete()
    return user


def user_set_preferences(
    *, user: User, language: str | None = None, currency: str | None = None
) -> User:
    """Change a user's language and preferred currency."""
    fields: list[str] = []
    if language is not None:
        if language not in dict(settings.LANGUAGES):
            raise InvalidInput(field="language")
        user.language = language
        fields.append("language")
    if currency is not None:
        if currency not in settings.CURRENCIES or not is_known_currency(currency):
            raise InvalidInput(field="currency")
        user.currency = currency
        fields.append("currency")
    if fields:
        user.save(update_fields=fields)
    return user


def api_token_issue(*, phone: str, password: str, ip: str | None) -> tuple[str, ApiToken]:
    """Exchange a phone and password for a bearer token (throttled like the web login)."""
    user = user_log_in_check(request=None, phone=phone, password=password, ip=ip)
    raw = ApiToken.new_raw()
    token = ApiToken.objects.create(
        user=user,
        digest=ApiToken.digest_of(raw),
        expires_at=timezone.now() + timedelta(days=settings.API_TOKEN_TTL_DAYS),
    )
    return raw, token
