"""The drivers' and hub staff's run pages: who sees which run, the stops, the manifest, the
hub's day and its "Plan again" button."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from sokoni.accounts.tests.factories import StaffFactory, UserFactory
from sokoni.logistics.models import Run, RunLeftover, RunStop
from sokoni.logistics.runs import runs_plan
from sokoni.logistics.states import RunStatus
from sokoni.logistics.tests.test_runs import LIMIT, for_centre, send, vehicle, villages
from sokoni.orders.tests.factories import frozen
from sokoni.shipping.tests.factories import network_hub
from sokoni.villages.tests.factories import ServiceCentreFactory

pytestmark = pytest.mark.django_db

NAIROBI = ZoneInfo("Africa/Nairobi")
DAY = dt.date(2026, 3, 10)
MORNING = dt.datetime(2026, 3, 10, 6, 0, tzinfo=NAIROBI)


@pytest.fixture(autouse=True)
def _quick_planner(monkeypatch):
    monkeypatch.setattr("sokoni.logistics.run_views.PAGE_TIME_LIMIT_S", LIMIT)


@pytest.fixture
def day(tasks):
    """A hub with two vans and their drivers, a member of staff, six parcels planned (one van
    used, one parcel too heavy for any van)."""
    hub = network_hub("KE")
    staff = UserFactory(name="Hub Keeper")
    hub.staff.add(staff)
    places = villages()
    centre = ServiceCentreFactory(village=places[2], name="Kiganjo centre")
    shipments = [send(tasks, place) for place in places]
    shipments.append(for_centre(tasks, places[0], centre, staff))
    heavy = send(tasks, places[1], weight_g=300_000)
    driver = UserFactory(name="Juma Driver")
    van = vehicle(hub, "KDA 100A", driver=driver)
    other = vehicle(hub, "KDB 200B", driver=UserFactory(name="Other Driver"), is_active=False)
    runs_plan(hub=hub, day=DAY, time_limit_s=LIMIT)
    return {
        "hub": hub,
        "staff": staff,
        "driver": driver,
        "van": van,
        "other": other,
        "run": Run.objects.get(vehicle=van),
        "shipments": shipments,
        "heavy": heavy,
        "centre": centre,
    }


def test_a_driver_sees_their_runs_and_no_one_elses(client, day):
    # given
    client.force_login(day["driver"])
    # when
    with frozen(MORNING):
        page = client.get(reverse("runs:list"))
    # then
    assert page.status_code == 200
    assert list(page.context["runs"]) == [day["run"]]
    assert "KDA 100A" in page.content.decode()
    assert page.context["hubs"] == []


def test_the_runs_driver_and_the_vehicles_driver_both_see_it(client, day):
    """Staff may hand a planned run to a relief driver in the admin: both see it."""
    # given
    relief = UserFactory()
    Run.objects.filter(pk=day["run"].pk).update(driver=relief)
    # then
    for user in (relief, day["driver"]):
        client.force_login(user)
        assert client.get(reverse("runs:detail", args=[day["run"].pk])).status_code == 200
        with frozen(MORNING):
            assert list(client.get(reverse("runs:list")).context["runs"]) == [day["run"]]


def test_the_run_page_lists_the_stops_in_order_with_codes_and_times(client, day):
    # given
    run = day["run"]
    client.force_login(day["driver"])
    # when
    page = client.get(reverse("runs:detail", args=[run.pk]))
    # then
    assert page.status_code == 200
    text = page.content.decode()
    stops = page.context["stops"]
    assert [s.seq for s in stops] == list(run.stops.order_by("seq").values_list("seq", flat=True))
    assert stops[0].is_hub
    assert stops[-1].is_hub
    assert "Kiganjo centre" in text
    for shipment in day["shipments"]:
        assert shipment.code in text
    assert day["heavy"].code not in text
    positions = [text.index(f">{s.seq}</th>") for s in stops]
    assert positions == sorted(positions)
    first_village = stops[1]
    assert f"{first_village.arrive:%H:%M} \u2013 {first_village.leave:%H:%M}" in text
    assert "0.5 kg" in text
    assert reverse("runs:manifest", args=[run.pk]) in text
    assert reverse("runs:hub_day", args=[day["hub"].code, "2026-03-10"]) not in text


def test_the_manifest_prints_every_parcel_with_a_box_and_the_signature_lines(client, day):
    # given
    run = day["run"]
    client.force_login(day["driver"])
    # when
    page = client.get(reverse("runs:manifest", args=[run.pk]))
    # then
    assert page.status_code == 200
    text = page.content.decode()
    assert "<!doctype html>" in text
    assert "web/sokoni.css" not in text
    assert 'href="/static/logistics/manifest.css"' in text  # its print rules, not inline
    assert "<style" not in text
    for expected in ("Test hub KE", "KDA 100A", "Juma Driver", "Tuesday 10 March 2026"):
        assert expected in text
    assert f"{run.km} km" in text
    for shipment in day["shipments"]:
        assert text.count(f"<strong>{shipment.code}</strong>") == 2  # collected, then unloaded
    assert text.count('class="box"') == 2 * len(day["shipments"])
    assert "Driver, on leaving the hub" in text
    assert "Hub staff, on return" in text


def test_hub_staff_see_every_run_of_their_hub_and_the_leftovers(client, day):
    # given
    client.force_login(day["staff"])
    # when
    with frozen(MORNING):
        listing = client.get(reverse("runs:list"))
    page = client.get(reverse("runs:hub_day", args=[day["hub"].code, "2026-03-10"]))
    detail = client.get(reverse("runs:detail", args=[day["run"].pk]))
    # then
    assert list(listing.context["runs"]) == [day["run"]]
    assert [hub for hub, _today, _tomorrow in listing.context["hubs"]] == [day["hub"]]
    assert page.status_code == 200
    data = page.context["data"]
    assert data.runs == (day["run"],)
    assert data.parcels == len(day["shipments"])
    assert data.km == day["run"].km
    text = page.content.decode()
    assert day["heavy"].code in text
    assert "too_heavy" in text
    assert "heavier or bulkier than any vehicle" in text
    assert detail.status_code == 200
    assert reverse("runs:hub_day", args=[day["hub"].code, "2026-03-10"]) in detail.content.decode()


@pytest.mark.parametrize("who", ["stranger", "other_driver", "other_hub_staff"])
def test_others_see_no_run_and_get_404s(client, day, who):
    # given
    if who == "stranger":
        user = UserFactory()
    elif who == "other_driver":
        user = day["other"].driver
    else:
        user = UserFactory()
        other_hub = network_hub("UG")
        other_hub.staff.add(user)
    client.force_login(user)
    run = day["run"]
    # then
    with frozen(MORNING):
        assert list(client.get(reverse("runs:list")).context["runs"]) == []
    assert client.get(reverse("runs:detail", args=[run.pk])).status_code == 404
    assert client.get(reverse("runs:manifest", args=[run.pk])).status_code == 404
    url = reverse("runs:hub_day", args=[day["hub"].code, "2026-03-10"])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert list(Run.objects.values_list("pk", flat=True)) == [run.pk]


def test_the_driver_may_not_plan_the_hubs_day(client, day):
    client.force_login(day["driver"])
    url = reverse("runs:hub_day", args=[day["hub"].code, "2026-03-10"])
    assert client.post(url).status_code == 404
    assert list(Run.objects.values_list("pk", flat=True)) == [day["run"].pk]


def test_anonymous_visitors_are_sent_to_log_in(client, day):
    for url in (
        reverse("runs:list"),
        reverse("runs:detail", args=[day["run"].pk]),
        reverse("runs:manifest", args=[day["run"].pk]),
        reverse("runs:hub_day", args=[day["hub"].code, "2026-03-10"]),
    ):
        page = client.get(url)
        assert page.status_code == 302
        assert page.url.startswith(reverse("accounts:login"))


def test_sokoni_staff_see_every_run(client, day):
    client.force_login(StaffFactory())
    with frozen(MORNING):
        assert list(client.get(reverse("runs:list")).context["runs"]) == [day["run"]]
    assert client.get(reverse("runs:detail", args=[day["run"].pk])).status_code == 200


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "2026-02-30"])
def test_a_bad_date_is_a_404(client, day, bad):
    client.force_login(day["staff"])
    assert client.get(f"/runs/hub/{day['hub'].code}/{bad}/").status_code == 404


def test_an_unknown_hub_or_run_is_a_404(client, day):
    client.force_login(day["staff"])
    assert client.get(reverse("runs:hub_day", args=["nowhere", "2026-03-10"])).status_code == 404
    assert client.get(reverse("runs:detail", args=[999_999])).status_code == 404


def test_hub_staff_plan_the_day_again(client, day, tasks):
    """ "Plan again" replaces the planned runs with a plan of every parcel waiting, including
    one paid since, and uses the van now in service."""
    # given
    client.force_login(day["staff"])
    late = send(tasks, villages(1)[0])
    day["other"].is_active = True
    day["other"].save()
    url = reverse("runs:hub_day", args=[day["hub"].code, "2026-03-10"])
    # when
    with frozen(MORNING):
        page = client.get(url)
        answer = client.post(url, follow=True)
    # then
    assert page.context["may_plan"] is True
    assert "Plan again" in page.content.decode()
    assert answer.redirect_chain == [(url, 302)]
    assert not Run.objects.filter(pk=day["run"].pk).exists()
    planned = {
        s.code
        for stop in RunStop.objects.exclude(village=None, centre=None)
        for s in [*stop.collect.all(), *stop.deliver.all()]
    }
    assert planned == {s.code for s in [*day["shipments"], late]}
    assert list(RunLeftover.objects.values_list("shipment", flat=True)) == [day["heavy"].pk]
    message = str(next(iter(answer.context["messages"])))
    assert message.startswith("Planned again: ")
    assert "1 run, 6 parcel(s), 1 left for another day." in message


def test_a_past_day_is_not_planned_again(client, day):
    # given
    client.force_login(day["staff"])
    url = reverse("runs:hub_day", args=[day["hub"].code, "2026-03-10"])
    tomorrow = MORNING + dt.timedelta(days=1)
    # when
    with frozen(tomorrow):
        page = client.get(url)
        answer = client.post(url, follow=True)
    # then
    assert page.context["may_plan"] is False
    assert "Plan again" not in page.content.decode()
    assert list(Run.objects.values_list("pk", flat=True)) == [day["run"].pk]
    message = str(next(iter(answer.context["messages"])))
    assert message == "Only today and later days of an open hub can be planned."


def test_a_started_run_shows_as_on_the_road_and_survives_planning_again(client, day):
    # given
    Run.objects.filter(pk=day["run"].pk).update(status=RunStatus.STARTED)
    client.force_login(day["staff"])
    url = reverse("runs:hub_day", args=[day["hub"].code, "2026-03-10"])
    # when
    with frozen(MORNING):
        client.post(url)
        page = client.get(url)
    # then
    assert Run.objects.get(pk=day["run"].pk).status == RunStatus.STARTED
    assert "On the road" in page.content.decode()
