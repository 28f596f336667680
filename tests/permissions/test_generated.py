"""Every page and API operation, tried by every party that should be refused.

Generated from two sources: Django's URL resolver (every pattern, the language-prefixed ones
once) and the API's routers (every django-ninja operation). Each route is classified in
``routes.py``; an unclassified route fails ``test_every_url_pattern_is_classified`` or
``test_every_api_operation_is_classified``, naming it. For each route that names an object
of party A, each method its view accepts is tried by anonymous and by every other party (a
seller, a buyer, an operator, a village admin and a courier of party B, and A's other roles):
anonymous must be sent to log in (API: 401), everyone else must get 403 or 404, and nothing
may change in the database. A positive control checks that the owner gets through, so a
broken route or a wrong fixture fails instead of passing as "refused". See docs/permissions.md.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.permissions.routes import (
    ADMIN_NAMESPACE,
    API,
    LOGIN,
    MIXED,
    OWN,
    PUBLIC,
    STAFF,
    WEB,
    Route,
)
from tests.permissions.world import OWNERS, ROLES_B

ANONYMOUS = "anonymous"
PARTIES_A = tuple(role for role in OWNERS if role != "staff")
REFUSED = (403, 404)
API_PREFIX = "/api/v1"


# -- the routes, from the resolver and the API's routers ---------------------------------------


def _web_patterns() -> Iterator[tuple[str, str, Any]]:
    """(key, pattern, view) of every URL pattern outside the API's operations; the key is the
    namespaced URL name, or the pattern itself for an unnamed one."""

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> Iterator[tuple[str, str, Any]]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                yield from walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                pattern = prefix + str(entry.pattern)
                if getattr(entry.callback, "__module__", "") == "ninja.operation":
                    continue  # an API operation: classified in API
                name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
                yield name or pattern, pattern, entry.callback

    # i18n_patterns resolve under the active language's prefix; the default language has none,
    # so each of those patterns is listed once.
    yield from walk(get_resolver(), "", "")


def _api_operations() -> Iterator[tuple[str, Any]]:
    """("METHOD /path", view function) of every API operation, the hidden ones included."""
    from sokoni.api.api import api

    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                for method in operation.methods:
                    yield f"{method} {prefix}{path}", operation.view_func


def _schema_operations() -> set[str]:
    """("METHOD /path") of every operation the OpenAPI schema publishes."""
    from sokoni.api.api import api

    schema = api.get_openapi_schema()
    return {
        f"{method.upper()} {path.removeprefix(API_PREFIX)}"
        for path, operations in schema["paths"].items()
        for method in operations
    }


WEB_VIEWS = {key: view for key, _pattern, view in _web_patterns()}
# The API's own answers to unknown paths and wrong methods: no object, nothing to protect.
API_PLUMBING = {"not_found", "method_not_allowed"}


def _is_admin(key: str, pattern: str) -> bool:
    return key.startswith(f"{ADMIN_NAMESPACE}:") or pattern.startswith("admin/")


def test_every_url_pattern_is_classified():
    """A new page must say who may use it before it ships."""
    missing = [
        f"{key}  ({pattern})"
        for key, pattern, _view in _web_patterns()
        if key not in WEB and not _is_admin(key, pattern)
    ]
    assert not missing, (
        "These URL patterns are not classified in tests/permissions/routes.py (WEB). Add each "
        "with its kind (public, login, staff, own with the function giving the kwargs of party "
        "A's object and its owner, webhook); see docs/permissions.md:\n  " + "\n  ".join(missing)
    )


def test_every_api_operation_is_classified():
    """A new API operation must say who may use it before it ships."""
    routed = {key for key, view in _api_operations() if view.__name__ not in API_PLUMBING}
    missing = sorted((routed | _schema_operations()) - set(API))
    assert not missing, (
        "These API operations are not classified in tests/permissions/routes.py (API). Add "
        "each as public, login or own (with the object's kwargs and owner); see "
        "docs/permissions.md:\n  " + "\n  ".join(missing)
    )


def test_the_tables_name_only_routes_that_exist():
    """A route renamed or removed leaves no stale entry that would test nothing."""
    web = {key for key, _pattern, _view in _web_patterns()}
    api = {key for key, _view in _api_operations()}
    assert sorted(set(WEB) - web) == []
    assert sorted(set(API) - api) == []


# -- which methods a view accepts ----------------------------------------------------------------


def _declared_methods(view: Any) -> set[str] | None:
    """The methods of the view's ``require_http_methods`` (or ``require_POST``...), if any."""
    func = view
    while func is not None:
        code = getattr(func, "__code__", None)
        if code is not None and "request_method_list" in code.co_freevars:
            cell = func.__closure__[code.co_freevars.index("request_method_list")]
            return set(cell.cell_contents)
        func = getattr(func, "__wrapped__", None)
    return None


