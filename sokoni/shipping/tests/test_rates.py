"""Rate tables are full grids: gaps, overlaps, missing and doubled cells are refused."""

import pytest

from sokoni.accounts.tests.factories import StaffFactory
from sokoni.shipping.errors import RateTableInvalid
from sokoni.shipping.models import RateBand, RateTable, Service
from sokoni.shipping.rates import Band, check_bands, price_in
from sokoni.shipping.services import rate_table_set
from sokoni.shipping.tests.factories import test_hub

GRID = [
    Band(0, 1000, 0, 50, 100),
    Band(0, 1000, 50, 200, 200),
    Band(1000, 5000, 0, 50, 300),
    Band(1000, 5000, 50, 200, 400),
]


def test_a_full_grid_passes_and_prices_each_cell():
    """Every weight band crossed with every distance band has one price, edges included."""
    check_bands(GRID)
    assert price_in(GRID, 1, 0) == 100
    assert price_in(GRID, 999, 49) == 100
    assert price_in(GRID, 1000, 49) == 300  # a band includes its start, not its end
    assert price_in(GRID, 4999, 199) == 400
    assert price_in(GRID, 5000, 10) is None  # past the heaviest band
    assert price_in(GRID, 10, 200) is None  # past the farthest band


@pytest.mark.parametrize(
    ("bands", "says"),
    [
        ([], "at least one band"),
        ([Band(100, 1000, 0, 50, 1)], "must start at 0"),
        ([Band(0, 1000, 10, 50, 1)], "must start at 0"),
        ([Band(0, 1000, 0, 50, 1), Band(1200, 2000, 0, 50, 1)], "Gap in the weight bands"),
        ([Band(0, 1000, 0, 50, 1), Band(500, 2000, 0, 50, 1)], "overlap"),
        ([Band(0, 1000, 0, 50, 1), Band(0, 1000, 40, 90, 1)], "overlap"),
        ([Band(0, 1000, 0, 50, 1), Band(0, 1000, 60, 90, 1)], "Gap in the distance bands"),
        (GRID[:3], "No price for 1000\u20135000 g over 50\u2013200 km"),
        ([*GRID, Band(0, 1000, 0, 50, 999)], "Two prices"),
        ([Band(0, 1000, 0, 50, -1)], "cannot be negative"),
        ([Band(0, 0, 0, 50, 1)], "ends before it starts"),
    ],
)
def test_a_table_with_holes_is_refused_with_a_clear_reason(bands, says):
    with pytest.raises(RateTableInvalid) as refused:
        check_bands(bands)
    assert says in str(refused.value.message)


@pytest.mark.django_db
def test_saving_a_bad_table_changes_nothing():
    """rate_table_set refuses a table with a gap and keeps the old prices."""
    # given
    test_hub("KE")
    service = Service.objects.filter(country="KE").first()
    table = RateTable.objects.get(service=service)
    before = list(table.bands.values_list("price_minor", flat=True))
    # when
    with pytest.raises(RateTableInvalid):
        rate_table_set(table=table, bands=[Band(0, 1000, 0, 50, 1), Band(2000, 3000, 0, 50, 1)])
    # then
    assert list(table.bands.values_list("price_minor", flat=True)) == before
    # and a good table replaces the old one
    rate_table_set(table=table, bands=GRID)
    assert sorted(RateBand.objects.filter(table=table).values_list("price_minor", flat=True)) == [
        100,
        200,
        300,
        400,
    ]


@pytest.mark.django_db
def test_the_admin_refuses_a_rate_table_with_an_overlap(client):
    """Staff saving bands that overlap get the reason, and no band is saved."""
    # given
    client.force_login(StaffFactory(is_superuser=True))
    test_hub("KE")
    table = RateTable.objects.filter(service__country="KE").first()
    RateBand.objects.filter(table=table).delete()
    rows = [(0, 1000, 0, 50, 100), (500, 2000, 0, 50, 200)]
    data = {
        "service": table.service_id,
        "zone": "",
        "currency": "KES",
        "bands-TOTAL_FORMS": str(len(rows)),
        "bands-INITIAL_FORMS": "0",
        "bands-MIN_NUM_FORMS": "0",
        "bands-MAX_NUM_FORMS": "1000",
    }
    for i, (wf, wt, df, dt, price) in enumerate(rows):
        data.update(
            {
                f"bands-{i}-weight_from_g": wf,
                f"bands-{i}-weight_to_g": wt,
                f"bands-{i}-distance_from_km": df,
                f"bands-{i}-distance_to_km": dt,
                f"bands-{i}-price_minor": price,
            }
        )
    # when
    response = client.post(f"/admin/shipping/ratetable/{table.pk}/change/", data)
    # then
    assert response.status_code == 200
    assert "Weight bands overlap" in response.content.decode()
    assert RateBand.objects.filter(table=table).count() == 0
    # and a full grid saves
    data["bands-1-weight_from_g"] = 1000
    response = client.post(f"/admin/shipping/ratetable/{table.pk}/change/", data)
    assert response.status_code == 302
    assert RateBand.objects.filter(table=table).count() == 2
