"""The parcel pages: the courier's scan form, event page (opened from the label's QR code) and
list of parcels; the buyer's and seller's tracking page; the links from the order pages.

Permissions as everywhere: anonymous people are sent to log in, anyone who may not see a
parcel gets a 404, and every refused POST changes nothing.
"""

import html
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.logistics.models import Shipment, TrackingEvent
from sokoni.logistics.states import FailureReason, ShipmentStatus
from sokoni.logistics.tests.test_tracking import (
    _other_carrier_driver,
    courier_of,
    parcel,
    parcel_for_pickup,
    parcel_state,
    reach,
    record,
)
from sokoni.orders.tests.factories import pay, place
from sokoni.shipping.models import Hub
from sokoni.shipping.promise import promise_label

pytestmark = pytest.mark.django_db

S = ShipmentStatus


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(response) -> str:
    return html.unescape(response.content.decode())


def parcel_url(shipment, via="") -> str:
    url = reverse("parcels:parcel", args=[shipment.code])
    return f"{url}?via={via}" if via else url


def offered(response) -> list[str]:
    """The events the page's form offers, in order."""
    return re.findall(r'<input type="radio" name="event" value="([a-z_]+)"', page(response))


# -- the scan form ------------------------------------------------------------------------------


def test_the_scan_form_asks_anonymous_people_to_log_in():
    response = Client().get("/parcels/scan/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/parcels/scan/")


def test_the_scan_form_shows_a_code_field(tasks):
    _shipment, courier = parcel(tasks)
    response = signed_in(courier).get("/parcels/scan/")
    assert response.status_code == 200
    assert 'name="code"' in page(response)
    assert reverse("parcels:mine") in page(response)


@pytest.mark.parametrize("typed", ["{code}", "{lower}", " {dashed} "])
def test_a_typed_code_opens_the_courier_event_page(tasks, typed):
    # given
    shipment, courier = parcel(tasks)
    code = shipment.code
    text = typed.format(code=code, lower=code.lower(), dashed=f"{code[:2]}-{code[2:6]}-{code[6:]}")
    # when
    response = signed_in(courier).get("/parcels/scan/", {"code": text})
    # then
    assert response.status_code == 302
    assert response["Location"] == f"/parcels/p/{code}/?via=web"


def test_the_buyer_typing_the_code_is_sent_to_the_tracking_page(tasks):
    shipment, _courier = parcel(tasks)
    response = signed_in(shipment.order.buyer).get("/parcels/scan/", {"code": shipment.code})
    assert response.status_code == 302
    assert response["Location"] == f"/parcels/track/{shipment.code}/"


@pytest.mark.parametrize("text", ["SKXXXXXXXX", "nonsense", "skac3def4g"])
def test_an_unknown_code_gets_the_same_error_as_someone_elses(tasks, text):
    shipment, _courier = parcel(tasks)
    stranger = signed_in(UserFactory())
    unknown = stranger.get("/parcels/scan/", {"code": text})
    not_mine = stranger.get("/parcels/scan/", {"code": shipment.code})
    assert unknown.status_code == not_mine.status_code == 200
    for response in (unknown, not_mine):
        assert "No parcel of yours has that code." in page(response)


@pytest.mark.parametrize(
    ("text", "error"),
    [("--", "Type the code printed on the label."), ("x" * 300, "at most 40 characters")],
)
def test_a_code_that_is_no_code_is_a_form_error(tasks, text, error):
    _shipment, courier = parcel(tasks)
    response = signed_in(courier).get("/parcels/scan/", {"code": text})
    assert response.status_code == 200
    assert error in page(response)


# -- the event page -----------------------------------------------------------------------------


def test_the_event_page_asks_anonymous_people_to_log_in(tasks):
    shipment, _courier = parcel(tasks)
    response = Client().get(parcel_url(shipment))
    assert response.status_code == 302
    assert response["Location"].startswith(f"/accounts/login/?next=/parcels/p/{shipment.code}/")


