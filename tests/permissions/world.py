"""Two of every kind of party, A and B, each with their own objects, reached through the services.

Party A owns the objects the generated permission test points at; party B (one of each role)
owns objects of the same kinds, so that every B is a real seller, buyer, operator, village
admin or courier and a refusal can only come from an object-level check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

ROLES_B = ("seller_b", "buyer_b", "operator_b", "admin_b", "courier_b")
OWNERS = ("seller_a", "buyer_a", "operator_a", "admin_a", "courier_a", "staff")


@dataclass
class World:
    """The parties (users by role) and A's objects (by name)."""

    users: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    # A signed-in session per role (its cookie value), made once: logging in for each test
    # would cost more than the request.
    sessions: dict[str, str] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    # What no other party may read anywhere: A's names, phone numbers, order numbers, parcel
    # codes and messages.
    private: list[str] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        objects = self.__dict__.get("objects", {})
        if name in objects:
            return objects[name]
        raise AttributeError(name)


def _token(user: Any) -> str:
    from sokoni.accounts.services import api_token_issue
    from sokoni.accounts.tests.factories import PASSWORD

    raw, _issued = api_token_issue(phone=user.phone, password=PASSWORD, ip=None)
    return raw


def _session(user: Any) -> str:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _village_party(name: str, *, lat: str, lon: str) -> tuple[Any, Any]:
    """An approved village administered by its applicant, with a photo."""
    from decimal import Decimal

    from sokoni.villages.tests.factories import VillageFactory, VillagePhotoFactory

    village = VillageFactory(
        name=f"{name} village",
        slug=f"{name.lower()}-village",
        latitude=Decimal(lat),
        longitude=Decimal(lon),
    )
    VillagePhotoFactory(village=village, caption=f"{name} hills")
    return village, village.applicant


