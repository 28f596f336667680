"""Exports by international courier: booking after payment, the sandbox courier's stream of
events and the polling fallback, the customs page, the commercial invoice, and the product
fields customs and delivery pricing read."""

import importlib
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.catalog.forms import ProductForm
from sokoni.catalog.models import Product
from sokoni.catalog.services import product_create, product_update
from sokoni.catalog.tests.factories import CategoryFactory, ProductFactory, ShopFactory
from sokoni.core.errors import InvalidInput
from sokoni.logistics.courier import (
    BOOK_ATTEMPTS,
    BOOK_HOLD,
    POLL_EVERY,
    POLL_ROUNDS,
    courier_book,
    courier_book_request,
    courier_poll,
    courier_poll_due,
    courier_poll_round,
    customs_for,
    customs_problems,
)
from sokoni.logistics.gateways import gateway_for_shipment
from sokoni.logistics.gateways.base import BookingRefused, CourierUnavailable
from sokoni.logistics.gateways.sandbox import (
    SandboxCourier,
    luhn_digit,
    refusals,
    tracking_number_for,
    tracking_number_valid,
)
from sokoni.logistics.models import (
    CourierEventReceipt,
    SandboxCourierParcel,
    Shipment,
    TrackingEvent,
)
from sokoni.logistics.states import ShipmentStatus
from sokoni.orders.models import Order
from sokoni.orders.states import OrderStatus
from sokoni.orders.tests.factories import frozen, paid_order, run_tasks_at

pytestmark = pytest.mark.django_db

COURIER_TASKS = {"sandbox_courier_deliver", "courier_poll_task"}


def export_order(tasks, *, hs_code: str = "460219", origin: str = "", **product) -> Order:
    """A paid order of 2 baskets (800 g, 1,250.00 KES each) to an address in the US."""
    basket = ProductFactory(
        name="Sisal basket", hs_code=hs_code, origin_country=origin, weight_g=800, **product
    )
    return paid_order(
        tasks,
        lines=[(basket, 2)],
        country="US",
        hub_id=None,
        address="12 Main Street\nSpringfield, IL 62701",
        recipient_name="Jane Doe",
        recipient_phone="+12175550123",
    )


def booked(tasks, **kwargs) -> Shipment:
    """An export order's parcel, booked with the sandbox courier (its webhooks still queued)."""
    order = export_order(tasks, **kwargs)
    tasks.run(only={"courier_book_task"})
    return Shipment.objects.get(order=order)


# -- booking ---------------------------------------------------------------------------------


def test_paying_an_export_queues_its_booking_which_gives_a_tracking_number(tasks):
    """The paying transaction only queues the booking; the task books with the courier."""
    # given
    order = export_order(tasks)
    shipment = order.shipment
    # then: the quote went abroad, and nothing was booked inside the payment
    assert [leg["leg"] for leg in order.quote["legs"]] == ["first_mile", "export"]
    assert shipment.is_export is True
    assert shipment.courier_tracking == ""
    assert "courier_book_task" in tasks.names()
    assert SandboxCourierParcel.objects.count() == 0
    # when
    tasks.run(only={"courier_book_task"})
    # then
    shipment.refresh_from_db()
    parcel = SandboxCourierParcel.objects.get()
    assert shipment.courier_tracking == parcel.tracking_number
    assert tracking_number_valid(shipment.courier_tracking)
    assert parcel.reference == shipment.code
    assert parcel.destination_country == "US"
    assert shipment.status == ShipmentStatus.AWAITING_PICKUP
    assert "courier_poll_task" in tasks.names()


def test_a_retried_booking_books_once(tasks):
    # given
    shipment = booked(tasks)
    queued = len(tasks.queued)
    # when: the task runs again, and the courier is asked again for the same parcel
    assert courier_book(shipment_id=shipment.pk) is None
    again = SandboxCourier().book(shipment, customs_for(shipment.order))
    # then
    shipment.refresh_from_db()
    assert SandboxCourierParcel.objects.count() == 1
    assert again.tracking_number == shipment.courier_tracking
    assert len(tasks.queued) == queued


def test_an_order_staying_in_the_country_is_not_booked(tasks):
    order = paid_order(tasks)
    assert order.shipment.is_export is False
    assert "courier_book_task" not in tasks.names()
    assert gateway_for_shipment(order.shipment) is None