@pytest.mark.parametrize("who", ["stranger", "other_carrier", "buyer", "seller"])
def test_people_who_may_not_scan_get_a_404_and_their_post_changes_nothing(tasks, who):
    # given
    shipment, _courier = parcel(tasks)
    person = {
        "stranger": UserFactory,
        "other_carrier": _other_carrier_driver,
        "buyer": lambda: shipment.order.buyer,
        "seller": lambda: shipment.order.shop.owner,
    }[who]()
    client = signed_in(person)
    before = parcel_state(shipment)
    # when
    shown = client.get(parcel_url(shipment))
    posted = client.post(parcel_url(shipment), {"event": S.PICKED_UP, "via": "qr"})
    # then
    assert shown.status_code == posted.status_code == 404
    assert parcel_state(shipment) == before


def test_an_unknown_code_is_a_404(tasks):
    _shipment, courier = parcel(tasks)
    assert signed_in(courier).get("/parcels/p/SKXXXXXXXX/").status_code == 404


def test_the_event_page_shows_the_parcel_and_only_the_events_allowed_now(tasks):
    # given
    shipment, courier = parcel(tasks)
    # when
    response = signed_in(courier).get(parcel_url(shipment))
    # then
    text = page(response)
    assert response.status_code == 200
    assert shipment.code in text
    assert shipment.order.number in text
    assert shipment.order.shop.name in text
    assert shipment.order.checkout.recipient_name in text
    assert "Waiting for the carrier" in text
    assert shipment.legs.first().carrier.name in text
    assert offered(response) == [S.PICKED_UP]
    assert 'name="failure"' not in text
    assert 'name="hub"' not in text


def test_after_pick_up_the_page_offers_the_next_events_and_the_route_hubs(tasks):
    # given
    shipment, courier = reach(tasks, S.PICKED_UP)
    Hub.objects.create(
        code="elsewhere", name="Elsewhere", country="KE", region="X", latitude=0, longitude=0
    )
    # when
    response = signed_in(courier).get(parcel_url(shipment))
    # then
    assert offered(response) == [S.AT_HUB, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.RETURNED]
    hubs = re.findall(r'<option value="(\d+)"', page(response))
    route = {shipment.origin_hub_id, shipment.destination_hub_id}
    assert {int(pk) for pk in hubs} == route
    assert "Elsewhere" not in page(response)


def test_a_scan_from_the_qr_code_records_the_pick_up(tasks):
    # given
    shipment, courier = parcel(tasks)
    client = signed_in(courier)
    form = client.get(parcel_url(shipment))
    assert 'name="via" value="qr"' in page(form)
    # when
    response = client.post(parcel_url(shipment), {"event": S.PICKED_UP, "via": "qr"})
    # then
    assert response.status_code == 302
    assert response["Location"] == parcel_url(shipment)
    event = TrackingEvent.objects.get(shipment=shipment)
    assert (event.kind, event.via, event.actor) == (S.PICKED_UP, "qr", courier)
    shown = client.get(response["Location"])
    assert "Recorded: Picked up." in page(shown)
    assert offered(shown) == [S.AT_HUB, S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.RETURNED]


def test_a_typed_code_records_by_web(tasks):
    shipment, courier = parcel(tasks)
    client = signed_in(courier)
    assert 'name="via" value="web"' in page(client.get(parcel_url(shipment, "web")))
    response = client.post(parcel_url(shipment, "web"), {"event": S.PICKED_UP, "via": "web"})
    assert response["Location"] == parcel_url(shipment, "web")
    assert TrackingEvent.objects.get(shipment=shipment).via == "web"


def test_at_hub_records_the_chosen_hub_of_the_route(tasks):
    shipment, courier = reach(tasks, S.PICKED_UP)
    response = signed_in(courier).post(
        parcel_url(shipment),
        {"event": S.AT_HUB, "hub": shipment.origin_hub_id, "note": "bay 3", "via": "qr"},
    )
    assert response.status_code == 302
    event = TrackingEvent.objects.get(shipment=shipment, kind=S.AT_HUB)
    assert (event.hub, event.note) == (shipment.origin_hub, "bay 3")


def test_a_hub_off_the_route_is_refused(tasks):
    # given
    shipment, courier = reach(tasks, S.PICKED_UP)
    elsewhere = Hub.objects.create(
        code="elsewhere", name="Elsewhere", country="KE", region="X", latitude=0, longitude=0
    )
    before = parcel_state(shipment)
    # when
    response = signed_in(courier).post(
        parcel_url(shipment), {"event": S.AT_HUB, "hub": elsewhere.pk, "via": "qr"}
    )
    # then
    assert response.status_code == 200
    assert "Select a valid choice" in page(response)
    assert parcel_state(shipment) == before


