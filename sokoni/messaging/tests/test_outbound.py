"""The SMS outbox: queued once, cut to two segments, sent once, retried with backoff."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sokoni.core.errors import InvalidInput
from sokoni.messaging.gateways import GATEWAYS, ConsoleGateway, SmsGatewayError
from sokoni.messaging.models import OutboundSms, SmsStatus
from sokoni.messaging.outbound import sms_enqueue, sms_send

pytestmark = pytest.mark.django_db

TO = "+254722000111"


@pytest.fixture(autouse=True)
def _fresh_console():
    ConsoleGateway.sent.clear()
    yield
    ConsoleGateway.sent.clear()


class Failing:
    """A provider that refuses the first ``times`` messages."""

    def __init__(self, times, *, retryable=True):
        self.times, self.retryable, self.calls = times, retryable, 0

    def send(self, *, to, body):
        self.calls += 1
        if self.calls <= self.times:
            raise SmsGatewayError("network down", retryable=self.retryable)
        return f"ok-{self.calls}"


@pytest.fixture
def failing(settings):
    def install(times, **kwargs):
        gateway = Failing(times, **kwargs)
        GATEWAYS["failing"] = gateway
        settings.SMS_BACKEND = "failing"
        return gateway

    yield install
    GATEWAYS.pop("failing", None)


def test_a_queued_message_is_sent_by_the_task(tasks):
    """Queued, then the task hands it to the provider once."""
    # given
    sms = sms_enqueue(to=TO, body="Agizo SK-000042 limetumwa.")
    # when
    tasks.run()
    tasks.run()
    # then
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.encoding, sms.segments) == ("sent", 1, "gsm7", 1)
    assert ConsoleGateway.sent == [(TO, "Agizo SK-000042 limetumwa.")]


def test_the_same_notice_is_queued_once(tasks):
    # when
    first = sms_enqueue(to=TO, body="Shipped", dedupe_key="order:1:shipped:buyer")
    second = sms_enqueue(to=TO, body="Shipped", dedupe_key="order:1:shipped:buyer")
    tasks.run()
    # then
    assert first.pk == second.pk
    assert OutboundSms.objects.count() == 1
    assert len(ConsoleGateway.sent) == 1


def test_a_long_notice_is_cut_to_two_segments():
    # when
    sms = sms_enqueue(to=TO, body="您的订单已到达服务站。" * 40)
    # then
    assert (sms.encoding, sms.segments) == ("ucs2", 2)
    assert sms.body.endswith("…")


@pytest.mark.parametrize("to", ["0722000111", "+0722", "", "+2547220001112345678", "tel:+2547"])
def test_a_number_not_in_international_form_is_refused(to):
    with pytest.raises(InvalidInput):
        sms_enqueue(to=to, body="Hello")
    assert OutboundSms.objects.count() == 0


def test_an_empty_text_is_refused():
    with pytest.raises(InvalidInput):
        sms_enqueue(to=TO, body="  \n ")
    assert OutboundSms.objects.count() == 0


def test_a_failure_is_retried_with_backoff_until_it_goes_through(tasks, failing):
    """Two failures, then success: attempts 3, retries 30 s then 60 s later."""
    # given
    gateway = failing(2)
    sms = sms_enqueue(to=TO, body="Paid")
    start = timezone.now()
    # when: the first try fails and is rescheduled 30 s later
    tasks.run()
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.last_error) == ("queued", 1, "network down")
    assert timedelta(seconds=29) < sms.next_attempt_at - start < timedelta(seconds=40)
    # when: time passes, the retries run
    tasks.run(now=start + timedelta(seconds=31))
    tasks.run(now=start + timedelta(minutes=5))
    # then
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.provider_message_id) == ("sent", 3, "ok-3")
    assert gateway.calls == 3


def test_a_message_that_keeps_failing_is_given_up_after_five_attempts(tasks, failing):
    # given
    gateway = failing(100)
    sms = sms_enqueue(to=TO, body="Paid")
    # when
    tasks.run(now=timezone.now() + timedelta(hours=1))
    # then
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, gateway.calls) == (SmsStatus.FAILED, 5, 5)
    assert sms.next_attempt_at is None


def test_a_refusal_that_cannot_change_is_not_retried(tasks, failing):
    # given
    gateway = failing(1, retryable=False)
    sms = sms_enqueue(to=TO, body="Paid")
    # when
    tasks.run(now=timezone.now() + timedelta(hours=1))
    # then
    sms.refresh_from_db()
    assert (sms.status, gateway.calls) == (SmsStatus.FAILED, 1)


def test_a_task_run_twice_sends_once(tasks):
    # given
    sms = sms_enqueue(to=TO, body="Paid")
    tasks.clear()
    # when
    sms_send(sms_id=sms.pk)
    sms_send(sms_id=sms.pk)
    # then
    assert len(ConsoleGateway.sent) == 1


# -- the sweep for lost tasks ---------------------------------------------------------------------


def test_the_sweep_sends_a_message_whose_task_was_lost_once(tasks, failing):
    """Two minutes on, a message still queued (its task lost with the queue) is sent by the
    sweep; a newer one waits for its own task; a retry is taken two minutes after its time."""
    # given
    from django.core.management import call_command

    from sokoni.orders.tests.factories import frozen

    lost = sms_enqueue(to=TO, body="Lost with the queue.")
    tasks.clear()  # the queue lost its task
    start = timezone.now()
    with frozen(start + timedelta(minutes=1)):
        fresh = sms_enqueue(to=TO, body="Queued a moment ago.")
    # when: too early for both
    with frozen(start + timedelta(minutes=1, seconds=59)):
        call_command("sms_due")
    # then
    assert ConsoleGateway.sent == []
    # when
    with frozen(start + timedelta(minutes=2, seconds=30)):
        call_command("sms_due")
        call_command("sms_due")
    # then: the lost one sent once, the fresh one still waiting
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.status, lost.attempts) == (SmsStatus.SENT, 1)
    assert fresh.status == SmsStatus.QUEUED
    assert ConsoleGateway.sent == [(TO, "Lost with the queue.")]
    # and a failed attempt's retry, its task lost too, is taken two minutes after its time
    gateway = failing(1)
    with frozen(start + timedelta(minutes=3, seconds=30)):
        call_command("sms_due")  # fresh fails once: retry in 30 s
    tasks.clear()
    fresh.refresh_from_db()
    assert (fresh.status, fresh.attempts) == (SmsStatus.QUEUED, 1)
    with frozen(fresh.next_attempt_at + timedelta(minutes=1)):
        call_command("sms_due")
    fresh.refresh_from_db()
    assert fresh.status == SmsStatus.QUEUED
    with frozen(fresh.next_attempt_at + timedelta(minutes=2)):
        call_command("sms_due")
    fresh.refresh_from_db()
    assert (fresh.status, fresh.attempts, gateway.calls) == (SmsStatus.SENT, 2, 2)
