"""The clock (``manage.py run_sweeps``): every sweep it names exists, and one that fails is
logged without keeping the others from running."""

import logging
import signal
from datetime import timedelta

import pytest
from django.core.management import call_command, get_commands
from django.utils import timezone

from sokoni.logistics.gateways.base import CourierUnavailable
from sokoni.messaging.models import OutboundSms
from sokoni.orders.tests.factories import frozen
from sokoni.trust.messages import thread_start
from sokoni.web.management.commands.run_sweeps import SWEEPS

pytestmark = pytest.mark.django_db


def test_every_sweep_is_a_command():
    commands = get_commands()
    assert [s.command for s in SWEEPS if s.command not in commands] == []
    assert {"couriers_due", "notices_due", "plan_due"} <= {s.command for s in SWEEPS}


def test_a_failing_sweep_is_logged_and_the_others_still_run(tasks, caplog, monkeypatch):
    """The courier cannot be reached at all (its sweep raises); the notice sweep after it
    still texts the reader of a message whose notice task was lost."""
    # given
    from sokoni.accounts.tests.factories import UserFactory
    from sokoni.catalog.tests.factories import ProductFactory

    product = ProductFactory()
    message = thread_start(sender=UserFactory(), product_id=product.pk, body="Still there?")
    tasks.clear()  # the queue lost the notice task
    monkeypatch.setattr(signal, "signal", lambda *args: None)  # leave pytest's handlers be
    # Inside the test's transaction, PostgreSQL's connection would be dropped as left in a
    # transaction; the clock itself runs in autocommit.
    monkeypatch.setattr(
        "sokoni.web.management.commands.run_sweeps.close_old_connections", lambda: None
    )
    caplog.set_level(logging.INFO, logger="sokoni.sweeps")
    # when
    with (
        monkeypatch.context() as patch,
        frozen(timezone.now() + timedelta(minutes=70)),
    ):
        patch.setattr(
            "sokoni.logistics.management.commands.couriers_due.courier_book_due",
            _unreachable,
        )
        call_command("run_sweeps", "--once")
    # then
    assert "sweep failed: couriers_due" in caplog.text
    assert "notices_due: queued 1 lost notice(s)" in caplog.text
    assert "plan_due: planned " in caplog.text  # the sweeps after it ran too
    assert "request_keys_prune: deleted 0 request key(s)" in caplog.text
    sms = OutboundSms.objects.get()
    assert sms.to == product.shop.owner.phone
    assert sms.dedupe_key == f"thread:{message.thread_id}:seller:never"


def _unreachable(**kwargs):
    raise CourierUnavailable()