def test_a_booking_without_hs_code_is_refused_until_the_seller_adds_it(tasks, client, caplog):
    # given
    order = export_order(tasks, hs_code="")
    # when
    tasks.run(only={"courier_book_task"})
    # then: refused with the courier's reason, nothing booked, the parcel waits
    shipment = Shipment.objects.get(order=order)
    assert shipment.courier_tracking == ""
    assert shipment.status == ShipmentStatus.AWAITING_PICKUP
    assert SandboxCourierParcel.objects.count() == 0
    assert "HS code missing on line 1 (Sisal basket)" in caplog.text
    # and the seller sees why, and cannot ask again before fixing it
    client.force_login(order.shop.owner)
    page = client.get(f"/exports/customs/{order.pk}/")
    assert page.status_code == 200
    assert "HS code missing" in page.content.decode()
    assert "Ask the courier to book it" not in page.content.decode()
    refused = client.post(f"/exports/customs/{order.pk}/book/", follow=True)
    assert "Fix the customs data first" in refused.content.decode()
    assert "courier_book_task" not in tasks.names()
    # when the seller adds the HS code and asks again
    product = Product.objects.get(pk=order.lines.get().product_id)
    product_update(product=product, hs_code="4602.19")
    asked = client.post(f"/exports/customs/{order.pk}/book/")
    tasks.run(only={"courier_book_task"})
    # then
    assert asked.status_code == 302
    shipment.refresh_from_db()
    assert tracking_number_valid(shipment.courier_tracking)
    assert customs_for(order).lines[0].hs_code == "460219"


def test_an_unreachable_courier_is_asked_again_later(tasks):
    # given
    order = export_order(tasks)
    # when
    with mock.patch.object(SandboxCourier, "book", side_effect=CourierUnavailable()):
        tasks.run(only={"courier_book_task"})
    # then
    retry = [r for r in tasks.queued if r.task.name == "courier_book_task"]
    assert [r.args for r in retry] == [[order.shipment.pk, 2]]
    wait = retry[0].task.run_after - timezone.now()
    assert timedelta(minutes=14) < wait <= timedelta(minutes=15)
    # when the courier answers again
    run_tasks_at(tasks, timezone.now() + timedelta(minutes=16), only={"courier_book_task"})
    # then
    assert tracking_number_valid(Shipment.objects.get(order=order).courier_tracking)


def test_the_sandbox_refuses_bad_customs_data_with_clear_reasons(tasks):
    # given
    order = export_order(tasks, hs_code="")
    customs = customs_for(order)
    # then
    assert refusals(customs) == ["HS code missing on line 1 (Sisal basket)"]
    assert customs_problems(customs) == ["Sisal basket: HS code missing"]
    with pytest.raises(BookingRefused) as refused:
        SandboxCourier().book(order.shipment, customs)
    assert str(refused.value.message) == "HS code missing on line 1 (Sisal basket)."


def test_sandbox_tracking_numbers_are_stable_with_a_check_digit():
    number = tracking_number_for("SKACDEFGHJ")
    assert number == tracking_number_for("SKACDEFGHJ")
    assert number != tracking_number_for("SKACDEFGHJ", 1)
    assert number[:3] == "SBX"
    assert len(number) == 13
    assert number[3:].isdigit()
    assert tracking_number_valid(number)
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    assert not tracking_number_valid(wrong)
    assert luhn_digit("7992739871") == "3"  # the textbook Luhn example


# -- the courier's stream ------------------------------------------------------------------