def _web_methods(key: str, route: Route) -> tuple[str, ...]:
    if route.methods:
        return route.methods
    declared = _declared_methods(WEB_VIEWS[key])
    if declared is None:
        return ("GET", "POST")
    return tuple(m for m in ("GET", "POST") if m in declared)


def _api_method_path(key: str) -> tuple[str, str]:
    method, path = key.split(" ", 1)
    return method, path


# -- the database, before and after --------------------------------------------------------------


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the sessions (logging a party in writes one)."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model is Session or model._meta.proxy:
            continue
        rows[model._meta.label] = list(model._default_manager.order_by("pk").values_list())
    return rows


def _diff(before: dict[str, list[tuple[Any, ...]]]) -> dict[str, Any]:
    after = _snapshot()
    changed = {}
    for label, rows in after.items():
        old = before.get(label, [])
        if rows != old:
            added = [row for row in rows if row not in old]
            gone = [row for row in old if row not in rows]
            changed[label] = {"now": added[:3], "before": gone[:3]}
    return changed


class Unchanged:
    """Whether a request wrote nothing to the database.

    On SQLite the connection counts every row inserted, updated or deleted
    (``total_changes``): reading it before and after costs nothing, where dumping the 80
    tables twice per test costs 150 ms. Other databases, or ``PERMISSIONS_DUMP=1`` to see
    which rows a failing test wrote, dump every table before and after and compare.
    """

    def __init__(self) -> None:
        self.counter = self._counter()
        self.before = _snapshot() if self.counter is None else None

    @staticmethod
    def _counter() -> int | None:
        if connection.vendor != "sqlite" or os.environ.get("PERMISSIONS_DUMP"):
            return None
        connection.ensure_connection()
        return int(connection.connection.total_changes)

    def changes(self) -> dict[str, Any]:
        if self.counter is not None:
            written = self._counter() - self.counter
            if written == 0:
                return {}
            return {"rows written": written}
        assert self.before is not None
        return _diff(self.before)


# -- requests --------------------------------------------------------------------------------------


def _client(world: Any, role: str) -> Client:
    client = Client()
    if role != ANONYMOUS:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def _web(client: Client, method: str, url: str, data: dict[str, Any]) -> Any:
    if method == "GET":
        return client.get(url)
    return client.post(url, data)


def _api(world: Any, role: str, key: str, route: Route) -> Any:
    method, path = _api_method_path(key)
    url = API_PREFIX + path.format(**route.kwargs(world))
    headers = {}
    if role != ANONYMOUS:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[role]}"
    client = Client()
    body = route.data(world)
    if method == "GET":
        return client.get(url, **headers)
    return client.generic(
        method, url, data=json.dumps(body), content_type="application/json", **headers
    )


def _login_url() -> str:
    return reverse("accounts:login")


def _sent_to_log_in(response: Any) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and (
        location.startswith(_login_url()) or location.startswith(reverse("admin:login"))
    )


def _describe(response: Any) -> str:
    body = response.content[:300].decode(errors="replace").replace("\n", " ")
    return f"{response.status_code} {response.get('Location', '')} {body}"


