"""The Africa's Talking backend: the real SDK against a fake network under ``requests``.

No test reaches the network: ``requests``' transport adapter is replaced, so the SDK builds
and sends its request and reads the answer exactly as in production.
"""

import json
import logging
import runpy
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs

import africastalking
import pytest
import requests
from django.utils import timezone

import sokoni
from sokoni.messaging.gateways import (
    AT_TIMEOUT_SECONDS,
    GATEWAYS,
    AfricasTalkingGateway,
    SmsGatewayError,
    sms_gateway,
)
from sokoni.messaging.models import SmsStatus
from sokoni.messaging.outbound import sms_enqueue

TO = "+254722000111"
API_KEY = "atsk_0123456789abcdef_test_key"
SANDBOX_URL = "https://api.sandbox.africastalking.com/version1/messaging"
LIVE_URL = "https://api.africastalking.com/version1/messaging"

pytestmark = pytest.mark.django_db


def recipient(code, status, *, message_id="None", cost="0", number=TO):
    return {
        "statusCode": code,
        "number": number,
        "status": status,
        "cost": cost,
        "messageId": message_id,
    }


def answer(*recipients, message="Sent to 1/1 Total Cost: KES 0.8000"):
    return {"SMSMessageData": {"Message": message, "Recipients": list(recipients)}}


ACCEPTED = answer(recipient(101, "Success", message_id="ATXid_4f1c2a", cost="KES 0.8000"))


class FakeNetwork:
    """Answers the SDK's HTTP requests from a script and records them."""

    def __init__(self):
        self.script = []
        self.requests = []

    def reply(self, body, *, status=201, content_type="application/json"):
        text = body if isinstance(body, str) else json.dumps(body)
        self.script.append((status, content_type, text))

    def fail(self, error):
        self.script.append(error)

    def send(self, request, **kwargs):
        self.requests.append((request, kwargs))
        assert self.script, f"unexpected request to {request.url}"
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        status, content_type, text = step
        response = requests.Response()
        response.status_code = status
        response.headers["Content-Type"] = content_type
        response._content = text.encode()
        response.encoding = "utf-8"
        response.url = request.url
        response.request = request
        return response

    def form(self, index=-1):
        return {k: v[0] for k, v in parse_qs(self.requests[index][0].body).items()}


@pytest.fixture
def network(monkeypatch):
    fake = FakeNetwork()
    monkeypatch.setattr(
        requests.adapters.HTTPAdapter,
        "send",
        lambda adapter, request, **kwargs: fake.send(request, **kwargs),
    )
    return fake


@pytest.fixture
def gateway(settings, monkeypatch):
    """A fresh Africa's Talking backend, selected by settings, on the sandbox account."""
    settings.SMS_BACKEND = "africastalking"
    settings.AFRICASTALKING_USERNAME = "sandbox"
    settings.AFRICASTALKING_API_KEY = API_KEY
    settings.AFRICASTALKING_SENDER_ID = "SOKONI"
    fresh = AfricasTalkingGateway()
    monkeypatch.setitem(GATEWAYS, "africastalking", fresh)
    return fresh


def test_an_accepted_message_is_marked_sent_with_the_providers_id(tasks, network, gateway):
    """The provider's messageId is what the outbox keeps, so delivery reports can find it."""
    # given
    network.reply(ACCEPTED)
    sms = sms_enqueue(to=TO, body="Agizo SK-000042 limetumwa.")
    # when
    tasks.run()
    # then
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.provider_message_id) == ("sent", 1, "ATXid_4f1c2a")
    assert sms.sent_at is not None
    assert (sms.last_error, sms.next_attempt_at) == ("", None)
    request, options = network.requests[0]
    assert (request.method, request.url) == ("POST", SANDBOX_URL)
    assert request.headers["apiKey"] == API_KEY
    assert network.form() == {
        "username": "sandbox",
        "to": TO,
        "message": "Agizo SK-000042 limetumwa.",
        "from": "SOKONI",
        "bulkSMSMode": "1",
    }
    assert options["timeout"] == AT_TIMEOUT_SECONDS


