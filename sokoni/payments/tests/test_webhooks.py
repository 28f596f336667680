"""``POST /payments/webhooks/<provider>/`` through the test client: signed, fresh, idempotent,
and never trusted on its own word (the provider's status query decides)."""

import json
import time

import pytest

from sokoni.orders.services.checkout import checkout_pay
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import balance, place, world
from sokoni.payments.gateways.base import webhook_secret
from sokoni.payments.gateways.sandbox import callback_body
from sokoni.payments.models import JournalTransaction, PaymentIntent, SandboxTransaction
from sokoni.payments.selectors import ledger_problems
from sokoni.payments.signatures import sign
from sokoni.payments.states import PaymentMethod, PaymentStatus

pytestmark = pytest.mark.django_db

URL = "/payments/webhooks/sandbox-mobile/"


def post(client, body, *, provider="sandbox-mobile", secret=None, timestamp=None, header=...):
    if header is ...:
        header = sign(body=body, secret=secret or webhook_secret(provider), timestamp=timestamp)
    headers = {} if header is None else {"Sokoni-Signature": header}
    return client.post(
        f"/payments/webhooks/{provider}/",
        data=body,
        content_type="application/json",
        headers=headers,
    )


def test_a_signed_callback_is_settled_on_the_status_query_and_pays(client, waiting):
    # given
    checkout, intent = waiting
    body = callback_body(intent.provider_ref, "EV-1")
    # when
    response = post(client, body)
    # then
    intent.refresh_from_db()
    assert (response.status_code, response.json()) == (200, {"status": "succeeded"})
    assert intent.status == PaymentStatus.SUCCEEDED
    assert checkout.orders.get().status == OrderStatus.PAID
    assert balance("clearing:sandbox-mobile") == -250_000
    assert ledger_problems() == []


def test_a_replayed_event_answers_duplicate_and_changes_nothing(client, waiting):
    # given
    _checkout, intent = waiting
    body = callback_body(intent.provider_ref, "EV-1")
    post(client, body)
    before = world()
    # when
    response = post(client, body)
    # then
    assert (response.status_code, response.json()) == (200, {"status": "duplicate"})
    assert world() == before


def test_a_second_event_about_a_settled_payment_moves_no_money(client, waiting):
    # given
    _checkout, intent = waiting
    post(client, callback_body(intent.provider_ref, "EV-1"))
    journals = JournalTransaction.objects.count()
    # when
    response = post(client, callback_body(intent.provider_ref, "EV-2"))
    # then
    assert (response.status_code, response.json()) == (200, {"status": "succeeded"})
    assert JournalTransaction.objects.count() == journals
    assert balance("clearing:sandbox-mobile") == -250_000


def _tampered(body):
    data = json.loads(body)
    data["amount_minor"] = 1
    return json.dumps(data).encode()


@pytest.mark.parametrize(
    "case", ["tampered body", "stale", "from the future", "no header", "wrong secret", "garbage"]
)
def test_a_bad_signature_is_refused_with_400_and_changes_nothing(client, waiting, case):
    # given
    _checkout, intent = waiting
    body = callback_body(intent.provider_ref, "EV-1")
    now = int(time.time())
    before = world()
    # when
    if case == "tampered body":
        header = sign(body=body, secret=webhook_secret("sandbox-mobile"))
        response = post(client, _tampered(body), header=header)
    elif case == "stale":
        response = post(client, body, timestamp=now - 301)
    elif case == "from the future":
        # past the 300 s window by a minute: a busy machine may take seconds to answer, and
        # every second of delay brings a future timestamp closer to the window
        response = post(client, body, timestamp=now + 360)
    elif case == "no header":
        response = post(client, body, header=None)
    elif case == "wrong secret":
        response = post(client, body, secret="whsec_guess")
    else:
        response = post(client, body, header="t=1,v1=xyz")
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "payments.signature_invalid"
    assert world() == before


@pytest.mark.parametrize("header", ["t=²,v1=" + "a" * 64, "t=1700000000,v1=" + "é" * 64])
def test_a_signature_with_other_characters_is_400_not_500(client, waiting, header):
    """A superscript digit as the time, or non-ASCII in place of the hex digest: refused."""
    # given
    _checkout, _intent = waiting
    before = world()
    # when
    response = post(client, b'{"event_id":"EV-1","provider_ref":"x"}', header=header)
    # then
    assert response.status_code == 400
    assert response.json()["code"] == "payments.signature_invalid"
    assert world() == before


def test_a_signature_a_little_old_is_still_accepted(client, waiting):
    # given
    _checkout, intent = waiting
    body = callback_body(intent.provider_ref, "EV-1")
    # when
    response = post(client, body, timestamp=int(time.time()) - 290)
    # then
    assert response.json() == {"status": "succeeded"}


