"""Every page type of every role — visitors, buyers, sellers, service-centre operators, village
administrators, couriers and staff — passes axe-core (WCAG 2.0/2.1/2.2 A and AA) both as it is
and rendered right to left (``dir="rtl"``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.browser.support import World, axe_violations, describe, log_in, pickup_checkout

pytestmark = pytest.mark.browser


def _paid_order(world: World) -> Any:
    from sokoni.orders.services.cart import cart_add

    order = pickup_checkout(world, world.products[0]).orders.get()
    cart_add(user=world.buyer, product_id=world.products[1].pk, quantity=1)
    return order


def _pages(world: World) -> list[tuple[Any, str]]:
    from sokoni.accounts.tests.factories import UserFactory
    from sokoni.villages.models import ServiceCentre

    order = _paid_order(world)
    village = world.villages[0]
    admin = UserFactory(name="Joseph Ndirangu")
    village.admins.add(admin)
    centre = ServiceCentre.objects.filter(village=village).get()
    shop = world.shops[0]
    code = order.shipment.code
    visitor = None
    return [
        (visitor, reverse("web:home")),
        (visitor, reverse("web:village_detail", args=[village.slug])),
        (visitor, reverse("web:product_detail", args=[world.coffee.pk, world.coffee.slug])),
        (visitor, reverse("web:search") + "?q=honey"),
        (visitor, reverse("accounts:login") + "?next=/orders/"),
        (visitor, reverse("parcels:track", args=[code])),
        (world.buyer, reverse("orders:cart")),
        (world.buyer, reverse("orders:checkout")),
        (world.buyer, reverse("orders:order_list")),
        (world.buyer, reverse("orders:order_detail", args=[order.pk])),
        (world.buyer, reverse("trust:inbox")),
        (world.seller, reverse("catalog:seller_home")),
        (world.seller, reverse("catalog:shop_manage", args=[shop.slug])),
        (world.seller, reverse("catalog:shop_edit", args=[shop.slug])),
        (world.seller, reverse("catalog:shop_new")),
        (world.seller, reverse("catalog:product_new", args=[shop.slug])),
        (world.seller, reverse("orders:seller_order", args=[order.pk])),
        (world.seller, reverse("parcels:label", args=[order.pk])),
        (world.seller, reverse("parcels:slip", args=[order.pk])),
        (world.seller, reverse("orders:wallet")),
        (centre.operator, reverse("agents:home")),
        (centre.operator, reverse("agents:villager_find")),
        (centre.operator, reverse("agents:parcels_waiting")),
        (centre.operator, reverse("agents:parcels_expected")),
        (centre.operator, reverse("agents:float")),
        (centre.operator, reverse("agents:reconcile")),
        (admin, reverse("villages:mine")),
        (admin, reverse("villages:edit", args=[village.slug])),
        (admin, reverse("villages:centres", args=[village.slug])),
        (admin, reverse("villages:centre_edit", args=[village.slug, centre.pk])),
        (world.staff, reverse("parcels:scan")),
        (world.staff, reverse("parcels:parcel", args=[code])),
        (world.staff, reverse("runs:list")),
        (world.staff, reverse("delivery_report:report")),
        (world.staff, reverse("moderation:queue")),
        (world.staff, reverse("orders:disputes")),
    ]


@pytest.mark.parametrize("direction", ["ltr", "rtl"])
def test_every_page_type_of_every_role_passes_axe(
    page: Any, live_server: Any, world: World, direction: str
) -> None:
    failures = []
    for user, path in _pages(world):
        # given
        page.context.clear_cookies()
        if user is not None:
            log_in(page, live_server, user)
        # when
        response = page.goto(live_server.url + path)
        assert response is not None
        assert response.status == 200, f"{path} answered {response.status}"
        if direction == "rtl":
            page.evaluate("document.documentElement.setAttribute('dir', 'rtl')")
        # then
        violations = axe_violations(page)
        if violations:
            failures.append(f"{path}:\n{describe(violations)}")
    assert not failures, "axe-core found violations:\n" + "\n".join(failures)
