"""The operator's money: the cash float statement, the daily cash count, the commission."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sokoni.agents import selectors, services
from sokoni.agents.errors import FutureDay
from sokoni.agents.models import CashCount
from sokoni.agents.tests.conftest import messages_of, paid_in_cash, text_of
from sokoni.orders.services.lifecycle import order_cancel
from sokoni.orders.tests.factories import balance, frozen
from sokoni.payments.selectors import ledger_problems

pytestmark = pytest.mark.django_db


def test_float_statement_lists_cash_newest_first_with_what_is_held_after_each(client, counter):
    """Two cash payments and a refund: each row shows the cash held after it."""
    # given: 1,500 and 520 taken, then the seller cancels the first order (cash to give back)
    first = paid_in_cash(counter).orders.get()
    paid_in_cash(counter, lines=[(counter.tea, 1)])
    order_cancel(order=first, actor=counter.seller)
    client.force_login(counter.operator)
    # when
    page = client.get(reverse("agents:float"))
    # then
    statement = page.context["statement"]
    assert statement.held_minor == 52_000
    assert [(row.cash_minor, row.held_after_minor) for row in statement.rows] == [
        (-150_000, 52_000),
        (52_000, 202_000),
        (150_000, 150_000),
    ]
    assert statement.rows[0].label == f"Order {first.number} refunded: give the cash back"
    assert statement.rows[2].label.startswith("Cash taken for payment SK")
    assert "Cash you hold for Sokoni: KES520.00" in text_of(page)
    assert ledger_problems() == []


def test_float_statement_pages_keep_the_running_balance(counter):
    """The second page starts from what was held after the last row of the first."""
    # given: three payments of 520, two rows per page
    for _ in range(3):
        paid_in_cash(counter, lines=[(counter.tea, 1)])
    desk = selectors.desk_for(counter.operator)
    # when
    first = selectors.float_statement(desk, "KES", 1, per_page=2)
    second = selectors.float_statement(desk, "KES", 2, per_page=2)
    # then
    assert [(r.cash_minor, r.held_after_minor) for r in first.rows] == [
        (52_000, 156_000),
        (52_000, 104_000),
    ]
    assert [(r.cash_minor, r.held_after_minor) for r in second.rows] == [(52_000, 52_000)]


def test_cash_count_shows_the_difference_and_a_recount_adds_a_row(client, counter):
    """Counted 100 short: saved with the difference, shown highlighted; recounting keeps both."""
    # given: KES 1,500 taken today
    paid_in_cash(counter)
    client.force_login(counter.operator)
    page = client.get(reverse("agents:reconcile"))
    assert page.context["cash"].ledger_minor == 150_000
    today = timezone.localdate().isoformat()
    # when
    response = client.post(
        reverse("agents:reconcile"),
        {"day": today, "currency": "KES", "counted": "1,400", "note": "Change given twice"},
    )
    # then
    assert messages_of(response) == ["Count saved. It differs from the ledger: see below."]
    count = CashCount.objects.get()
    assert (count.counted_minor, count.ledger_minor, count.difference_minor) == (
        140_000,
        150_000,
        -10_000,
    )
    assert (count.operator, count.centre, count.note) == (
        counter.operator,
        counter.centre,
        "Change given twice",
    )
    page = client.get(response["Location"])
    assert "The last count is KES100.00 short of the ledger." in text_of(page)
    assert '<span class="diff">-KES100.00</span>' in page.content.decode()
    # when: the operator finds the note and counts again
    client.post(reverse("agents:reconcile"), {"day": today, "currency": "KES", "counted": "1500"})
    page = client.get(response["Location"])
    # then
    assert CashCount.objects.count() == 2
    assert [c.difference_minor for c in page.context["cash"].counts] == [0, -10_000]
    assert "The last count matches the ledger." in text_of(page)


def test_cash_taken_counts_only_the_chosen_day(client, counter):
    # given: cash taken yesterday, nothing today
    yesterday = timezone.now() - timedelta(days=1)
    with frozen(yesterday):
        paid_in_cash(counter)
    desk = selectors.desk_for(counter.operator)
    # when
    today = selectors.cash_day(desk, timezone.localdate(), "KES")
    before = selectors.cash_day(desk, timezone.localtime(yesterday).date(), "KES")
    # then
    assert (today.taken_minor, today.ledger_minor) == (0, 0)
    assert (before.taken_minor, before.refunds_minor, before.ledger_minor) == (150_000, 0, 150_000)


def test_cash_refunds_of_the_day_are_shown_apart_and_lower_the_cash_due(counter):
    # given
    order = paid_in_cash(counter).orders.get()
    order_cancel(order=order, actor=counter.seller)
    # when
    day = selectors.cash_day(selectors.desk_for(counter.operator), timezone.localdate(), "KES")
    # then
    assert (day.taken_minor, day.refunds_minor, day.ledger_minor) == (150_000, 150_000, 0)


def test_a_day_to_come_cannot_be_counted(client, counter):
    # when / then
    with pytest.raises(FutureDay):
        services.cash_count_record(
            operator=counter.operator,
            centre_id=counter.centre.pk,
            day=timezone.localdate() + timedelta(days=1),
            currency="KES",
            counted_minor=0,
        )
    client.force_login(counter.operator)
    page = client.get(
        reverse("agents:reconcile"),
        {"day": (timezone.localdate() + timedelta(days=1)).isoformat()},
    )
    assert page.context["pick"].errors["day"] == ["Choose today or a day before."]
    assert CashCount.objects.count() == 0


def test_cash_counts_are_append_only(counter):
    # given
    count = services.cash_count_record(
        operator=counter.operator,
        centre_id=counter.centre.pk,
        day=timezone.localdate(),
        currency="KES",
        counted_minor=500,
    )
    # when / then
    with pytest.raises(ValueError, match="append-only"):
        count.save()
    with pytest.raises(ValueError, match="append-only"):
        count.delete()


def test_home_shows_the_days_numbers_and_the_commission_wallet(client, counter):
    # given
    paid_in_cash(counter)
    client.force_login(counter.operator)
    # when
    page = client.get(reverse("agents:home"))
    # then
    counts = page.context["counts"]
    assert (counts.orders_today, counts.cash_waiting, counts.parcels_waiting) == (1, 0, 0)
    assert counter.centre.name in text_of(page)
    assert "No commission yet" in text_of(page)
    assert balance(selectors.float_account_code(counter.operator.pk)) == -150_000
