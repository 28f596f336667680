"""The parcel's label (A6, with its QR code) and packing slip, printed from the seller area:
only the shop's owner gets them, and the QR code opens the parcel's event page."""

import html
import re

import pytest
import segno
from django.test import Client
from django.urls import reverse

from sokoni.accounts.tests.factories import UserFactory
from sokoni.catalog.tests.factories import ProductFactory
from sokoni.logistics.tests.test_tracking import (
    _other_carrier_driver,
    parcel,
    parcel_for_pickup,
)
from sokoni.orders.tests.factories import place

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(response) -> str:
    return html.unescape(response.content.decode())


def label_url(order, prefix="") -> str:
    return prefix + reverse("parcels:label", args=[order.pk])


def slip_url(order) -> str:
    return reverse("parcels:slip", args=[order.pk])


def qr_matrix(svg: str) -> list[list[bool]]:
    """Read the dark modules back out of segno's SVG path (M, m and h commands, a quiet
    zone of 4 modules), as rows of booleans."""
    viewbox = re.search(r'viewBox="0 0 (\d+) (\d+)"', svg)
    d = re.search(r' d="([^"]+)"', svg).group(1)
    scale = int(re.search(r"scale\((\d+)\)", svg).group(1))
    size = int(viewbox.group(1)) // scale - 8
    rows = [[False] * size for _ in range(size)]
    x = y = 0.0
    tokens = re.findall(r"[Mmh]|-?\d+(?:\.\d+)?", d)
    i = 0
    while i < len(tokens):
        command = tokens[i]
        if command == "M":
            x, y = float(tokens[i + 1]), float(tokens[i + 2])
            i += 3
        elif command == "m":
            x, y = x + float(tokens[i + 1]), y + float(tokens[i + 2])
            i += 3
        else:
            length = int(float(tokens[i + 1]))
            for column in range(int(x), int(x) + length):
                rows[int(y - 0.5) - 4][column - 4] = True
            x += length
            i += 2
    return rows


def test_the_label_shows_the_code_addresses_weight_route_and_order(tasks):
    # given
    shipment, _courier = parcel(tasks)
    order = shipment.order
    # when
    response = signed_in(order.shop.owner).get(label_url(order))
    # then
    text = page(response)
    assert response.status_code == 200
    assert f'<p class="code">{shipment.code}</p>' in text
    assert 'href="/static/logistics/label.css"' in text  # A6 page size, no inline <style>
    assert "<style" not in text
    assert order.number in text
    assert order.shop.name in text
    assert shipment.origin_village.name in text
    checkout = order.checkout
    assert checkout.recipient_name in text
    assert "+254 722 000111" in text
    assert checkout.address in text
    assert f"{shipment.destination_hub.name}, Kenya" in text
    assert f"{shipment.weight_g / 1000:.1f} kg" in text
    assert text.count("Test post KE") == shipment.legs.count()
    assert f"SCAN {shipment.code} PICKED" in text


def test_the_qr_code_encodes_the_address_of_the_event_page(tasks):
    # given
    shipment, _courier = parcel(tasks)
    order = shipment.order
    expected = f"http://testserver/parcels/p/{shipment.code}/"
    # when
    text = page(signed_in(order.shop.owner).get(label_url(order)))
    # then
    svg = re.search(r'<svg [^>]*class="qr".*?</svg>', text, re.DOTALL).group(0)
    assert f"<title>{shipment.code}</title>" in svg
    wanted = [[bool(m) for m in row] for row in segno.make_qr(expected, error="m").matrix]
    assert qr_matrix(svg) == wanted


def test_the_qr_code_has_no_language_prefix_whatever_the_sellers_language(tasks):
    """The phone that scans it picks its own language."""
    shipment, _courier = parcel(tasks)
    order = shipment.order
    text = page(signed_in(order.shop.owner).get(label_url(order, prefix="/sw")))
    svg = re.search(r'<svg [^>]*class="qr".*?</svg>', text, re.DOTALL).group(0)
    expected = f"http://testserver/parcels/p/{shipment.code}/"
    wanted = [[bool(m) for m in row] for row in segno.make_qr(expected, error="m").matrix]
    assert qr_matrix(svg) == wanted
    assert 'lang="sw"' in text


def test_a_label_for_pickup_names_the_service_centre(tasks):
    shipment, _courier = parcel_for_pickup(tasks)
    order = shipment.order
    text = page(signed_in(order.shop.owner).get(label_url(order)))
    centre = shipment.centre
    assert f"Pickup at {centre.name}, {centre.village.name}" in text


@pytest.mark.parametrize("who", ["buyer", "stranger", "courier", "other_seller", "other_carrier"])
def test_only_the_shop_owner_gets_the_label_and_the_slip(tasks, who):
    shipment, courier = parcel(tasks)
    order = shipment.order
    person = {
        "buyer": lambda: order.buyer,
        "stranger": UserFactory,
        "courier": lambda: courier,
        "other_seller": lambda: ProductFactory().shop.owner,
        "other_carrier": _other_carrier_driver,
    }[who]()
    client = signed_in(person)
    assert client.get(label_url(order)).status_code == 404
    assert client.get(slip_url(order)).status_code == 404


def test_anonymous_people_are_asked_to_log_in(tasks):
    shipment, _courier = parcel(tasks)
    response = Client().get(label_url(shipment.order))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_order_without_a_parcel_has_no_label():
    """An order waiting for payment has no shipment yet."""
    order = place().orders.get()
    client = signed_in(order.shop.owner)
    assert client.get(label_url(order)).status_code == 404
    assert client.get(slip_url(order)).status_code == 404


@pytest.mark.parametrize("order_id", ["999999", "0", str(2**63), str(10**30)])
def test_unknown_order_numbers_are_404(tasks, order_id):
    shipment, _courier = parcel(tasks)
    client = signed_in(shipment.order.shop.owner)
    assert client.get(f"/parcels/label/{order_id}/").status_code == 404
    assert client.get(f"/parcels/slip/{order_id}/").status_code == 404


def test_the_packing_slip_lists_what_the_parcel_holds_without_prices(tasks):
    # given
    honey = ProductFactory(name="Forest honey 500 g", price_minor=123_456)
    shipment, _courier = parcel(tasks, lines=[(honey, 3)])
    order = shipment.order
    # when
    response = signed_in(order.shop.owner).get(slip_url(order))
    # then
    text = page(response)
    assert response.status_code == 200
    assert "Packing slip" in text
    assert order.number in text
    assert shipment.code in text
    assert "Forest honey 500 g" in text
    assert re.search(r'<td class="num">3(</td>| )', text)
    assert "1,234.56" not in text
    assert "KES" not in text
    assert order.checkout.recipient_name in text