def _leaks(world: Any, response: Any) -> list[str]:
    """Which of party A's private details the response shows (but for those the requester
    typed in the address themselves, which a "not found" page may repeat)."""
    text = response.content.decode(errors="replace")
    asked = response.wsgi_request.get_full_path()
    return [marker for marker in world.private if marker in text and marker not in asked]


# -- the generated cases ---------------------------------------------------------------------------


def _wrong_parties(route: Route) -> list[str]:
    allowed = {route.owner, *route.allowed}
    return [ANONYMOUS, *ROLES_B, *(role for role in PARTIES_A if role not in allowed)]


def _own_web_cases() -> list[Any]:
    return [
        pytest.param(key, role, method, id=f"{key}-{method}-{role}")
        for key, route in WEB.items()
        if route.kind == OWN
        for method in _web_methods(key, route)
        for role in _wrong_parties(route)
    ]


def _own_web_owner_cases() -> list[Any]:
    return [
        pytest.param(key, method, role, id=f"{key}-{method}-{role}")
        for key, route in WEB.items()
        if route.kind == OWN
        for method in _web_methods(key, route)
        for role in (route.owner, *route.allowed)
    ]


def _own_api_cases() -> list[Any]:
    return [
        pytest.param(key, role, id=f"{key}-{role}")
        for key, route in API.items()
        if route.kind == OWN
        for role in _wrong_parties(route)
    ]


@pytest.mark.parametrize(("key", "role", "method"), _own_web_cases())
def test_others_are_refused_the_page_of_an_object_of_party_a(world, key, role, method):
    """Anonymous is sent to log in; any other party gets 403 or 404; nothing changes."""
    # given
    route = WEB[key]
    client = _client(world, role)
    url = reverse(key, kwargs=route.kwargs(world))
    before = Unchanged()
    # when
    response = _web(client, method, url, route.data(world))
    # then
    if role == ANONYMOUS:
        assert _sent_to_log_in(response), f"{method} {url}: {_describe(response)}"
    else:
        assert response.status_code in REFUSED, f"{role} {method} {url}: {_describe(response)}"
    assert _leaks(world, response) == []
    assert before.changes() == {}


@pytest.mark.parametrize(("key", "method", "role"), _own_web_owner_cases())
def test_the_owner_reaches_the_page_of_their_object(world, key, method, role):
    """Positive control: the owner (and whoever else may) is not refused, so the refusals
    above mean something."""
    # given
    route = WEB[key]
    client = _client(world, role)
    url = reverse(key, kwargs=route.kwargs(world))
    # when
    response = _web(client, method, url, route.data(world))
    # then
    assert response.status_code not in (*REFUSED, 500), f"{method} {url}: {_describe(response)}"
    assert not _sent_to_log_in(response), f"{method} {url}: {_describe(response)}"
    if method == "GET":
        assert response.status_code in (200, 302, 405), f"{url}: {_describe(response)}"


@pytest.mark.parametrize(("key", "role"), _own_api_cases())
def test_others_are_refused_an_object_of_party_a_through_the_api(world, key, role):
    """Without a token: 401; with another party's token: 403 or 404; nothing changes."""
    # given
    route = API[key]
    before = Unchanged()
    # when
    response = _api(world, role, key, route)
    # then
    expected = (401,) if role == ANONYMOUS else REFUSED
    assert response.status_code in expected, f"{role} {key}: {_describe(response)}"
    assert _leaks(world, response) == []
    assert before.changes() == {}


@pytest.mark.parametrize(
    ("key", "role"),
    [
        pytest.param(key, role, id=f"{key}-{role}")
        for key, route in API.items()
        if route.kind == OWN
        for role in (route.owner, *route.allowed)
    ],
)
def test_the_owner_reaches_their_object_through_the_api(world, key, role):
    """Positive control: the owner's token (and that of whoever else may) gets a 2xx answer."""
    # given
    route = API[key]
    # when
    response = _api(world, role, key, route)
    # then
    assert 200 <= response.status_code < 300, f"{key}: {_describe(response)}"


