"""Writes on accounts: sign-up, light accounts, PINs, login throttling, preferences, API tokens."""

from __future__ import annotations

import hmac
import itertools
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from sokoni.accounts.errors import (
    InvalidCredentials,
    LoginThrottled,
    PhoneTaken,
    PinAlreadySet,
    PinInvalid,
    PinLocked,
    PinNotSet,
    PinWrong,
)
from sokoni.accounts.models import ApiToken, LoginFailure, Pin, User
from sokoni.accounts.phones import normalize_phone
from sokoni.core.digests import keyed_digest
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


# -- villagers without a smartphone: light accounts and PINs ----------------------------------


@transaction.atomic
def villager_register(*, phone: str, name: str = "", language: str = "en") -> User:
    """A light account for someone who orders by USSD, SMS or at a service centre: no password
    (they never log in to the web), and no PIN until they set one on their own phone."""
    e164 = normalize_phone(phone)
    clean = " ".join(name.split())[:120]
    if language not in dict(settings.LANGUAGES):
        raise InvalidInput(field="language")
    if User.objects.filter(phone=e164).exists():
        raise PhoneTaken(field="phone")
    try:
        with transaction.atomic():
            return User.objects.create_user(
                e164, None, name=clean, language=language, currency=settings.DEFAULT_CURRENCY
            )
    except IntegrityError as exc:
        raise PhoneTaken(field="phone") from exc


def pin_is_acceptable(pin: str) -> bool:
    """4 to 6 ASCII digits, not all the same (1111) and not a run (1234, 9876)."""
    if not (pin.isascii() and pin.isdigit() and 4 <= len(pin) <= 6):
        return False
    steps = {int(b) - int(a) for a, b in itertools.pairwise(pin)}
    return steps not in ({0}, {1}, {-1})


def _pin_digest(user_id: int, salt: str, pin: str) -> str:
    return keyed_digest("pin", user_id, salt, pin)


def pin_set(
    *, user: User, new_pin: str, old_pin: str | None = None, old_checked: bool = False
) -> None:
    """Set a first PIN, or change it with the old one (checked like any PIN entry).

    ``old_checked`` says the caller has just checked the old PIN with ``pin_check`` (the USSD
    menu asks for it first, before the new one, and keeps no PIN between screens)."""
    if not pin_is_acceptable(new_pin):
        raise PinInvalid()
    if old_pin is not None:
        pin_check(user=user, pin=old_pin)
    salt = secrets.token_hex(16)
    fields = {
        "salt": salt,
        "digest": _pin_digest(user.pk, salt, new_pin),
        "failures": 0,
        "locked_until": None,
        "set_at": timezone.now(),
    }
    with transaction.atomic():
        current = Pin.objects.select_for_update().filter(user=user).first()
        if current is None:
            try:
                with transaction.atomic():
                    Pin.objects.create(user=user, **fields)
            except IntegrityError as exc:  # set at the same moment from another session
                raise PinAlreadySet() from exc
            return
        if old_pin is None and not old_checked:
            raise PinAlreadySet()
        Pin.objects.filter(pk=current.pk).update(**fields)


def pin_check(*, user: User, pin: str) -> None:
    """Accept the user's PIN or raise ``PinWrong`` (with ``tries_left``), ``PinLocked`` or
    ``PinNotSet``. Call it outside any transaction (the USSD, SMS and web callers do): the count
    of wrong PINs is committed before the refusal is raised, so it stays counted whatever the
    caller does next.

    The right PIN on a clean record is accepted on a plain read (one query: a USSD step has
    50 ms); anything else is decided again under the row lock, where wrong tries are counted.
    """
    now = timezone.now()
    seen = Pin.objects.filter(user=user).first()
    if seen is None:
        raise PinNotSet()
    if seen.locked_until is not None and seen.locked_until > now:
        raise PinLocked(until=seen.locked_until)
    if not seen.failures and seen.locked_until is None and _pin_is(seen, user, pin):
        return
    with transaction.atomic():
        record = Pin.objects.select_for_update().filter(user=user).first()
        if record is None:
            raise PinNotSet()
        if record.locked_until is not None and record.locked_until > now:
            raise PinLocked(until=record.locked_until)
        failures = 0 if record.locked_until is not None else record.failures
        if _pin_is(record, user, pin):
            if record.failures or record.locked_until:
                Pin.objects.filter(pk=record.pk).update(failures=0, locked_until=None)
            return
        failures += 1
        limit = settings.PIN_MAX_FAILURES
        locked = now + timedelta(minutes=settings.PIN_LOCK_MINUTES) if failures >= limit else None
        Pin.objects.filter(pk=record.pk).update(
            failures=0 if locked else failures, locked_until=locked
        )
    if locked:
        raise PinLocked(until=locked)
    raise PinWrong(tries_left=limit - failures)


def _pin_is(record: Pin, user: User, pin: str) -> bool:
    return hmac.compare_digest(record.digest, _pin_digest(user.pk, record.salt, pin[:12]))


def pin_reset(*, user: User) -> None:
    """Forget a villager's PIN (they forgot it and showed who they are at the service centre);
    they set a new one on their own phone."""
    Pin.objects.filter(user=user).delete()
