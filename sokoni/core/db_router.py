"""Reads from a PostgreSQL read replica, only where a stale answer is harmless.

With ``DATABASE_REPLICA_URL`` set, settings add a database alias ``replica`` (a streaming
replica of the primary). Everything still goes to the primary (``default``) except the reads
made inside an explicit read-only scope, ``reads_from_replica`` on a view or ``replica_reads()``
around a selector call, and even there a read goes to the primary when:

- no replica is configured, or ``REPLICA_READS`` is off;
- the primary has a transaction open (the reads must see what it wrote, and locks are there);
- something was written in the same scope or request (the replica may not have it yet);
- the visitor wrote in the last ``REPLICA_AFTER_WRITE_SECONDS`` seconds: ``ReadYourWrites``
  sets a short-lived cookie on the answer to any request that wrote (any POST, PUT, PATCH or
  DELETE, or a routed write), so a buyer who just changed something sees it on the next pages.

Writes always go to the primary, and migrations never run on the replica. The scopes are
context variables, so threads and requests never see each other's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any, Final

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse

REPLICA: Final = "replica"
# Set on the answer to a request that wrote; while present, every read goes to the primary.
WROTE_COOKIE: Final = "sokoni_wrote"
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


@dataclass
class _Writes:
    """Whether anything was written since this scope or request began."""

    wrote: bool = False


_scope: ContextVar[_Writes | None] = ContextVar("sokoni_replica_scope", default=None)
_request: ContextVar[_Writes | None] = ContextVar("sokoni_request_writes", default=None)
_pinned: ContextVar[bool] = ContextVar("sokoni_pinned_to_primary", default=False)


def replica_configured() -> bool:
    return settings.REPLICA_READS and REPLICA in settings.DATABASES


def replica_allowed() -> bool:
    """Whether a read made now may go to the replica (see the module's doc for the rules)."""
    scope = _scope.get()
    if scope is None or scope.wrote or _pinned.get() or not replica_configured():
        return False
    request = _request.get()
    if request is not None and request.wrote:
        return False
    return not connections[DEFAULT_DB_ALIAS].in_atomic_block


@contextmanager
def replica_reads() -> Iterator[None]:
    """Let the reads made inside go to the replica, when ``replica_allowed()`` says so."""
    token = _scope.set(_Writes())
    try:
        yield
    finally:
        _scope.reset(token)


View = Callable[..., HttpResponse]


def reads_from_replica(view: View) -> View:
    """Run a read-only view's reads in ``replica_reads()`` (GET and HEAD requests only)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in {"GET", "HEAD"}:
            return view(request, *args, **kwargs)
        with replica_reads():
            return view(request, *args, **kwargs)

    return wrapped


def _note_write() -> None:
    for var in (_scope, _request):
        writes = var.get()
        if writes is not None:
            writes.wrote = True


class ReplicaRouter:
    """Send reads in a read-only scope to the replica; everything else to the primary."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        if not replica_configured():
            return None
        return REPLICA if replica_allowed() else DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        _note_write()
        return DEFAULT_DB_ALIAS if replica_configured() else None

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        # The replica holds the primary's rows: an object read from either may refer to one
        # read from the other.
        both = {obj1._state.db, obj2._state.db}
        return True if both <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


class ReadYourWrites:
    """Keep a visitor's reads on the primary for a few seconds after any request that wrote.

    Place it before SessionMiddleware, so that the session's own save counts as a write.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        writes = _Writes(wrote=request.method not in SAFE_METHODS)
        request_token = _request.set(writes)
        pinned_token = _pinned.set(WROTE_COOKIE in request.COOKIES)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(request_token)
            _pinned.reset(pinned_token)
        if writes.wrote and replica_configured():
            response.set_cookie(
                WROTE_COOKIE,
                "1",
                max_age=settings.REPLICA_AFTER_WRITE_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
