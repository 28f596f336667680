"""Bad input through Django (issue 8): oversized, malformed and mistyped requests to pages, the
API, the webhooks and the USSD/SMS endpoints are refused with a 4xx and logged on
sokoni.security; none is a 500 or shows a stack trace. (tests/test_gunicorn_limits.py sends
what only a real server sees: huge request lines and headers, trickling clients.)"""

import json

import pytest
from django.test import Client

from sokoni.accounts.models import ApiToken, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    client = Client()
    client.raise_request_exception = False  # a 500 must show as one, not as an exception
    return client


def refused_and_logged(response, caplog, status):
    assert response.status_code == status, response.content[:300]
    assert b"Traceback" not in response.content
    assert any(r.name == "sokoni.security" for r in caplog.records), caplog.text


@pytest.fixture(autouse=True)
def _watch_security_log(caplog):
    caplog.set_level("WARNING", logger="sokoni.security")


def test_a_form_over_the_body_limit_is_the_400_page(client, caplog, settings):
    # given
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    # when
    response = client.post(
        "/accounts/signup/", {"phone": "0712345678", "name": "x" * 20_000, "password": "x"}
    )
    # then
    refused_and_logged(response, caplog, 400)
    assert response["Content-Type"].startswith("text/html")
    assert User.objects.count() == 0


def test_a_form_with_too_many_fields_is_400(client, caplog):
    # when
    response = client.post("/accounts/login/", {f"f{n}": "1" for n in range(1_500)})
    # then
    refused_and_logged(response, caplog, 400)


def test_a_truncated_multipart_body_is_never_a_500(client, caplog):
    """A form cut off mid-part: Django reads what is there (the form then says what is
    missing) or refuses it; either way no 500."""
    # when
    response = client.post(
        "/accounts/login/",
        data=b'--xx\r\nContent-Disposition: form-data; name="phone"\r\n\r\n',
        content_type="multipart/form-data; boundary=xx",
    )
    # then
    assert response.status_code in {200, 400}
    assert b"Traceback" not in response.content


def test_an_unknown_host_is_400(client, caplog):
    # when
    response = client.get("/", HTTP_HOST="evil.example")
    # then
    refused_and_logged(response, caplog, 400)


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("[" * 100_000 + "]" * 100_000, "application/json", 400),  # nesting bomb
        ('{"phone": "+254700000000", "password": "x"', "application/json", 400),
        (b"\xff\xfe\x00", "application/json", 400),
        ('{"phone": "+254700000000", "password": "x"}', "text/plain", 415),
        ('{"phone": "+254700000000", "password": "x"}', "application/xml", 415),
        ('{"phone": "+254700000000", "password": "x"}', "", 415),
    ],
)
def test_malformed_or_mistyped_api_bodies_are_json_4xx(client, caplog, body, content_type, status):
    # when
    response = client.post("/api/v1/auth/token", data=body, content_type=content_type)
    # then
    refused_and_logged(response, caplog, status)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]
    assert ApiToken.objects.count() == 0


def test_an_api_body_over_the_limit_is_a_json_413(client, caplog, settings):
    # given
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1_000
    body = json.dumps({"phone": "+254700000000", "password": "x" * 5_000})
    # when
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    # then
    refused_and_logged(response, caplog, 413)
    assert response.json() == {"detail": "The request body is too large.", "code": "api.too_large"}


@pytest.mark.parametrize(
    "path", ["/payments/webhooks/sandbox-mobile/", "/logistics/courier/sandbox/events/"]
)
def test_webhook_bodies_that_are_not_json_are_refused(client, caplog, path):
    # when
    response = client.post(path, data=b"\x00\xff not json", content_type="application/json")
    # then
    assert 400 <= response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
    assert any(r.name == "sokoni.security" for r in caplog.records)


@pytest.mark.parametrize(
    "path",
    ["/search/?q=%ff%fe", "/search/?q=" + "a" * 5_000, "/villages/%ff/", "/search/?page=-1&q=x"],
)
def test_odd_paths_and_queries_are_never_a_500(client, path):
    # when
    response = client.get(path)
    # then
    assert response.status_code < 500
    assert b"Traceback" not in response.content
