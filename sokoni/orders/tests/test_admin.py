"""Orders, payments and payouts in the admin: staff can read them, nobody can edit them."""

import pytest
from django.urls import reverse

from sokoni.orders.tests.factories import shipped_order
from sokoni.payments.models import PaymentIntent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "orders_order",
        "orders_checkout",
        "orders_dispute",
        "payments_paymentintent",
        "payments_payout",
        "payments_sandboxtransaction",
        "payments_webhookreceipt",
        "payments_ledgeraccount",
        "payments_journaltransaction",
    ],
)
def test_staff_read_every_list(client, staff, tasks, name):
    """Each list page answers with the rows; no add button."""
    # given
    shipped_order(tasks)
    client.force_login(staff)
    # when
    response = client.get(reverse(f"admin:{name}_changelist"))
    # then
    assert response.status_code == 200
    assert f"admin:{name}_add" not in response.content.decode()


def test_order_page_shows_lines_and_events_read_only(client, staff, tasks):
    """An order's page lists its lines and its history, and cannot be saved."""
    # given
    order = shipped_order(tasks)
    client.force_login(staff)
    url = reverse("admin:orders_order_change", args=[order.pk])
    # when
    page = client.get(url)
    posted = client.post(url, {"status": "completed"})
    # then
    assert page.status_code == 200
    assert "KE-TRACK-1" in page.content.decode()
    assert posted.status_code == 403
    order.refresh_from_db()
    assert order.status == "shipped"


def test_payment_page_shows_its_events(client, staff, tasks):
    # given
    shipped_order(tasks)
    intent = PaymentIntent.objects.get()
    client.force_login(staff)
    # when
    page = client.get(reverse("admin:payments_paymentintent_change", args=[intent.pk]))
    # then
    assert page.status_code == 200
    body = page.content.decode()
    assert intent.reference in body
    assert "succeeded" in body


def test_dispute_page_shows_its_statements_read_only(client, staff, tasks):
    # given
    from sokoni.orders.models import Dispute
    from sokoni.orders.tests.factories import disputed_order

    order = disputed_order(tasks)
    client.force_login(staff)
    # when
    page = client.get(
        reverse("admin:orders_dispute_change", args=[Dispute.objects.get(order=order).pk])
    )
    # then
    assert page.status_code == 200
    assert "Nothing came." in page.content.decode()