@pytest.mark.parametrize(("failed", "late"), [(False, False), (True, True)])
def test_the_sandbox_stream_delivers_the_order_and_starts_the_release_window(tasks, failed, late):
    """Webhooks arrive over days, some twice, one late; the order ends delivered."""
    # given
    with (
        mock.patch("sokoni.logistics.gateways.sandbox.has_failed_attempt", return_value=failed),
        mock.patch("sokoni.logistics.gateways.sandbox.has_late_webhook", return_value=late),
    ):
        shipment = booked(tasks)
    moment = timezone.now() + timedelta(days=8)
    # when
    run_tasks_at(tasks, moment, only=COURIER_TASKS)
    # then
    shipment.refresh_from_db()
    order = Order.objects.get(pk=shipment.order_id)
    assert shipment.status == ShipmentStatus.DELIVERED
    assert order.status == OrderStatus.DELIVERED
    assert order.delivered_at == moment
    assert order.auto_release_at == moment + timedelta(days=settings.ESCROW_AUTO_RELEASE_DAYS)
    assert "order_auto_release_task" in tasks.names()
    kinds = list(
        TrackingEvent.objects.filter(shipment=shipment, via="courier").values_list(
            "kind", flat=True
        )
    )
    expected = ["picked_up", "at_hub"]
    if not late:
        expected.append("in_transit")
    expected.append("out_for_delivery")
    if failed:
        expected += ["failed_attempt", "out_for_delivery"]
    expected.append("delivered")
    assert kinds == expected
    outcomes = CourierEventReceipt.objects.filter(shipment=shipment)
    assert outcomes.count() == (7 if failed else 5)
    assert outcomes.filter(outcome="ignored").count() == (1 if late else 0)
    if failed:
        assert TrackingEvent.objects.get(kind="failed_attempt").failure == "nobody_home"


def test_polling_applies_what_lost_webhooks_missed(tasks):
    # given: a booked parcel whose webhooks never arrive
    shipment = booked(tasks)
    tasks.clear()
    moment = timezone.now() + timedelta(days=8)
    # when
    with mock.patch("django.utils.timezone.now", return_value=moment):
        applied = courier_poll(shipment_id=shipment.pk)
        again = courier_poll_due()
    # then
    shipment.refresh_from_db()
    assert applied >= 5
    assert again == 0
    assert shipment.status == ShipmentStatus.DELIVERED
    assert Order.objects.get(pk=shipment.order_id).status == OrderStatus.DELIVERED


def test_polling_halfway_moves_the_parcel_as_far_as_the_courier_got(tasks):
    # given
    shipment = booked(tasks)
    tasks.clear()
    # when: a day and a half after booking
    with mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(1.5)):
        applied = courier_poll(shipment_id=shipment.pk)
    # then
    shipment.refresh_from_db()
    assert applied == 2
    assert shipment.status == ShipmentStatus.AT_HUB
    assert Order.objects.get(pk=shipment.order_id).status == OrderStatus.SHIPPED


# -- the clock's sweep: bookings and polls whose task was lost -------------------------------------


def sweep(moment) -> str:
    """``manage.py couriers_due`` at ``moment``, as the clock runs it; what it said."""
    out = StringIO()
    with frozen(moment):
        call_command("couriers_due", stdout=out)
    return out.getvalue().strip()


def test_the_sweep_books_an_export_whose_task_was_lost_once(tasks):
    """Five minutes on, a paid export still not booked (its task lost with the queue) is
    booked by the sweep, once; a newer one waits for its own task; the lost task turning up
    late books nothing more."""
    # given
    order = export_order(tasks)
    tasks.clear()  # the queue lost the booking task
    start = timezone.now()
    with frozen(start + timedelta(minutes=3)):
        fresh = export_order(tasks)
    # when: too early for both
    said = sweep(start + timedelta(minutes=4, seconds=59))
    # then
    assert said == "booked 0 lost parcel(s), polled 0 parcel(s)"
    assert SandboxCourierParcel.objects.count() == 0
    # when: twice, later
    first = sweep(start + timedelta(minutes=6))
    second = sweep(start + timedelta(minutes=6))
    # then: the lost one booked once, its polls queued once; the fresh one still waiting
    assert (first, second) == (
        "booked 1 lost parcel(s), polled 0 parcel(s)",
        "booked 0 lost parcel(s), polled 0 parcel(s)",
    )
    shipment = Shipment.objects.get(order=order)
    parcel = SandboxCourierParcel.objects.get()
    assert (parcel.reference, shipment.courier_tracking) == (shipment.code, parcel.tracking_number)
    assert (shipment.courier_book_due_at, shipment.courier_book_attempts) == (None, 1)
    polls = [r for r in tasks.queued if r.task.name == "courier_poll_task"]
    assert [r.args for r in polls] == [[shipment.pk, 1]]
    assert Shipment.objects.get(order=fresh).courier_tracking == ""
    # when: the lost task turns up after all
    with frozen(start + timedelta(minutes=7)):
        assert courier_book(shipment_id=shipment.pk) is None
    # then
    assert SandboxCourierParcel.objects.count() == 1
    assert len([r for r in tasks.queued if r.task.name == "courier_poll_task"]) == 1


