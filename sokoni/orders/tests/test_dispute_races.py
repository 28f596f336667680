"""The seller's answer racing the escalation at the deadline, each on its own PostgreSQL
connection: exactly one of them decides the dispute's step, and the step says which."""

from datetime import timedelta

import pytest
from django.db import connection

from sokoni.messaging.models import OutboundSms
from sokoni.orders.models import Dispute
from sokoni.orders.services.disputes import dispute_add_statement, dispute_escalate
from sokoni.orders.states import DisputeStage
from sokoni.orders.tests.factories import disputed_order
from sokoni.orders.tests.test_races import race

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")


@pytest.mark.parametrize("attempt", range(4))
def test_the_sellers_answer_and_the_escalation_end_in_one_consistent_step(tasks, attempt):
    """Either the answer came first (waiting for staff, never escalated, nobody told) or the
    escalation did (escalated for the seller's silence, both told once); the statement is
    kept either way."""
    # given
    order = disputed_order(tasks)
    dispute = Dispute.objects.get(order=order)
    texts_before = OutboundSms.objects.count()

    # when
    answer, escalation = race(
        lambda: dispute_add_statement(order=order, actor=order.shop.owner, text="It was sent."),
        lambda: dispute_escalate(dispute_id=dispute.pk, now=dispute.due_at + timedelta(seconds=1)),
    )

    # then
    assert not isinstance(answer, Exception), answer
    assert not isinstance(escalation, Exception), escalation
    dispute.refresh_from_db()
    told = OutboundSms.objects.count() - texts_before
    if escalation is None:
        assert dispute.stage == DisputeStage.AWAITING_STAFF
        assert (dispute.escalated_at, dispute.escalation_reason, told) == (None, "", 0)
        assert dispute.due_at > dispute.opened_at + timedelta(days=3)
    else:
        assert dispute.stage == DisputeStage.ESCALATED
        assert dispute.escalation_reason == "the seller did not answer in 3 days"
        assert dispute.due_at == dispute.opened_at + timedelta(days=3)
        assert told == 2
    assert dispute.statements.filter(side="seller").count() == 1
