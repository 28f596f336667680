"""The gateways behind each method: the sandboxes behave like the real services."""

import json

import pytest
from django.utils import timezone

from sokoni.payments.errors import CallbackInvalid, UnknownPayment, UnknownProvider
from sokoni.payments.gateways import gateway_for_method, gateway_get, payout_gateway
from sokoni.payments.gateways.base import webhook_secret
from sokoni.payments.gateways.cash import CashAtCentre
from sokoni.payments.gateways.sandbox import (
    SandboxCard,
    SandboxMobileMoney,
    SandboxPayout,
    callback_body,
    sandbox_deliver_callback,
    sandbox_mobile_answer,
)
from sokoni.payments.models import PaymentIntent, Payout, SandboxTransaction
from sokoni.payments.signatures import verify

pytestmark = pytest.mark.django_db


def intent(phone="+254712345678", method="mobile_money", reference="SKTEST0001"):
    """An intent row as the payment service writes it (the gateway's input)."""
    return PaymentIntent.objects.create(
        reference=reference,
        method=method,
        provider="sandbox-mobile" if method == "mobile_money" else "sandbox-card",
        amount_minor=250_000,
        currency="KES",
        payer_phone=phone,
        purpose="test",
        purpose_id=1,
        expires_at=timezone.now(),
    )


def test_a_mobile_money_request_opens_a_pending_transaction_and_answers_later(tasks):
    # when
    ref = SandboxMobileMoney().request(intent())
    # then
    row = SandboxTransaction.objects.get(provider_ref=ref)
    assert (row.provider, row.reference, row.amount_minor, row.currency, row.state) == (
        "sandbox-mobile",
        "SKTEST0001",
        250_000,
        "KES",
        "pending",
    )
    assert tasks.names() == ["sandbox_mobile_answer"]


def test_a_phone_ending_0001_is_never_answered(tasks):
    # when
    ref = SandboxMobileMoney().request(intent(phone="+254712340001"))
    # then
    assert SandboxTransaction.objects.get(provider_ref=ref).state == "pending"
    assert tasks.names() == []


@pytest.mark.parametrize(
    ("phone", "state", "message"),
    [("+254712345678", "succeeded", ""), ("+254712340000", "failed", "declined by the payer")],
)
def test_the_payer_answers_and_the_provider_calls_back_twice_with_one_event(
    tasks, phone, state, message
):
    # given
    ref = SandboxMobileMoney().request(intent(phone=phone))
    tasks.clear()
    # when
    sandbox_mobile_answer.call(ref)
    sandbox_mobile_answer.call(ref)  # a repeated answer task does nothing more
    # then
    row = SandboxTransaction.objects.get(provider_ref=ref)
    assert (row.state, row.message) == (state, message)
    queued = [r for r in tasks.queued if r.task.name == "sandbox_deliver_callback"]
    assert len(queued) == 2
    assert queued[0].args == queued[1].args
    assert queued[0].args[:2] == ["sandbox-mobile", ref]


@pytest.mark.parametrize(
    ("number", "state", "message"),
    [
        ("4242424242424242", "succeeded", ""),
        ("5555 5555 5555 4444", "succeeded", ""),
        ("4000000000000002", "failed", "card declined"),
        ("4000000000009995", "failed", "insufficient funds"),
        ("4111111111111111", "failed", "not a sandbox test card"),
    ],
)
def test_the_sandbox_card_answers_at_once(tasks, number, state, message):
    # when
    ref = SandboxCard().request(intent(method="card"), card_number=number)
    # then
    status = SandboxCard().query(ref)
    assert (status.state, status.message, status.amount_minor, status.reference) == (
        state,
        message,
        250_000,
        "SKTEST0001",
    )
    assert tasks.names() == ["sandbox_deliver_callback"]


def test_the_status_query_reads_only_the_providers_books():
    # given
    ref = SandboxMobileMoney().request(intent())
    # when / then
    with pytest.raises(UnknownPayment):
        SandboxMobileMoney().query("SBXNOPE")
    with pytest.raises(UnknownPayment):
        SandboxCard().query(ref)  # another provider's transaction
    SandboxTransaction.objects.filter(provider_ref=ref).update(state="weird")
    assert SandboxMobileMoney().query(ref).state == "pending"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{",
        b"null",
        b'"text"',
        b'{"provider_ref": "SBX1"}',
        b'{"event_id": "EV", "provider_ref": ["SBX1"]}',
        json.dumps({"event_id": "EV", "provider_ref": "S" * 65}).encode(),
    ],
)
def test_a_body_that_is_not_a_callback_is_refused(body):
    with pytest.raises(CallbackInvalid):
        SandboxMobileMoney().parse_callback(body)