def test_the_sweep_leaves_a_refused_booking_for_the_seller(tasks):
    """A booking the courier refused waits for the seller to fix the customs data: the sweep
    does not ask the courier again. The seller's new request is swept if its task is lost."""
    # given
    order = export_order(tasks, hs_code="")
    tasks.run(only={"courier_book_task"})  # refused: no HS code
    shipment = Shipment.objects.get(order=order)
    assert (shipment.courier_book_due_at, shipment.courier_book_attempts) == (None, 1)
    # when
    with mock.patch.object(SandboxCourier, "book") as book:
        said = sweep(timezone.now() + timedelta(hours=1))
    # then
    assert said == "booked 0 lost parcel(s), polled 0 parcel(s)"
    assert book.call_count == 0
    # when: the seller fixes it and asks again, and that task is lost too
    product_update(product=Product.objects.get(pk=order.lines.get().product_id), hs_code="460219")
    courier_book_request(order=order)
    tasks.clear()
    said = sweep(timezone.now() + timedelta(minutes=6))
    # then
    assert said == "booked 1 lost parcel(s), polled 0 parcel(s)"
    assert tracking_number_valid(Shipment.objects.get(order=order).courier_tracking)


def test_asking_again_while_an_attempt_holds_the_parcel_calls_the_courier_no_second_time(tasks):
    """The seller asks again while an attempt is with the courier (its hold): the request
    changes nothing and queues nothing, so two bookings are never asked for at once."""
    # given: the first attempt holds the parcel
    order = export_order(tasks)
    tasks.clear()
    shipment = Shipment.objects.get(order=order)
    hold = timezone.now() + BOOK_HOLD
    Shipment.objects.filter(pk=shipment.pk).update(
        courier_book_due_at=hold, courier_book_attempts=1
    )
    # when
    courier_book_request(order=order)
    # then
    shipment.refresh_from_db()
    assert (shipment.courier_book_due_at, shipment.courier_book_attempts) == (hold, 1)
    assert not [r for r in tasks.queued if r.task.name == "courier_book_task"]


def test_the_sweep_gives_up_after_the_booking_attempts_as_the_task_does(tasks, caplog):
    """A courier that stays unreachable is asked ``BOOK_ATTEMPTS`` times in all, whether the
    retries come from their tasks or, those lost, from the sweep; then the parcel is left for
    a person."""
    # given
    order = export_order(tasks)
    shipment = Shipment.objects.get(order=order)
    moment = timezone.now()
    # when: every attempt fails and every retry task is lost; the sweep runs each time
    with mock.patch.object(SandboxCourier, "book", side_effect=CourierUnavailable()) as book:
        tasks.run(only={"courier_book_task"})  # attempt 1, its retry lost below
        for _round in range(BOOK_ATTEMPTS + 2):
            tasks.clear()
            shipment.refresh_from_db()
            if shipment.courier_book_due_at is not None:
                moment = shipment.courier_book_due_at + timedelta(minutes=6)
            sweep(moment)
    # then
    shipment.refresh_from_db()
    assert book.call_count == BOOK_ATTEMPTS
    assert (shipment.courier_book_due_at, shipment.courier_book_attempts) == (None, BOOK_ATTEMPTS)
    assert shipment.courier_tracking == ""
    assert f"parcel {shipment.code} not booked: left for a person" in caplog.text
    assert sweep(moment + timedelta(days=1)) == "booked 0 lost parcel(s), polled 0 parcel(s)"


def test_the_sweep_waits_while_an_attempt_holds_the_parcel(tasks):
    """A parcel held by a booking under way is not booked again; once the hold runs out (its
    worker died mid-call) the sweep books it with the next attempt."""
    # given: attempt 1 holds the parcel, and its worker died
    order = export_order(tasks)
    tasks.clear()
    start = timezone.now()
    Shipment.objects.filter(order=order).update(
        courier_book_due_at=start + BOOK_HOLD, courier_book_attempts=1
    )
    # when
    early = sweep(start + BOOK_HOLD)
    late = sweep(start + BOOK_HOLD + timedelta(minutes=6))
    # then
    assert early == "booked 0 lost parcel(s), polled 0 parcel(s)"
    assert late == "booked 1 lost parcel(s), polled 0 parcel(s)"
    shipment = Shipment.objects.get(order=order)
    assert tracking_number_valid(shipment.courier_tracking)
    assert shipment.courier_book_attempts == 2


