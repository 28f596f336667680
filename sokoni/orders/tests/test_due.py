"""The sweep behind ``manage.py orders_due``: what is due is done, once, and nothing early."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from sokoni.catalog.tests.factories import ProductFactory
from sokoni.orders.services.due import orders_run_due
from sokoni.orders.services.lifecycle import order_extend
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import (
    balance,
    delivered_order,
    disputed_order,
    frozen,
    later,
    paid_order,
    place,
    shipped_order,
    world,
)
from sokoni.payments.codes import wallet_of
from sokoni.payments.selectors import ledger_problems

pytestmark = pytest.mark.django_db


def test_the_sweep_expires_late_checkouts_and_releases_due_orders(tasks):
    """Tasks lost: the sweep does their work at the time they were due."""
    # given
    product = ProductFactory(stock=10)
    unpaid = place(lines=[(product, 3)])
    shipped = delivered_order(tasks)
    tasks.clear()
    # when
    counts = orders_run_due(now=later(days=10, minutes=1))
    # then
    product.refresh_from_db()
    shipped.refresh_from_db()
    assert counts == (1, 1)
    assert unpaid.orders.get().status == OrderStatus.CANCELLED
    assert product.stock == 10
    assert shipped.status == OrderStatus.COMPLETED
    assert balance(wallet_of(shipped.shop.owner_id)) == 237_500
    assert ledger_problems() == []


def test_a_second_sweep_does_nothing(tasks):
    # given
    place()
    shipped_order(tasks)
    moment = later(days=11)
    orders_run_due(now=moment)
    before = world()
    # when
    counts = orders_run_due(now=moment)
    # then
    assert counts == (0, 0)
    assert world() == before


def test_nothing_is_done_before_its_time(tasks):
    # given
    place()
    shipped_order(tasks)
    before = world()
    # when
    counts = orders_run_due(now=later(minutes=29))
    # then
    assert counts == (0, 0)
    assert world() == before


def test_the_sweep_leaves_disputed_paid_and_extended_orders_alone(tasks):
    # given
    disputed_order(tasks)
    paid_order(tasks)
    extended = shipped_order(tasks)
    order_extend(order=extended, actor=extended.buyer, days=10)
    before = world()
    # when
    counts = orders_run_due(now=later(days=15))
    # then
    assert counts == (0, 0)
    assert world() == before


def test_the_command_reports_what_it_did(tasks, capsys):
    # given
    place()
    moment = later(minutes=31)
    # when
    with frozen(moment):
        call_command("orders_due")
    # then
    assert capsys.readouterr().out.strip() == (
        "expired 1 checkout(s), released 0 order(s), escalated 0 dispute(s)"
    )


def test_the_release_window_is_configurable(tasks, settings):
    # given
    settings.ESCROW_AUTO_RELEASE_DAYS = 3
    order = delivered_order(tasks)
    order.refresh_from_db()
    # when
    counts = orders_run_due(now=order.delivered_at + timedelta(days=3, seconds=1))
    # then
    order.refresh_from_db()
    assert counts == (0, 1)
    assert order.status == OrderStatus.COMPLETED
