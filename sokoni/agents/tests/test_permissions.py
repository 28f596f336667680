"""Who may see the operator area: its operator, for their own centres' villagers, orders,
parcels and float; anyone else is sent to log in (anonymous) or gets a 404."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from sokoni.accounts.services import pin_set
from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.agents import services
from sokoni.agents.errors import StaffNotVillager
from sokoni.agents.models import AttachRequest, CashCount
from sokoni.agents.services import SESSION_KEY
from sokoni.agents.tests.conftest import assisted_checkout, paid_in_cash
from sokoni.logistics.models import Pickup
from sokoni.messaging.models import OutboundSms
from sokoni.orders.services.lifecycle import order_ship
from sokoni.orders.tests.factories import world
from sokoni.villages.models import Resident
from sokoni.villages.states import VillageStatus
from sokoni.villages.tests.factories import ServiceCentreFactory

pytestmark = pytest.mark.django_db

PAGES = [
    ("agents:home", False),
    ("agents:villager_find", False),
    ("agents:villager_register", False),
    ("agents:orders", False),
    ("agents:parcels_waiting", False),
    ("agents:parcels_expected", False),
    ("agents:float", False),
    ("agents:reconcile", False),
    ("agents:villager_detail", "villager"),
    ("agents:villager_pin_reset", "villager"),
    ("agents:cart", "villager"),
    ("agents:checkout_detail", "checkout"),
    ("agents:parcel_detail", "order"),
]


def _urls(counter):
    checkout = paid_in_cash(counter)
    ids = {
        "villager": counter.villager.pk,
        "checkout": checkout.pk,
        "order": checkout.orders.get().pk,
    }
    return [reverse(name, args=[ids[arg]] if arg else []) for name, arg in PAGES], checkout


def test_anonymous_visitors_are_sent_to_log_in(client, counter):
    """Every page of the area asks a visitor to log in first."""
    # given
    urls, _checkout = _urls(counter)
    for url in urls:
        # when
        response = client.get(url)
        # then
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url


@pytest.mark.parametrize("who", ["plain user", "staff", "seller"])
def test_people_who_run_no_centre_get_404_everywhere(client, counter, who):
    """Staff and sellers are no operators: the area does not exist for them."""
    # given
    urls, _checkout = _urls(counter)
    user = {"plain user": UserFactory, "staff": StaffFactory}.get(who, lambda: counter.seller)()
    client.force_login(user)
    for url in urls:
        # when / then
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("closed", ["centre closed", "village suspended"])
def test_operator_of_a_closed_centre_gets_404(client, counter, closed):
    """Only an open centre in an approved village makes someone an operator."""
    # given
    urls, _checkout = _urls(counter)
    if closed == "centre closed":
        type(counter.centre).objects.filter(pk=counter.centre.pk).update(is_active=False)
    else:
        village = counter.centre.village
        type(village).objects.filter(pk=village.pk).update(status=VillageStatus.SUSPENDED)
    client.force_login(counter.operator)
    for url in urls:
        # when / then
        assert client.get(url).status_code == 404, url


def test_operator_sees_every_page_of_their_own_area(client, counter):
    # given
    urls, _checkout = _urls(counter)
    client.force_login(counter.operator)
    for url in urls:
        # when / then
        assert client.get(url).status_code == 200, url


def test_operator_of_another_centre_gets_404_on_its_villagers_orders_and_parcels(
    client, counter, other, tasks
):
    """The operator next door sees nothing of this centre, and changes nothing by posting."""
    # given: a paid assisted order of this centre, shipped, and one waiting for cash
    paid = paid_in_cash(counter).orders.get()
    order_ship(order=paid, actor=counter.seller, tracking_ref="BUS-1")
    waiting = assisted_checkout(counter, lines=[(counter.tea, 1)])
    pin_set(user=counter.villager, new_pin="4071")
    session = client.session
    session[SESSION_KEY] = {}
    session.save()
    client.force_login(other.operator)
    before = world()
    pickups = Pickup.objects.count()
    villager, checkout = counter.villager.pk, waiting.pk
    gets = [
        reverse("agents:villager_detail", args=[villager]),
        reverse("agents:villager_pin_reset", args=[villager]),
        reverse("agents:cart", args=[villager]),
        reverse("agents:checkout_detail", args=[checkout]),
        reverse("agents:parcel_detail", args=[paid.pk]),
    ]
    posts = [
        (reverse("agents:villager_pin_reset", args=[villager]), {"checked": "on"}),
        (
            reverse("agents:cart_add", args=[villager]),
            {"product_id": counter.tea.pk, "quantity": 1},
        ),
        (reverse("agents:checkout", args=[villager]), {"key": "k" * 24, "method": "cash"}),
        (reverse("agents:checkout_detail", args=[checkout]), {"amount": "520"}),
        (reverse("agents:checkout_pay", args=[checkout]), {"method": "mobile_money"}),
        (reverse("agents:checkout_cancel", args=[checkout]), {}),
        (reverse("agents:parcel_check_in", args=[paid.pk]), {}),
        (reverse("agents:parcel_detail", args=[paid.pk]), {"code": "123456"}),
        (reverse("agents:parcel_resend", args=[paid.pk]), {}),
    ]
    # when / then
    for url in gets:
        assert client.get(url).status_code == 404, url
    with mock.patch("sokoni.logistics.services.secrets.randbelow", return_value=123456):
        for url, data in posts:
            assert client.post(url, data).status_code == 404, url
    # then: nothing changed
    assert world() == before
    assert Pickup.objects.count() == pickups
    assert counter.villager.pin is not None
    assert client.session.get(SESSION_KEY, {}) == {}


def test_operator_of_another_centre_cannot_attach_its_villager(client, counter, other):
    """Looking up a villager of the centre next door explains, and offers nothing."""
    # given
    client.force_login(other.operator)
    # when
    page = client.get(reverse("agents:villager_find"), {"phone": "+254712345678"})
    response = client.post(reverse("agents:villager_attach"), {"phone": "+254712345678"})
    # then
    assert page.status_code == 200
    assert "another service centre" in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse("agents:villager_find")
    assert not AttachRequest.objects.exists()
    counter.villager.residence.refresh_from_db()
    assert counter.villager.residence.centre_id == counter.centre.pk


@pytest.mark.parametrize("who", ["staff", "operator next door"])
def test_staff_and_other_operators_cannot_be_made_villagers(client, counter, other, who):
    """An operator who typed the number of a Sokoni staff member or of another centre's
    operator (neither has a home centre) could make them their villager, then order in their
    name and forget their PIN: the page explains, the attach is refused, nothing is saved."""
    # given
    target = StaffFactory() if who == "staff" else other.operator
    client.force_login(counter.operator)
    # when
    page = client.get(reverse("agents:villager_find"), {"phone": target.phone})
    response = client.post(reverse("agents:villager_attach"), {"phone": target.phone})
    # then
    assert page.status_code == 200
    assert page.context["lookup"].staff is True
    assert page.context["attach"] is None
    assert "Sokoni staff or a centre's operator." in page.content.decode()
    assert response.status_code == 302
    assert response["Location"] == reverse("agents:villager_find")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "This number belongs to Sokoni staff or a centre's operator."
    ]
    assert not Resident.objects.filter(user=target).exists()
    with pytest.raises(StaffNotVillager):
        services.villager_attach_request(
            operator=counter.operator, centre_id=counter.centre.pk, phone=target.phone
        )
    assert not AttachRequest.objects.exists()
    assert not OutboundSms.objects.filter(to=target.phone).exists()
    assert client.get(reverse("agents:villager_detail", args=[target.pk])).status_code == 404


def test_a_cash_count_is_only_for_the_operators_own_centre(client, counter, other):
    """A centre id of someone else's centre is refused and nothing is saved."""
    # given: an operator who runs two centres, and a form naming the centre next door
    second = ServiceCentreFactory(operator=counter.operator, village=counter.centre.village)
    client.force_login(counter.operator)
    # when
    response = client.post(
        reverse("agents:reconcile"),
        {
            "day": "2026-01-05",
            "currency": "KES",
            "centre": other.centre.pk,
            "counted": "100",
            "note": "",
        },
    )
    # then
    assert response.status_code == 200
    assert "centre" in response.context["count"].errors
    assert CashCount.objects.count() == 0
    assert second.pk != other.centre.pk


@pytest.mark.django_db
def test_the_menu_links_to_the_centre_only_for_its_operator(client):
    centre = ServiceCentreFactory()
    client.force_login(centre.operator)
    assert 'href="/agent/"' in client.get("/").content.decode()
    client.force_login(UserFactory())
    assert 'href="/agent/"' not in client.get("/").content.decode()