def test_a_failing_booking_is_logged_and_the_other_parcels_are_still_booked(tasks, caplog):
    # given: two lost bookings; the courier's client breaks on the first
    orders = [export_order(tasks), export_order(tasks)]
    tasks.clear()
    broken = Shipment.objects.get(order=orders[0])
    real_book = SandboxCourier.book

    def book(courier, shipment, customs):
        if shipment.pk == broken.pk:
            raise RuntimeError("connection reset")
        return real_book(courier, shipment, customs)

    # when
    with mock.patch.object(SandboxCourier, "book", autospec=True, side_effect=book):
        said = sweep(timezone.now() + timedelta(minutes=6))
    # then
    assert said == "booked 2 lost parcel(s), polled 0 parcel(s)"
    assert f"booking parcel {broken.pk} failed" in caplog.text
    assert "connection reset" in caplog.text
    assert Shipment.objects.get(pk=broken.pk).courier_tracking == ""
    assert tracking_number_valid(Shipment.objects.get(order=orders[1]).courier_tracking)


def test_the_sweep_polls_a_booked_parcel_whose_polls_were_lost_once(tasks):
    """Six hours and five minutes after booking with no poll and no news (the chain of polls
    lost with the queue), the sweep polls once and starts the chain again; a late task of that
    round polls nothing and queues nothing."""
    # given
    shipment = booked(tasks)
    tasks.clear()  # the poll task and the courier's webhooks are lost
    start = Shipment.objects.get(pk=shipment.pk).courier_polled_at
    # when: too early
    assert sweep(start + POLL_EVERY) == "booked 0 lost parcel(s), polled 0 parcel(s)"
    # when: twice, later (a day on: the courier picked the parcel up)
    moment = start + timedelta(days=1, minutes=1)
    first = sweep(moment)
    second = sweep(moment)
    # then
    assert first == "booked 0 lost parcel(s), polled 1 parcel(s)"
    assert second == "booked 0 lost parcel(s), polled 0 parcel(s)"
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.AT_HUB
    assert (shipment.courier_polls, shipment.courier_polled_at) == (1, moment)
    polls = [r for r in tasks.queued if r.task.name == "courier_poll_task"]
    assert [r.args for r in polls] == [[shipment.pk, 2]]
    assert polls[0].task.run_after == moment + POLL_EVERY
    # when: the lost task of round 1 turns up
    with frozen(moment + timedelta(minutes=1)):
        assert courier_poll_round(shipment_id=shipment.pk, round_number=1) == 0
    # then
    assert len([r for r in tasks.queued if r.task.name == "courier_poll_task"]) == 1


def test_the_sweep_leaves_parcels_with_recent_news_or_no_polls_left(tasks):
    """A parcel a webhook moved lately is not polled; nor one polled ``POLL_ROUNDS`` times."""
    # given
    news, done = booked(tasks), booked(tasks)
    tasks.clear()
    moment = timezone.now() + timedelta(days=3)
    Shipment.objects.filter(pk=news.pk).update(status_changed_at=moment - timedelta(hours=1))
    Shipment.objects.filter(pk=done.pk).update(courier_polls=POLL_ROUNDS)
    # when
    with mock.patch.object(SandboxCourier, "status") as status:
        said = sweep(moment)
    # then
    assert said == "booked 0 lost parcel(s), polled 0 parcel(s)"
    assert status.call_count == 0