@pytest.mark.parametrize("key", [k for k, r in WEB.items() if r.kind == LOGIN])
def test_a_signed_in_page_sends_anonymous_to_log_in_and_serves_its_user(world, key):
    """No object in the URL: each person sees their own; a visitor is asked to log in."""
    # given
    route = WEB[key]
    url = reverse(key, kwargs=route.kwargs(world))
    method = _web_methods(key, route)[0]
    # when
    anonymous = _web(_client(world, ANONYMOUS), method, url, {})
    served = _web(_client(world, route.owner), method, url, {})
    # then
    assert _sent_to_log_in(anonymous), f"{method} {url}: {_describe(anonymous)}"
    assert served.status_code == route.status, f"{method} {url}: {_describe(served)}"


def _login_cases(table: dict[str, Route], web: bool) -> list[Any]:
    return [
        pytest.param(key, role, id=f"{key}-{role}")
        for key, route in table.items()
        if route.kind == LOGIN and (not web or "GET" in _web_methods(key, route))
        if web or key.startswith("GET ")
        for role in ROLES_B
    ]


@pytest.mark.parametrize(("key", "role"), _login_cases(WEB, web=True))
def test_a_signed_in_page_shows_party_b_nothing_of_party_a(world, key, role):
    """Lists and dashboards are scoped to their reader: party B sees no name, phone number,
    order number, parcel code or message of party A's."""
    # given
    route = WEB[key]
    client = _client(world, role)
    url = reverse(key, kwargs=route.kwargs(world))
    before = Unchanged()
    # when
    response = client.get(url)
    # then
    assert response.status_code < 500, f"{role} {url}: {_describe(response)}"
    assert _leaks(world, response) == [], f"{role} {url}"
    assert before.changes() == {}


@pytest.mark.parametrize(("key", "role"), _login_cases(API, web=False))
def test_a_signed_in_api_operation_shows_party_b_nothing_of_party_a(world, key, role):
    # given
    route = API[key]
    # when
    response = _api(world, role, key, route)
    # then
    assert response.status_code == 200, f"{role} {key}: {_describe(response)}"
    assert _leaks(world, response) == [], f"{role} {key}"


@pytest.mark.parametrize("key", [k for k, r in API.items() if r.kind == LOGIN])
def test_a_signed_in_api_operation_needs_a_token(world, key):
    # given
    route = API[key]
    before = Unchanged()
    # when
    response = _api(world, ANONYMOUS, key, route)
    # then
    assert response.status_code == 401, f"{key}: {_describe(response)}"
    assert before.changes() == {}


def _staff_cases() -> list[Any]:
    return [
        pytest.param(key, role, id=f"{key}-{role}")
        for key, route in WEB.items()
        if route.kind == STAFF
        for role in (ANONYMOUS, *ROLES_B, *PARTIES_A)
    ]


@pytest.mark.parametrize(("key", "role"), _staff_cases())
def test_a_staff_page_refuses_everyone_else(world, key, role):
    # given
    route = WEB[key]
    url = reverse(key, kwargs=route.kwargs(world))
    client = _client(world, role)
    before = Unchanged()
    for method in _web_methods(key, route):
        # when
        response = _web(client, method, url, {})
        # then
        if role == ANONYMOUS:
            assert _sent_to_log_in(response), f"{method} {url}: {_describe(response)}"
        else:
            assert response.status_code in REFUSED or _sent_to_log_in(response), (
                f"{role} {method} {url}: {_describe(response)}"
            )
    assert before.changes() == {}


@pytest.mark.parametrize("key", [k for k, r in WEB.items() if r.kind == STAFF])
def test_a_staff_page_serves_staff(world, key):
    """Positive control for the staff pages."""
    route = WEB[key]
    url = reverse(key, kwargs=route.kwargs(world))
    method = _web_methods(key, route)[0]
    response = _web(_client(world, "staff"), method, url, {})
    assert response.status_code in (200, 405), f"{url}: {_describe(response)}"