def test_the_callback_body_names_the_event_and_the_transaction():
    # given
    ref = SandboxMobileMoney().request(intent())
    # when
    parsed = SandboxMobileMoney().parse_callback(callback_body(ref, "EV-9"))
    # then
    assert (parsed.event_id, parsed.provider_ref) == ("EV-9", ref)


def test_the_sandbox_signs_its_callbacks_with_the_providers_secret(tasks, monkeypatch):
    # given
    ref = SandboxMobileMoney().request(intent())
    seen = {}

    def receive(*, provider, signature, body):
        seen["ok"] = verify(header=signature, body=body, secret=webhook_secret(provider)) > 0
        return "pending"

    monkeypatch.setattr("sokoni.payments.services.webhooks.webhook_receive", receive)
    # when
    answer = sandbox_deliver_callback.call("sandbox-mobile", ref, "EV-1")
    # then
    assert (answer, seen) == ("pending", {"ok": True})


def test_a_callback_arriving_before_its_payment_is_recorded_is_delivered_again(tasks):
    """The card sandbox calls back as soon as it has answered, which can be before our side
    has recorded its reference: like a real provider, it tries again a little later (and
    gives up after CALLBACK_ATTEMPTS), with the same event id."""
    # given: the provider has answered, our intent does not know its reference yet
    payment = intent(method="card")
    ref = SandboxCard().request(payment, card_number="4242424242424242")
    tasks.clear()
    # when
    answer = sandbox_deliver_callback.call("sandbox-card", ref, "EV-7")
    # then: delivered again later, same event
    assert answer == "retry"
    (again,) = [r for r in tasks.queued if r.task.name == "sandbox_deliver_callback"]
    assert again.args == ["sandbox-card", ref, "EV-7", 2]
    assert again.task.run_after > timezone.now()
    # when: the reference is recorded before the next delivery
    PaymentIntent.objects.filter(pk=payment.pk).update(provider_ref=ref)
    # then: it settles the payment (this bare intent pays for nothing, so it is refunded)
    assert sandbox_deliver_callback.call(*again.args) == "refunded"
    assert PaymentIntent.objects.get(pk=payment.pk).status == "refunded"
    # and the last attempt gives up loudly
    unmatched = SandboxCard().request(intent(method="card", reference="SKTEST0002"))
    with pytest.raises(UnknownPayment):
        sandbox_deliver_callback.call("sandbox-card", unmatched, "EV-8", 5)


def test_cash_has_no_provider_to_ask():
    gateway = CashAtCentre()
    assert gateway.request(intent(method="cash")) == ""
    with pytest.raises(UnknownPayment):
        gateway.query("anything")
    with pytest.raises(CallbackInvalid):
        gateway.parse_callback(b"{}")


def test_the_sandbox_payout_refuses_numbers_ending_0000():
    def payout(phone):
        return Payout(owner_id=1, amount_minor=1, currency="KES", phone=phone)

    ok, refused = (
        SandboxPayout().send(payout("+254712345678")),
        SandboxPayout().send(payout("+254712340000")),
    )
    assert (ok.ok, refused.ok, refused.message) == (True, False, "recipient not registered")
    assert ok.provider_ref.startswith("SBP")


def test_gateways_are_found_by_code_or_method(settings):
    assert gateway_get("sandbox-card").code == "sandbox-card"
    assert gateway_for_method("mobile_money").code == "sandbox-mobile"
    assert gateway_for_method("cash").code == "cash"
    with pytest.raises(UnknownProvider):
        gateway_get("mpesa-live")
    with pytest.raises(UnknownProvider):
        gateway_for_method("barter")
    settings.PAYOUT_PROVIDER = "nope"
    with pytest.raises(UnknownProvider):
        payout_gateway()


def test_a_configured_webhook_secret_wins_over_the_derived_one(settings):
    # given
    derived = webhook_secret("sandbox-mobile")
    # when
    settings.PAYMENT_WEBHOOK_SECRETS = {"sandbox-mobile": "whsec_live"}
    # then
    assert webhook_secret("sandbox-mobile") == "whsec_live"
    assert derived != webhook_secret("sandbox-card")
    assert len(derived) == 64