@pytest.mark.parametrize(
    ("code", "status"), [(100, "Processed"), (101, "Success"), (102, "Queued")]
)
def test_every_accepted_status_returns_the_message_id(network, gateway, code, status):
    network.reply(answer(recipient(code, status, message_id="ATXid_1")))
    assert gateway.send(to=TO, body="Hello") == "ATXid_1"


def test_a_json_answer_with_a_charset_is_read_too(network, gateway):
    """The SDK decodes JSON only for exactly "application/json"; otherwise it hands over text."""
    network.reply(ACCEPTED, content_type="application/json; charset=utf-8")
    assert gateway.send(to=TO, body="Hello") == "ATXid_4f1c2a"


def test_no_sender_id_sends_without_from(network, gateway, settings):
    # given
    settings.AFRICASTALKING_SENDER_ID = ""
    network.reply(ACCEPTED)
    # when
    gateway.send(to=TO, body="Hello")
    # then
    assert "from" not in network.form()


def test_a_live_username_talks_to_the_live_api(network, gateway, settings):
    # given
    settings.AFRICASTALKING_USERNAME = "sokoni"
    network.reply(ACCEPTED)
    # when
    gateway.send(to=TO, body="Hello")
    # then
    assert network.requests[0][0].url == LIVE_URL
    assert network.form()["username"] == "sokoni"


def test_a_permanent_refusal_fails_the_message_without_retry(tasks, network, gateway):
    """InvalidPhoneNumber (403) will not change: failed at once, no second request."""
    # given
    network.reply(answer(recipient(403, "InvalidPhoneNumber"), message="Sent to 0/1"))
    sms = sms_enqueue(to=TO, body="Paid")
    # when
    tasks.run(now=timezone.now() + timedelta(hours=1))
    # then
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.provider_message_id) == (SmsStatus.FAILED, 1, "")
    assert sms.last_error == "Africa's Talking: InvalidPhoneNumber (403)"
    assert sms.next_attempt_at is None
    assert len(network.requests) == 1
    assert tasks.queued == []


@pytest.mark.parametrize(
    ("code", "status", "retryable"),
    [
        (401, "RiskHold", True),
        (402, "InvalidSenderId", False),
        (403, "InvalidPhoneNumber", False),
        (404, "UnsupportedNumberType", False),
        (405, "InsufficientBalance", True),
        (406, "UserInBlacklist", False),
        (407, "CouldNotRoute", True),
        (409, "DoNotDisturbRejection", False),
        (500, "InternalServerError", True),
        (501, "GatewayError", True),
        (502, "RejectedByGateway", False),
        (499, "SomethingNew", True),  # an unknown refusal is retried (a bounded number of times)
    ],
)
def test_each_refusal_is_retryable_or_not_by_its_status_code(
    network, gateway, code, status, retryable
):
    network.reply(answer(recipient(code, status), message="Sent to 0/1"))
    with pytest.raises(SmsGatewayError) as refused:
        gateway.send(to=TO, body="Hello")
    assert refused.value.retryable is retryable
    assert str(refused.value) == f"Africa's Talking: {status} ({code})"


def test_a_status_code_sent_as_text_is_read(network, gateway):
    network.reply(answer(recipient("406", "UserInBlacklist")))
    with pytest.raises(SmsGatewayError) as refused:
        gateway.send(to=TO, body="Hello")
    assert refused.value.retryable is False


def test_a_request_refused_without_recipients_is_read_from_its_message(network, gateway):
    """A sender ID the account may not use comes back with no recipient, only a Message."""
    network.reply(answer(message="InvalidSenderId"))
    with pytest.raises(SmsGatewayError) as refused:
        gateway.send(to=TO, body="Hello")
    assert (refused.value.retryable, str(refused.value)) == (
        False,
        "Africa's Talking: InvalidSenderId (402)",
    )