def build(tasks: Any) -> World:
    """Build both sides' objects; ``tasks`` is the test task queue (payments arrive through it)."""
    from sokoni.accounts.tests.factories import StaffFactory, UserFactory
    from sokoni.agents.tests.conftest import assisted_checkout, make_counter, paid_in_cash
    from sokoni.catalog import search
    from sokoni.catalog.tests.factories import ProductFactory, ProductImageFactory, ShopFactory
    from sokoni.catalog.tests.images import png_bytes
    from sokoni.logistics.models import Run
    from sokoni.logistics.runs import runs_plan
    from sokoni.logistics.services import pickup_check_in
    from sokoni.logistics.tests.test_export import export_order
    from sokoni.logistics.tests.test_runs import vehicle
    from sokoni.orders.services.cart import cart_add
    from sokoni.orders.services.lifecycle import (
        order_confirm_receipt,
        order_delivered,
        order_dispute_open,
        order_ship,
    )
    from sokoni.orders.tests.factories import paid_order, place, shipped_order
    from sokoni.shipping.models import Carrier, Hub
    from sokoni.shipping.states import CarrierKind
    from sokoni.shipping.tests.factories import network_hub
    from sokoni.trust.messages import message_send, thread_start
    from sokoni.trust.services import report_extortion, review_create, review_reply
    from sokoni.villages.tests.factories import ServiceCentreFactory

    w = World()
    staff = StaffFactory(name="Sokoni staff")
    w.users["staff"] = staff

    # -- villages and their admins -----------------------------------------------------------
    village_a, admin_a = _village_party("Alpha", lat="-0.380", lon="36.990")
    village_b, admin_b = _village_party("Beta", lat="-0.350", lon="36.930")
    w.users["admin_a"], w.users["admin_b"] = admin_a, admin_b
    w.objects.update(village_a=village_a, village_photo_a=village_a.photos.get())

    # -- service centres, operators and their villagers ----------------------------------------
    counter_a = make_counter(operator_name="Operator A", phone="0712 345 678")
    counter_b = make_counter(operator_name="Operator B", phone="0722 555 101")
    w.users["operator_a"], w.users["operator_b"] = counter_a.operator, counter_b.operator
    # The centre village admin A manages (run by an operator of its own).
    centre_a = ServiceCentreFactory(village=village_a, name="Alpha centre")
    w.objects.update(centre_a=centre_a, villager_a=counter_a.villager)

    # -- sellers, shops and products ---------------------------------------------------------
    seller_a = UserFactory(name="Seller A")
    seller_b = UserFactory(name="Seller B")
    w.users["seller_a"], w.users["seller_b"] = seller_a, seller_b
    shop_a = ShopFactory(owner=seller_a, village=village_a, name="Alpha Honey", slug="alpha-honey")
    shop_b = ShopFactory(owner=seller_b, village=village_b, name="Beta Tea", slug="beta-tea")
    product_a = ProductFactory(shop=shop_a, name="Alpha honey 500 g", price_minor=50_000, stock=50)
    image_a = ProductImageFactory(product=product_a)
    product_b = ProductFactory(shop=shop_b, name="Beta tea 250 g", price_minor=30_000, stock=50)
    ProductImageFactory(product=product_b)
    search.product_reindex([product_a.pk])
    w.objects.update(shop_a=shop_a, product_a=product_a, image_a=image_a)
    w.objects.update(village_b=village_b, shop_b=shop_b, product_b=product_b)

    # -- buyers, carts, checkouts and orders ---------------------------------------------------
    buyer_a = UserFactory(name="Buyer A")
    buyer_b = UserFactory(name="Buyer B")
    w.users["buyer_a"], w.users["buyer_b"] = buyer_a, buyer_b
    # A checkout still waiting for payment (pay again, cancel).
    w.objects["checkout_a"] = place(buyer=buyer_a, lines=[(product_a, 1)])
    # A paid order (seller A ships it, buyer A may cancel it).
    w.objects["paid_order_a"] = paid_order(tasks, buyer=buyer_a, lines=[(product_a, 1)])
    # A shipped order (buyer A confirms, extends or disputes it; its parcel is tracked).
    shipped = paid_order(tasks, buyer=buyer_a, lines=[(product_a, 1)])
    w.objects["shipped_order_a"] = order_ship(order=shipped, actor=seller_a, tracking_ref="A-1")
    # A disputed order with a photo as evidence (statements, the staff's dispute page, the
    # private photo).
    disputed = shipped_order(tasks, buyer=buyer_a, lines=[(product_a, 1)])
    order_dispute_open(
        order=disputed,
        actor=buyer_a,
        reason="not_received",
        details="Nothing.",
        images=[png_bytes()],
    )
    w.objects["disputed_order_a"] = disputed
    w.objects["dispute_photo_a"] = disputed.dispute.statements.get().photos.get()
    # A completed order: its line is reviewed, the review answered; a second line waits.
    done = shipped_order(tasks, buyer=buyer_a, lines=[(product_a, 1)])
    order_delivered(order_id=done.pk, actor=None, reference="A-DONE")
    done.refresh_from_db()
    order_confirm_receipt(order=done, actor=buyer_a)
    review = review_create(buyer=buyer_a, line_id=done.lines.get().pk, rating=5, text="Lovely.")
    review_reply(seller=seller_a, review_id=review.pk, text="Thank you.")
    unreviewed = shipped_order(tasks, buyer=buyer_a, lines=[(product_a, 1)])
    order_delivered(order_id=unreviewed.pk, actor=None, reference="A-DONE-2")
    unreviewed.refresh_from_db()
    order_confirm_receipt(order=unreviewed, actor=buyer_a)
    w.objects.update(
        completed_order_a=done,
        review_a=review,
        unreviewed_line_a=unreviewed.lines.get(),
    )
    # An unanswered review (seller A may reply to it).
    fresh = shipped_order(tasks, buyer=buyer_a, lines=[(product_a, 1)])
    order_delivered(order_id=fresh.pk, actor=None, reference="A-DONE-3")
    fresh.refresh_from_db()
    order_confirm_receipt(order=fresh, actor=buyer_a)
    w.objects["unanswered_review_a"] = review_create(
        buyer=buyer_a, line_id=fresh.lines.get().pk, rating=2, text="Late."
    )
    # An export order (invoice, customs papers).
    export = export_order(tasks, shop=shop_a)
    w.objects["export_order_a"] = export
    # Buyer B and seller B have orders of their own.
    paid_order(tasks, buyer=buyer_b, lines=[(shop_b.products.get(), 1)])

    # -- messages --------------------------------------------------------------------------------
    first = thread_start(sender=buyer_a, product_id=product_a.pk, body="Is it raw honey?")
    reply = message_send(sender=seller_a, thread_id=first.thread_id, body="Yes, raw.")
    # With a photo: staff may see it while the order is disputed.
    about_dispute = thread_start(
        sender=buyer_a, order_id=disputed.pk, body="Where is my jar?", images=[png_bytes()]
    )
    w.objects.update(
        thread_a=first.thread,
        message_a=first,
        reply_a=reply,
        disputed_thread_a=about_dispute.thread,
        message_photo_a=about_dispute.attachments.get(),
    )
    thread_start(sender=buyer_b, product_id=shop_b.products.get().pk, body="Fresh?")

    # -- an extortion report (staff moderation), about a third buyer: seller A may still report
    # buyer A (one open report per buyer) --------------------------------------------------------
    pushy = paid_order(tasks, buyer=UserFactory(name="Pushy buyer"), lines=[(product_a, 1)])
    w.objects["report_a"] = report_extortion(
        seller=seller_a, order_id=pushy.pk, details="Asked for money."
    )

    # -- operator A's desk: an assisted checkout waiting for cash, a parcel at the centre --------
    w.objects["agent_checkout_a"] = assisted_checkout(counter_a, lines=[(counter_a.tea, 1)])
    at_centre = paid_in_cash(counter_a).orders.get()
    order_ship(order=at_centre, actor=counter_a.seller, tracking_ref="A-CENTRE")
    with mock.patch("sokoni.logistics.services.secrets.randbelow", return_value=482_913):
        pickup_check_in(order_id=at_centre.pk, operator=counter_a.operator)
    w.objects["centre_order_a"] = at_centre
    paid_in_cash(counter_b)

    # -- couriers: hub staff and drivers ---------------------------------------------------------
    hub_a = network_hub("KE")
    courier_a = UserFactory(name="Courier A")
    hub_a.staff.add(courier_a)
    hub_b = Hub.objects.create(
        code="beta-depot",
        name="Beta depot",
        country="KE",
        region="Test",
        latitude=hub_a.latitude,
        longitude=hub_a.longitude,
    )
    courier_b = UserFactory(name="Courier B")
    hub_b.staff.add(courier_b)
    Carrier.objects.create(name="Beta bikes", kind=CarrierKind.OWN_FLEET).staff.add(courier_b)
    w.users["courier_a"], w.users["courier_b"] = courier_a, courier_b
    van = vehicle(hub_a, "KAA 001A", driver=courier_a)
    vehicle(hub_b, "KBB 002B", driver=courier_b)
    day = dt.date(2026, 3, 10)
    runs_plan(hub=hub_a, day=day, time_limit_s=0.5)
    w.objects.update(hub_a=hub_a, run_day_a=day.isoformat(), run_a=Run.objects.get(vehicle=van))
    w.objects["shipment_a"] = w.objects["shipped_order_a"].shipment

    # -- carts, last: placing a checkout empties the cart of what it bought ------------------
    w.objects["cart_item_a"] = cart_add(user=buyer_a, product_id=product_a.pk, quantity=1)
    cart_add(user=buyer_b, product_id=product_a.pk, quantity=1)

    # -- what only party A (and whom they deal with) may read ---------------------------------
    from sokoni.logistics.models import Shipment
    from sokoni.orders.models import Order

    mine = Order.objects.filter(buyer=buyer_a) | Order.objects.filter(shop=shop_a)
    w.private = [
        buyer_a.name,
        buyer_a.phone,
        seller_a.phone,
        counter_a.villager.phone,
        first.body,
        reply.body,
        about_dispute.body,
        *(order.number for order in mine),
        *Shipment.objects.filter(order__in=mine).values_list("code", flat=True),
    ]

    # -- API tokens ------------------------------------------------------------------------------
    for role, user in w.users.items():
        w.tokens[role] = _token(user)
        w.sessions[role] = _session(user)
    return w