def test_an_unreachable_courier_when_polling_is_logged_and_polled_again_later(tasks, caplog):
    # given
    shipment = booked(tasks)
    tasks.clear()
    moment = timezone.now() + timedelta(hours=7)
    # when
    with mock.patch.object(SandboxCourier, "status", side_effect=CourierUnavailable()):
        said = sweep(moment)
    # then: the round is spent, the next one queued
    assert said == "booked 0 lost parcel(s), polled 1 parcel(s)"
    assert f"status of {shipment.code}: logistics.courier_unavailable" in caplog.text
    shipment.refresh_from_db()
    assert (shipment.courier_polls, shipment.status) == (1, ShipmentStatus.AWAITING_PICKUP)
    assert [r.args for r in tasks.queued if r.task.name == "courier_poll_task"] == [
        [shipment.pk, 2]
    ]


def test_the_migration_makes_exports_not_yet_booked_due(tasks):
    """Exports paid before the sweep existed: those not booked and on their way are due since
    they were paid; booked and finished ones are not."""
    # given
    done = booked(tasks)
    waiting, delivered = export_order(tasks), export_order(tasks)  # their tasks not run
    Shipment.objects.filter(order=delivered).update(status=ShipmentStatus.DELIVERED)
    Shipment.objects.update(courier_book_due_at=None)
    migration = importlib.import_module("sokoni.logistics.migrations.0005_sweeps_marks")
    # when
    migration.mark_what_is_due(django_apps, None)
    # then
    due = dict(Shipment.objects.values_list("pk", "courier_book_due_at"))
    waiting_parcel = Shipment.objects.get(order=waiting)
    assert due[waiting_parcel.pk] == waiting_parcel.created_at
    assert due[Shipment.objects.get(order=delivered).pk] is None
    assert due[done.pk] is None


# -- the commercial invoice and the customs page ------------------------------------------------


def test_the_invoice_is_for_the_shop_owner_and_staff_only(tasks, client):
    # given
    order = export_order(tasks)
    url = f"/exports/invoice/{order.pk}/"
    # then
    assert client.get(url).status_code == 302  # to the sign-in page
    for outsider in (UserFactory(), order.buyer, ShopFactory().owner):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    for insider in (order.shop.owner, StaffFactory()):
        client.force_login(insider)
        assert client.get(url).status_code == 200
        assert client.get(f"/exports/customs/{order.pk}/").status_code == 200


def test_an_order_staying_in_the_country_has_no_invoice(tasks, client):
    order = paid_order(tasks)
    client.force_login(order.shop.owner)
    assert client.get(f"/exports/invoice/{order.pk}/").status_code == 404
    assert client.get(f"/exports/customs/{order.pk}/").status_code == 404
    assert client.get("/exports/invoice/999999/").status_code == 404


def test_the_invoice_declares_every_line_with_totals(tasks, client):
    # given: one line with its HS code and origin, one without an HS code
    tea = ProductFactory(
        name="Purple tea", hs_code="090230", origin_country="KE", weight_g=250, price_minor=40_000
    )
    order = paid_order(
        tasks,
        lines=[(tea, 3), (ProductFactory(shop=tea.shop, name="Carved spoon", hs_code=""), 1)],
        country="US",
        hub_id=None,
        address="12 Main Street, Springfield",
        recipient_name="Jane Doe",
    )
    client.force_login(order.shop.owner)
    # when
    page = client.get(f"/exports/invoice/{order.pk}/").content.decode()
    # then
    customs = customs_for(order)
    assert [(line.hs_code, line.origin_country, line.quantity) for line in customs.lines] == [
        ("090230", "KE", 3),
        ("", order.shop.village.country, 1),
    ]
    assert customs.value_minor == 3 * 40_000 + 125_000
    assert customs.weight_g == 3 * 250 + 500
    for text in (
        f"CI-{order.number}",
        "Purple tea",
        "090230",
        "Carved spoon",
        "HS code missing",
        "Jane Doe",
        "United States",
        order.shop.name,
        "DAP",
        "Sale of goods",
        "1.250 kg",
        "KES",
        "I declare that the information on this invoice is true and correct",
        "not booked yet",
    ):
        assert text in page, text
    assert "Incomplete" in page


def test_the_seller_order_page_links_the_export_papers(tasks, client):
    order = export_order(tasks)
    client.force_login(order.shop.owner)
    body = client.get(f"/seller/orders/{order.pk}/").content.decode()
    assert f"/exports/invoice/{order.pk}/" in body
    assert f"/exports/customs/{order.pk}/" in body