def test_a_failed_attempt_without_a_reason_is_a_form_error(tasks):
    # given
    shipment, courier = reach(tasks, S.OUT_FOR_DELIVERY)
    before = parcel_state(shipment)
    # when
    response = signed_in(courier).post(
        parcel_url(shipment), {"event": S.FAILED_ATTEMPT, "failure": "", "via": "qr"}
    )
    # then
    assert response.status_code == 200
    assert "Say why the delivery failed." in page(response)
    assert parcel_state(shipment) == before


def test_a_failed_attempt_with_its_reason_is_recorded_and_shown(tasks):
    shipment, courier = reach(tasks, S.OUT_FOR_DELIVERY)
    client = signed_in(courier)
    client.post(
        parcel_url(shipment),
        {"event": S.FAILED_ATTEMPT, "failure": FailureReason.REFUSED, "note": "no", "via": "qr"},
    )
    event = TrackingEvent.objects.get(shipment=shipment, kind=S.FAILED_ATTEMPT)
    assert event.failure == FailureReason.REFUSED
    assert "Refused by the recipient" in page(client.get(parcel_url(shipment)))


def test_a_reason_picked_for_another_event_is_ignored(tasks):
    shipment, courier = reach(tasks, S.OUT_FOR_DELIVERY)
    signed_in(courier).post(
        parcel_url(shipment),
        {"event": S.DELIVERED, "failure": FailureReason.OTHER, "via": "qr"},
    )
    event = TrackingEvent.objects.get(shipment=shipment, kind=S.DELIVERED)
    assert event.failure == ""


@pytest.mark.parametrize(
    "data",
    [
        {"event": S.DELIVERED, "via": "qr"},  # not from 'waiting for the carrier'
        {"event": S.AT_CENTRE, "via": "qr"},  # Sokoni's own event
        {"event": "lost", "via": "qr"},
        {"event": S.PICKED_UP, "via": "telepathy"},
        {"event": S.PICKED_UP, "note": "bad\x00note", "via": "qr"},
        {"event": S.PICKED_UP, "note": "x" * 201, "via": "qr"},
        {},
    ],
)
def test_a_refused_or_malformed_post_is_a_form_error_and_changes_nothing(tasks, data):
    # given
    shipment, courier = parcel(tasks)
    before = parcel_state(shipment)
    # when
    response = signed_in(courier).post(parcel_url(shipment), data)
    # then
    assert response.status_code == 200
    assert 'class="msg error"' in page(response)
    assert parcel_state(shipment) == before


def test_the_refusal_names_the_parcel_status(tasks):
    shipment, courier = reach(tasks, S.DELIVERED)
    response = signed_in(courier).post(parcel_url(shipment), {"event": S.RETURNED, "via": "qr"})
    assert response.status_code == 200
    assert f"Parcel {shipment.code} is “Delivered”" in page(response)


def test_a_delivered_parcel_offers_nothing_to_record(tasks):
    shipment, courier = reach(tasks, S.DELIVERED)
    response = signed_in(courier).get(parcel_url(shipment))
    assert offered(response) == []
    assert "Nothing can be recorded for this parcel now." in page(response)


def test_a_parcel_for_pickup_is_never_offered_delivered_and_a_post_of_it_is_refused(tasks):
    # given
    shipment, courier = parcel_for_pickup(tasks)
    record(shipment, S.PICKED_UP, courier)
    record(shipment, S.AT_HUB, courier)
    client = signed_in(courier)
    before = parcel_state(shipment)
    # when
    shown = client.get(parcel_url(shipment))
    posted = client.post(parcel_url(shipment), {"event": S.DELIVERED, "via": "qr"})
    # then
    assert S.DELIVERED not in offered(shown)
    assert posted.status_code == 200
    assert shipment.centre.name in page(posted)
    assert parcel_state(shipment) == before


def test_a_post_without_the_csrf_token_is_refused(tasks):
    # given
    shipment, courier = parcel(tasks)
    client = Client(enforce_csrf_checks=True)
    client.force_login(courier)
    before = parcel_state(shipment)
    # when
    response = client.post(parcel_url(shipment), {"event": S.PICKED_UP, "via": "qr"})
    # then
    assert response.status_code == 403
    assert parcel_state(shipment) == before