@pytest.mark.parametrize("provider", ["nope", "cash", "sandbox-payout"])
def test_an_unknown_provider_is_404(client, waiting, provider):
    # given
    _checkout, intent = waiting
    body = callback_body(intent.provider_ref, "EV-1")
    before = world()
    # when
    response = post(client, body, provider=provider, secret="whatever")
    # then
    assert (response.status_code, response.json()["code"]) == (404, "payments.unknown_provider")
    assert world() == before


def test_an_unknown_provider_reference_is_404(client, waiting):
    # given
    body = json.dumps({"event_id": "EV-1", "provider_ref": "SBXNOTOURS"}).encode()
    before = world()
    # when
    response = post(client, body)
    # then
    assert (response.status_code, response.json()["code"]) == (404, "payments.unknown_payment")
    assert world() == before


@pytest.mark.parametrize(
    ("field", "value"), [("amount_minor", 1), ("currency", "USD"), ("reference", "SKOTHER00")]
)
def test_the_providers_books_disagreeing_is_409_and_nothing_is_credited(
    client, waiting, field, value
):
    """A different amount, currency or reference on the provider's side: refused, nothing paid."""
    # given
    checkout, intent = waiting
    SandboxTransaction.objects.filter(provider_ref=intent.provider_ref).update(**{field: value})
    body = callback_body(intent.provider_ref, "EV-1")
    before = world()
    # when
    response = post(client, body)
    # then
    assert (response.status_code, response.json()["code"]) == (409, "payments.mismatch")
    assert world() == before
    assert PaymentIntent.objects.get(pk=intent.pk).status == PaymentStatus.PENDING
    assert checkout.orders.get().status == OrderStatus.PENDING_PAYMENT


def test_a_callback_alone_credits_nothing_while_the_provider_says_pending(client, waiting):
    """The body says 'succeeded' but the provider's query says pending: nothing changes, and
    the same event delivered again once the provider settled is handled."""
    # given
    checkout, intent = waiting
    body = callback_body(intent.provider_ref, "EV-1")  # says "succeeded"
    SandboxTransaction.objects.filter(provider_ref=intent.provider_ref).update(state="pending")
    before = world()
    # when
    response = post(client, body)
    # then
    assert (response.status_code, response.json()) == (200, {"status": "pending"})
    assert world() == before
    SandboxTransaction.objects.filter(provider_ref=intent.provider_ref).update(state="succeeded")
    assert post(client, body).json() == {"status": "succeeded"}
    assert checkout.orders.get().status == OrderStatus.PAID


def test_a_declined_payment_is_recorded_as_failed(client, waiting):
    # given
    checkout, intent = waiting
    SandboxTransaction.objects.filter(provider_ref=intent.provider_ref).update(
        state="failed", message="declined by the payer"
    )
    # when
    response = post(client, callback_body(intent.provider_ref, "EV-1"))
    # then
    intent.refresh_from_db()
    assert response.json() == {"status": "failed"}
    assert (intent.status, intent.failure_message) == ("failed", "declined by the payer")
    assert checkout.orders.get().status == OrderStatus.PENDING_PAYMENT


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"event_id": "EV-1"}',
        b'{"event_id": 1, "provider_ref": "SBX1"}',
        b'{"event_id": "", "provider_ref": "SBX1"}',
        json.dumps({"event_id": "E" * 81, "provider_ref": "SBX1"}).encode(),
    ],
)
def test_a_signed_body_that_is_not_a_callback_is_400(client, waiting, body):
    # given
    before = world()
    # when
    response = post(client, body)
    # then
    assert (response.status_code, response.json()["code"]) == (400, "payments.callback_invalid")
    assert world() == before


def test_only_post_is_accepted_and_bodies_are_bounded(client, waiting):
    # given
    before = world()
    # when
    got = client.get(URL)
    big = post(client, b"{" + b" " * (64 * 1024) + b"}")
    # then
    assert got.status_code == 405
    assert big.status_code == 413
    assert world() == before


def test_the_card_providers_callback_is_handled_too(client, tasks):
    """The card is settled at once; its signed callback afterwards is harmless."""
    # given
    checkout = place()
    intent = checkout_pay(
        checkout=checkout,
        actor=checkout.buyer,
        method=PaymentMethod.CARD,
        card_number="4242424242424242",
    )
    tasks.clear()
    before = world()
    # when
    response = post(client, callback_body(intent.provider_ref, "EV-C"), provider="sandbox-card")
    # then
    assert response.json() == {"status": "succeeded"}
    after = world()
    assert after.pop("receipts") == before.pop("receipts") + 1
    assert after == before