@pytest.mark.parametrize("key", [k for k, r in WEB.items() if r.kind == PUBLIC])
def test_a_public_page_answers_anyone(world, key):
    """Positive control for the public pages (their status, so a broken one fails)."""
    route = WEB[key]
    url = reverse(key, kwargs=route.kwargs(world))
    method = _web_methods(key, route)[0]
    response = _web(_client(world, ANONYMOUS), method, url, route.data(world))
    assert response.status_code == route.status, f"{url}: {_describe(response)}"


@pytest.mark.parametrize("key", [k for k, r in API.items() if r.kind == PUBLIC])
def test_a_public_api_operation_answers_without_a_token(world, key):
    route = API[key]
    response = _api(world, ANONYMOUS, key, route)
    assert response.status_code == route.status, f"{key}: {_describe(response)}"


def _admin_pages() -> list[str]:
    return [
        key
        for key, pattern, _view in _web_patterns()
        if _is_admin(key, pattern) and (key.endswith("_changelist") or key == "admin:index")
    ]


@pytest.mark.parametrize("key", _admin_pages())
def test_the_admin_is_for_staff_only(world, key):
    """Every party but staff is sent to the admin's login page; staff get in."""
    url = reverse(key)
    for role in (ANONYMOUS, *ROLES_B, *PARTIES_A):
        response = _client(world, role).get(url)
        assert _sent_to_log_in(response), f"{role} {url}: {_describe(response)}"
    assert _client(world, "staff").get(url).status_code == 200


@pytest.mark.parametrize(
    "probe", [pytest.param(m, id=f"{m.key}-{m.role}-{i}") for i, m in enumerate(MIXED)]
)
def test_an_object_of_party_a_is_not_reached_under_a_parent_of_party_b(world, probe):
    """Village admin B with their village's address and A's centre, seller B with their
    product's address and A's photo, and so on: refused, nothing changed."""
    # given
    before = Unchanged()
    # when
    if probe.key in API:
        route = API[probe.key]
        response = _api(
            world, probe.role, probe.key, replace(route, kwargs=probe.kwargs, data=probe.data)
        )
        methods = [probe.key]
        responses = [response]
    else:
        url = reverse(probe.key, kwargs=probe.kwargs(world))
        client = _client(world, probe.role)
        methods = list(_web_methods(probe.key, WEB[probe.key]))
        responses = [_web(client, method, url, probe.data(world)) for method in methods]
    # then
    for method, response in zip(methods, responses, strict=True):
        # A GET on a POST-only action answers 405 for the parent's owner: nothing to see.
        refused = (*REFUSED, 405) if method == "GET" else REFUSED
        assert response.status_code in refused, f"{probe.role} {method}: {_describe(response)}"
        assert _leaks(world, response) == []
    assert before.changes() == {}


def _public_gets() -> list[Any]:
    return [
        pytest.param(key, id=key)
        for key, route in WEB.items()
        if route.kind == PUBLIC and "GET" in _web_methods(key, route) and route.status == 200
    ]


@pytest.mark.parametrize("key", _public_gets())
def test_a_public_page_read_by_party_a_shows_others_nothing_of_theirs(world, key):
    """Public pages are kept for a few seconds for visitors (sokoni.web.page_cache): what
    buyer and seller A read signed in must never be served to a visitor or to party B."""
    # given: A's parties read the page first (and fill any cache)
    route = WEB[key]
    url = reverse(key, kwargs=route.kwargs(world))
    for role in ("buyer_a", "seller_a"):
        assert _client(world, role).get(url).status_code == 200
    # when
    readers = {role: _client(world, role).get(url) for role in (ANONYMOUS, *ROLES_B)}
    # then
    for role, response in readers.items():
        assert response.status_code == 200, f"{role} {url}: {_describe(response)}"
        assert _leaks(world, response) == [], f"{role} {url}"