@pytest.mark.parametrize(
    ("status", "data"),
    [
        (S.AWAITING_PICKUP, {"event": S.PICKED_UP}),
        (S.OUT_FOR_DELIVERY, {"event": S.FAILED_ATTEMPT, "failure": FailureReason.NOBODY_HOME}),
    ],
)
def test_a_double_submit_records_once_and_says_so(tasks, status, data):
    # given
    shipment, courier = reach(tasks, status)
    client = signed_in(courier)
    first = client.post(parcel_url(shipment), {**data, "via": "qr"})
    after_first = parcel_state(shipment)
    # when
    second = client.post(parcel_url(shipment), {**data, "via": "qr"})
    # then
    assert first.status_code == second.status_code == 302
    assert parcel_state(shipment) == after_first
    assert TrackingEvent.objects.filter(shipment=shipment, kind=data["event"]).count() == 1
    assert "Already recorded" in page(client.get(second["Location"]))


def test_the_courier_stays_in_their_language_from_scan_to_record(tasks):
    # given
    shipment, courier = parcel(tasks)
    client = signed_in(courier)
    # when
    found = client.get("/sw/parcels/scan/", {"code": shipment.code})
    shown = client.get(found["Location"])
    posted = client.post(found["Location"], {"event": S.PICKED_UP, "via": "web"})
    # then
    assert found["Location"] == f"/sw/parcels/p/{shipment.code}/?via=web"
    assert 'lang="sw"' in page(shown)
    assert posted["Location"] == f"/sw/parcels/p/{shipment.code}/?via=web"
    assert TrackingEvent.objects.get(shipment=shipment).via == "web"


# -- my parcels --------------------------------------------------------------------------------


def test_my_parcels_lists_the_unfinished_parcels_of_my_carriers_and_hubs(tasks):
    # given
    waiting, courier = parcel(tasks)
    on_the_way, _ = reach(tasks, S.IN_TRANSIT)
    courier_of(on_the_way, courier)
    delivered, _ = reach(tasks, S.DELIVERED)
    courier_of(delivered, courier)
    clerk = UserFactory()
    waiting.origin_hub.staff.add(clerk)
    # when
    mine = page(signed_in(courier).get("/parcels/mine/"))
    at_hub = page(signed_in(clerk).get("/parcels/mine/"))
    # then
    assert mine.index(on_the_way.code) < mine.index(waiting.code)  # newest first
    assert delivered.code not in mine
    assert f"/parcels/p/{waiting.code}/?via=web" in mine
    assert waiting.code in at_hub
    assert delivered.code not in at_hub


def test_another_carriers_driver_sees_none_of_them(tasks):
    shipment, _courier = parcel(tasks)
    response = signed_in(_other_carrier_driver()).get("/parcels/mine/")
    assert response.status_code == 200
    assert shipment.code not in page(response)
    assert "No parcels on the way" in page(response)


def test_my_parcels_is_paginated(tasks):
    # given: one checkout from 27 shops, so 27 parcels in one payment
    checkout = place(lines=[(ProductFactory(), 1) for _ in range(27)])
    pay(checkout, tasks)
    shipments = list(Shipment.objects.order_by("-created_at", "-pk"))
    courier = courier_of(shipments[0])
    client = signed_in(courier)
    # when
    first = page(client.get("/parcels/mine/"))
    second = page(client.get("/parcels/mine/", {"page": 2}))
    # then
    assert len(shipments) == 27
    assert sum(s.code in first for s in shipments) == 25
    assert sum(s.code in second for s in shipments) == 2
    assert "Page 1 of 2" in first


def test_my_parcels_costs_the_same_queries_for_one_parcel_or_many(tasks):
    """No query per row: the list reads its orders, villages and hubs with the parcels."""
    # given
    _first, courier = parcel(tasks)
    client = signed_in(courier)
    client.get("/parcels/mine/")
    with CaptureQueriesContext(connection) as one:
        client.get("/parcels/mine/")
    # when: five more parcels of the same carrier
    pay(place(lines=[(ProductFactory(), 1) for _ in range(5)]), tasks)
    with CaptureQueriesContext(connection) as six:
        text = page(client.get("/parcels/mine/"))
    # then
    assert sum(s.code in text for s in Shipment.objects.all()) == 6
    assert len(six) == len(one)


