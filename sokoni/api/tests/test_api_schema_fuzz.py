"""A few schemathesis examples per operation, in process against the WSGI application.

``make fuzz`` runs the real thing (a server, the demo world, two users, minutes); this keeps
the cheap part in the suite: every operation, a handful of generated requests (valid and
invalid) as a signed-in user on an almost empty database, each answer checked against the
OpenAPI document (no 5xx, a declared status, the declared content type and shape).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sokoni.accounts.services import api_token_issue
from sokoni.accounts.tests.factories import PASSWORD, UserFactory

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Called straight through WSGI, each request would end with Django's
    close_old_connections, which closes a connection inside the test's transaction (on
    PostgreSQL): keep it open, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db):
    user = UserFactory()
    raw, _token = api_token_issue(phone=user.phone, password=PASSWORD, ip=None)
    return raw


@schema.parametrize()
@settings(
    max_examples=3,
    phases=[Phase.explicit, Phase.generate],
    database=None,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_every_operation_answers_as_its_schema_says(case, bearer):
    # identity: the WSGI transport does not undo GZipMiddleware's compression.
    headers = {"Authorization": f"Bearer {bearer}", "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, checks=CHECKS)
