"""Answer a replayed form once: the guard behind the offline queue.

A form that the page script queued while offline carries a hidden ``request_key`` made when it
was queued; the queue may send it more than once (a lost answer, two tabs replaying). The view
runs its action through ``once``: the key is recorded in the same transaction as the action, so
a replay finds it, skips the action and the view answers as it does on success. A refused
action records nothing: its replay runs again and is refused again. A form without a key, or
with a malformed one, acts as it always did.

Signed-in users' keys are ``RequestKey`` rows (unique per user; two concurrent replays wait on
the index, and the second one finds the key), pruned after ``RETENTION`` by ``manage.py
request_keys_prune``. A visitor's last keys live in their session, beside the session cart
they guard.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Final, Literal, TypeVar

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from sokoni.core.models import RequestKey

FIELD: Final = "request_key"
RETENTION: Final = timedelta(days=7)
SESSION_KEY: Final = "request_keys"
SESSION_KEEP: Final = 50
_FORMAT: Final = re.compile(r"[A-Za-z0-9_-]{16,64}")

T = TypeVar("T")


class Replay(enum.Enum):
    """What ``once`` returns instead of running an action a second time."""

    REPLAYED = "replayed"


REPLAYED: Final = Replay.REPLAYED


def request_key(request: HttpRequest) -> str | None:
    """The POSTed key, or None when there is none or it is malformed (then no guard)."""
    key = request.POST.get(FIELD, "")
    return key if _FORMAT.fullmatch(key) else None


def once(request: HttpRequest, action: Callable[[], T]) -> T | Literal[Replay.REPLAYED]:
    """Run ``action`` unless this user already sent this request's key; then ``REPLAYED``.

    Exceptions from ``action`` propagate and leave the key unrecorded.
    """
    key = request_key(request)
    if key is None:
        return action()
    user = request.user
    if not user.is_authenticated:
        return _once_in_session(request, key, action)
    with transaction.atomic():
        try:
            with transaction.atomic():
                RequestKey.objects.create(user_id=user.pk, key=key)
        except IntegrityError:
            return REPLAYED
        return action()


def _once_in_session(
    request: HttpRequest, key: str, action: Callable[[], T]
) -> T | Literal[Replay.REPLAYED]:
    seen = request.session.get(SESSION_KEY)
    keys = [k for k in seen if isinstance(k, str)] if isinstance(seen, list) else []
    if key in keys:
        return REPLAYED
    result = action()
    request.session[SESSION_KEY] = [*keys, key][-SESSION_KEEP:]
    return result


def request_keys_prune(*, now: datetime | None = None) -> int:
    """Forget keys older than ``RETENTION``; return how many were deleted."""
    before = (now or timezone.now()) - RETENTION
    deleted, _rows = RequestKey.objects.filter(created_at__lt=before).delete()
    return deleted