def test_a_dnd_refusal_sent_with_http_409_is_not_retried(network, gateway):
    """Nigeria's DND window comes back as HTTP 409 with the usual body; the SDK raises."""
    network.reply(
        answer(recipient(409, "DoNotDisturbRejection"), message="Sent to 0/1"), status=409
    )
    with pytest.raises(SmsGatewayError) as refused:
        gateway.send(to=TO, body="Hello")
    assert refused.value.retryable is False


def test_a_retryable_refusal_is_tried_again_later(tasks, network, gateway):
    """InsufficientBalance (405): queued again 30 s later, sent once the account is topped up."""
    # given
    network.reply(answer(recipient(405, "InsufficientBalance"), message="Sent to 0/1"))
    network.reply(ACCEPTED)
    sms = sms_enqueue(to=TO, body="Paid")
    start = timezone.now()
    # when: the first try is refused
    tasks.run()
    # then
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (SmsStatus.QUEUED, 1)
    assert sms.last_error == "Africa's Talking: InsufficientBalance (405)"
    assert timedelta(seconds=29) < sms.next_attempt_at - start < timedelta(seconds=40)
    # when: the retry comes due
    tasks.run(now=start + timedelta(minutes=1))
    # then
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.provider_message_id) == ("sent", 2, "ATXid_4f1c2a")
    assert len(network.requests) == 2


@pytest.mark.parametrize(
    "error",
    [
        requests.exceptions.ReadTimeout("Read timed out. (read timeout=10.0)"),
        requests.exceptions.ConnectTimeout(
            "Connection to api.sandbox.africastalking.com timed out"
        ),
        requests.exceptions.ConnectionError("Name or service not known"),
    ],
    ids=["read-timeout", "connect-timeout", "connection-error"],
)
def test_a_network_failure_is_retried(tasks, network, gateway, error):
    # given
    network.fail(error)
    sms = sms_enqueue(to=TO, body="Paid")
    # when
    tasks.run()
    # then
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (SmsStatus.QUEUED, 1)
    assert sms.last_error.startswith(f"Africa's Talking: network error: {type(error).__name__}")
    assert sms.next_attempt_at is not None
    assert len(tasks.queued) == 1


def test_an_http_error_without_a_body_to_read_is_retried(network, gateway):
    network.reply("Internal Server Error", status=500, content_type="text/plain")
    with pytest.raises(SmsGatewayError) as refused:
        gateway.send(to=TO, body="Hello")
    assert refused.value.retryable is True
    assert str(refused.value) == "Africa's Talking: HTTP error: Internal Server Error"


def test_an_answer_that_is_not_json_is_retried(network, gateway):
    network.reply("<html>Bad gateway</html>", content_type="text/html")
    with pytest.raises(SmsGatewayError) as refused:
        gateway.send(to=TO, body="Hello")
    assert refused.value.retryable is True


def test_the_api_key_is_neither_logged_nor_stored(tasks, network, gateway, caplog):
    """Even when the provider or the network library echo the key, it is cut out."""
    # given: the provider and the network both echo the key
    caplog.set_level(logging.DEBUG)
    network.reply(f"The supplied authentication is invalid: {API_KEY}", status=401)
    network.fail(requests.exceptions.ReadTimeout(f"timed out, apiKey={API_KEY}"))
    network.reply(answer(recipient(406, "UserInBlacklist")))
    sms = sms_enqueue(to=TO, body="Paid")
    start = timezone.now()
    # when: a 401
    tasks.run()
    # then
    sms.refresh_from_db()
    assert sms.last_error == (
        "Africa's Talking: HTTP error: The supplied authentication is invalid: [redacted]"
    )
    # when: a timeout
    tasks.run(now=start + timedelta(seconds=31))
    # then
    sms.refresh_from_db()
    assert sms.last_error == (
        "Africa's Talking: network error: ReadTimeout: timed out, apiKey=[redacted]"
    )
    # when: a permanent refusal ends it
    tasks.run(now=start + timedelta(minutes=2))
    # then: the key went out in the request header only
    sms.refresh_from_db()
    assert (sms.status, sms.attempts) == (SmsStatus.FAILED, 3)
    assert [r.headers["apiKey"] for r, _ in network.requests] == [API_KEY] * 3
    assert caplog.text.count("[redacted]") == 2
    assert API_KEY not in caplog.text
    assert all(API_KEY not in record.getMessage() for record in caplog.records)