def test_the_customs_page_shows_the_tracking_number_once_booked(tasks, client):
    shipment = booked(tasks)
    client.force_login(shipment.order.shop.owner)
    page = client.get(f"/exports/customs/{shipment.order_id}/").content.decode()
    assert shipment.courier_tracking in page
    assert "Sandbox Express" in page
    assert client.get(f"/exports/customs/{shipment.order_id}/book/").status_code == 405
    client.post(f"/exports/customs/{shipment.order_id}/book/")
    assert "courier_book_task" not in tasks.names()


# -- the product's packed weight, size and customs data ------------------------------------------


def form(**fields) -> ProductForm:
    data = {
        "kind": "physical",
        "name": "Sisal basket",
        "category": str(CategoryFactory().pk),
        "price": "1250",
        "unit": "piece",
        "stock": "3",
        **fields,
    }
    return ProductForm(data, currency="KES")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("weight_g", "0"),
        ("weight_g", "1000001"),
        ("length_cm", "-1"),
        ("width_cm", "501"),
        ("height_cm", "x"),
        ("hs_code", "12345"),
        ("hs_code", "12345678901"),
        ("hs_code", "0901AB"),
        ("origin_country", "XX"),
    ],
)
def test_the_product_form_refuses_bad_packing_and_customs_data(field, value):
    bound = form(**{field: value})
    assert not bound.is_valid()
    assert list(bound.errors) == [field]


def test_the_product_form_reads_packing_and_customs_data():
    bound = form(
        weight_g="1000000",
        length_cm="500",
        width_cm="0",
        height_cm="12",
        hs_code=" 0901.11 ",
        origin_country="KE",
    )
    assert bound.is_valid(), bound.errors
    assert {k: bound.cleaned_data[k] for k in ("weight_g", "length_cm", "hs_code")} == {
        "weight_g": 1_000_000,
        "length_cm": 500,
        "hs_code": "090111",
    }
    blank = form()
    assert blank.is_valid()
    assert (blank.cleaned_data["weight_g"], blank.cleaned_data["hs_code"]) == (None, "")


def test_the_product_services_check_packing_and_customs_data():
    # given
    shop = ShopFactory()
    category = CategoryFactory()

    def create(**fields):
        return product_create(
            shop=shop, name="Basket", category=category, price_minor=1000, **fields
        )

    # then
    for fields, field in (
        ({"weight_g": 0}, "weight_g"),
        ({"weight_g": 1_000_001}, "weight_g"),
        ({"length_cm": 501}, "length_cm"),
        ({"height_cm": -1}, "height_cm"),
        ({"hs_code": "123"}, "hs_code"),
        ({"origin_country": "ZZ"}, "origin_country"),
    ):
        with pytest.raises(InvalidInput) as refused:
            create(**fields)
        assert refused.value.field == field
    assert Product.objects.count() == 0
    product = create(weight_g=1, hs_code="0901 11", origin_country="ke", length_cm=500)
    assert (product.weight_g, product.hs_code, product.origin_country) == (1, "090111", "KE")
    assert (product.length_cm, product.width_cm) == (500, 0)
    product_update(product=product, weight_g=2500, hs_code="", origin_country="")
    product.refresh_from_db()
    assert (product.weight_g, product.hs_code, product.origin_country) == (2500, "", "")
    with pytest.raises(InvalidInput):
        product_update(product=product, width_cm=1000)
    product.refresh_from_db()
    assert product.width_cm == 0


def test_the_seller_edits_packing_and_customs_data_on_the_product_page(client):
    product = ProductFactory(weight_g=700, hs_code="090111")
    client.force_login(product.shop.owner)
    url = f"/seller/products/{product.pk}/"
    page = client.get(url).content.decode()
    for text in ('name="hs_code"', 'value="090111"', 'value="700"', 'name="origin_country"'):
        assert text in page
    response = client.post(
        url,
        {
            "kind": "physical",
            "name": product.name,
            "category": str(product.category_id),
            "price": "1250",
            "unit": "piece",
            "stock": "10",
            "weight_g": "950",
            "length_cm": "30",
            "width_cm": "20",
            "height_cm": "10",
            "hs_code": "4602.19",
            "origin_country": "KE",
        },
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.weight_g, product.volume_cm3, product.hs_code, product.origin_country) == (
        950,
        6000,
        "460219",
        "KE",
    )