def test_my_parcels_is_not_there_for_people_without_a_carrier_or_hub(tasks):
    shipment, _courier = parcel(tasks)
    assert signed_in(shipment.order.buyer).get("/parcels/mine/").status_code == 404
    assert Client().get("/parcels/mine/").status_code == 302


# -- the tracking page -----------------------------------------------------------------------


def track_url(shipment) -> str:
    return reverse("parcels:track", args=[shipment.code])


def test_the_buyer_follows_the_parcel(tasks):
    # given
    shipment, courier = reach(tasks, S.OUT_FOR_DELIVERY)
    record(shipment, S.FAILED_ATTEMPT, courier, failure=FailureReason.WRONG_ADDRESS, note="gate")
    # when
    response = signed_in(shipment.order.buyer).get(track_url(shipment))
    # then
    text = page(response)
    assert response.status_code == 200
    assert "Delivery attempt failed" in text
    assert f"Arrives {promise_label(shipment.promised_from, shipment.promised_to)}" in text
    assert shipment.legs.first().carrier.name in text
    for what in ("Picked up", "Out for delivery", "Address wrong or not found", "gate"):
        assert what in text
    assert reverse("orders:order_detail", args=[shipment.order_id]) in text
    assert parcel_url(shipment) not in text  # the buyer records nothing


def test_the_timeline_names_the_hub(tasks):
    shipment, courier = reach(tasks, S.PICKED_UP)
    record(shipment, S.AT_HUB, courier, hub=shipment.origin_hub)
    text = page(signed_in(shipment.order.buyer).get(track_url(shipment)))
    assert shipment.origin_hub.name in text


def test_a_delivered_parcel_says_when_and_promises_nothing(tasks):
    shipment, _courier = reach(tasks, S.DELIVERED)
    text = page(signed_in(shipment.order.buyer).get(track_url(shipment)))
    assert "Delivered on" in text
    assert "Arrives" not in text


def test_the_seller_and_the_courier_follow_it_too(tasks):
    shipment, courier = parcel(tasks)
    seller = page(signed_in(shipment.order.shop.owner).get(track_url(shipment)))
    driver = page(signed_in(courier).get(track_url(shipment)))
    assert reverse("orders:seller_order", args=[shipment.order_id]) in seller
    assert f"{parcel_url(shipment)}?via=web" in driver


@pytest.mark.parametrize("who", ["stranger", "other_buyer", "other_carrier"])
def test_anyone_else_gets_a_404_for_the_tracking_page(tasks, who):
    shipment, _courier = parcel(tasks)
    if who == "other_carrier":
        person = _other_carrier_driver()
    elif who == "other_buyer":
        other, _ = parcel(tasks)
        person = other.order.buyer
    else:
        person = UserFactory()
    assert signed_in(person).get(track_url(shipment)).status_code == 404


def test_the_tracking_page_asks_anonymous_people_to_log_in_and_bad_codes_are_404(tasks):
    shipment, _courier = parcel(tasks)
    assert Client().get(track_url(shipment)).status_code == 302
    buyer = signed_in(shipment.order.buyer)
    assert buyer.get("/parcels/track/SKXXXXXXXX/").status_code == 404
    assert buyer.get("/parcels/track/%00%01/").status_code == 404


# -- links from the order pages -----------------------------------------------------------------


def test_the_order_pages_link_to_the_tracking_page(tasks):
    shipment, _courier = parcel(tasks)
    order = shipment.order
    buyer = page(signed_in(order.buyer).get(reverse("orders:order_detail", args=[order.pk])))
    seller = page(signed_in(order.shop.owner).get(reverse("orders:seller_order", args=[order.pk])))
    assert track_url(shipment) in buyer
    for url in (
        track_url(shipment),
        reverse("parcels:label", args=[order.pk]),
        reverse("parcels:slip", args=[order.pk]),
    ):
        assert url in seller


def test_an_order_without_a_parcel_shows_no_link_and_no_error():
    """An order waiting for payment has no shipment yet: `order.shipment` in the template is
    quietly empty."""
    checkout = place()
    order = checkout.orders.get()
    assert not Shipment.objects.filter(order=order).exists()
    response = signed_in(order.buyer).get(reverse("orders:order_detail", args=[order.pk]))
    assert response.status_code == 200
    assert "/parcels/" not in page(response)