def test_a_missing_api_key_fails_without_calling_the_provider(tasks, network, gateway, settings):
    # given
    settings.AFRICASTALKING_API_KEY = ""
    sms = sms_enqueue(to=TO, body="Paid")
    # when
    tasks.run()
    # then
    sms.refresh_from_db()
    assert sms.status == SmsStatus.FAILED
    assert "AFRICASTALKING_API_KEY" in sms.last_error
    assert network.requests == []


def test_the_sdk_is_set_up_on_first_use_once(network, gateway, monkeypatch, settings):
    """Not at import, not per message: once, and again only for other credentials."""
    # given
    made = []
    real = africastalking.SMSService

    def counting(username, api_key):
        made.append(username)
        return real(username, api_key)

    monkeypatch.setattr(africastalking, "SMSService", counting)
    for _ in range(3):
        network.reply(ACCEPTED)
    # when
    assert made == []
    gateway.send(to=TO, body="One")
    gateway.send(to=TO, body="Two")
    settings.AFRICASTALKING_USERNAME = "sokoni"
    gateway.send(to=TO, body="Three")
    # then
    assert made == ["sandbox", "sokoni"]


def test_settings_select_the_backend(settings):
    settings.SMS_BACKEND = "africastalking"
    assert isinstance(sms_gateway(), AfricasTalkingGateway)
    settings.SMS_BACKEND = "console"
    assert not isinstance(sms_gateway(), AfricasTalkingGateway)


def _settings_from(monkeypatch, **env):
    for name in (
        "SMS_BACKEND",
        "AFRICASTALKING_USERNAME",
        "AFRICASTALKING_API_KEY",
        "AFRICASTALKING_SENDER_ID",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "test-only")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(Path(sokoni.__file__).parent / "settings.py"))


def test_the_environment_configures_africas_talking(monkeypatch):
    # when
    values = _settings_from(
        monkeypatch,
        SMS_BACKEND="africastalking",
        AFRICASTALKING_USERNAME="sokoni",
        AFRICASTALKING_API_KEY=API_KEY,
        AFRICASTALKING_SENDER_ID="SOKONI",
    )
    # then
    assert values["SMS_BACKEND"] == "africastalking"
    assert (values["AFRICASTALKING_USERNAME"], values["AFRICASTALKING_SANDBOX"]) == (
        "sokoni",
        False,
    )
    assert (values["AFRICASTALKING_API_KEY"], values["AFRICASTALKING_SENDER_ID"]) == (
        API_KEY,
        "SOKONI",
    )


def test_without_environment_it_is_the_console_and_the_sandbox(monkeypatch):
    values = _settings_from(monkeypatch)
    assert values["SMS_BACKEND"] == "console"
    assert (values["AFRICASTALKING_USERNAME"], values["AFRICASTALKING_SANDBOX"]) == (
        "sandbox",
        True,
    )
    assert (values["AFRICASTALKING_API_KEY"], values["AFRICASTALKING_SENDER_ID"]) == ("", "")


def test_a_long_answer_is_cut_without_leaving_a_piece_of_the_key(network, gateway):
    """The key straddles where the stored text is cut: it is taken out before the cut."""
    network.reply("x" * 260 + API_KEY + "y" * 100, status=500, content_type="text/plain")
    with pytest.raises(SmsGatewayError) as refused:
        gateway.send(to=TO, body="Hello")
    assert len(str(refused.value)) == 300
    assert API_KEY[:10] not in str(refused.value)
