"""Every URL pattern and every API operation, classified: who may use it, and on which object.

This table is the single place where a route's audience is written down. The generated test
(test_generated.py) walks Django's resolver and the API's routers and FAILS for any route that
is not here, so a new page or endpoint cannot go untested. See docs/permissions.md.

Kinds:
- PUBLIC: anyone may read it (a positive control: anonymous answers ``status``).
- LOGIN: for any signed-in person, about their own things only (no object in the URL):
  anonymous is sent to log in; ``owner`` gets ``status``; every party B sees nothing private
  of party A's (names, phone numbers, order numbers, parcel codes, messages).
- STAFF: Sokoni staff only: anonymous is sent to log in, every other party gets 403/404 (or
  the admin's login page); staff get 200.
- OWN: names one object (``kwargs(world)``) that belongs to ``owner`` (and to ``allowed``):
  anonymous is sent to log in (the API answers 401); every other party gets 403 or 404 and
  changes nothing in the database; the owner gets through (a positive control).
- WEBHOOK: called by a provider, authenticated by a signature tested in the app's own tests.
- PLUMBING: the API's own machinery (schema, docs, JSON 404 and 405 answers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PUBLIC = "public"
LOGIN = "login"
STAFF = "staff"
OWN = "own"
WEBHOOK = "webhook"
PLUMBING = "plumbing"

Kwargs = Callable[[Any], dict[str, Any]]


def _none(w: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Route:
    kind: str
    owner: str = ""
    kwargs: Kwargs = _none
    # Other roles of party A that may use it too (the order's seller as well as its buyer...).
    allowed: tuple[str, ...] = ()
    # A plausible form (web) or JSON body (API) for writes: refused parties send it too.
    data: Kwargs = _none
    # Web: the methods to try when the view's decorators do not say (GET and POST by default).
    methods: tuple[str, ...] = ()
    # The status of the positive control: a public route for anyone, a login route for its
    # owner (GET, or the route's only method).
    status: int = 200
    why: str = ""


def own(owner: str, kwargs: Kwargs = _none, **more: Any) -> Route:
    return Route(OWN, owner=owner, kwargs=kwargs, **more)


def login(owner: str, kwargs: Kwargs = _none, **more: Any) -> Route:
    return Route(LOGIN, owner=owner, kwargs=kwargs, **more)


def public(kwargs: Kwargs = _none, **more: Any) -> Route:
    return Route(PUBLIC, kwargs=kwargs, **more)


def staff(kwargs: Kwargs = _none, **more: Any) -> Route:
    return Route(STAFF, owner="staff", kwargs=kwargs, **more)


WEBHOOK_ROUTE = Route(WEBHOOK, why="signature checked in the app's webhook tests")

# Who else may see or act on the objects, besides their owner.
ORDER_SIDES = ("buyer_a", "seller_a")
# Couriers on a parcel's route and staff may scan it; its buyer and seller follow it.
PARCEL_SIDES = ("buyer_a", "seller_a", "courier_a")


def _village(w: Any) -> dict[str, Any]:
    return {"slug": w.village_a.slug}


def _shop(w: Any) -> dict[str, Any]:
    return {"slug": w.shop_a.slug}


def _product(w: Any) -> dict[str, Any]:
    return {"pk": w.product_a.pk}


def _villager(w: Any) -> dict[str, Any]:
    return {"pk": w.villager_a.pk}


def _agent_checkout(w: Any) -> dict[str, Any]:
    return {"pk": w.agent_checkout_a.pk}


def _centre_order(w: Any) -> dict[str, Any]:
    return {"pk": w.centre_order_a.pk}


def _pk(name: str) -> Kwargs:
    return lambda w: {"pk": getattr(w, name).pk}


def _id(key: str, name: str) -> Kwargs:
    return lambda w: {key: getattr(w, name).pk}


# -- the site (Django URL names; unnamed patterns by their pattern) ----------------------------

WEB: dict[str, Route] = {
    # the site's shell
    "set_language": public(methods=("POST",), status=302),
    "healthz": public(),
    "service_worker": public(),
    "media": public(
        lambda w: {"path": f"{w.dispute_photo_a.key}/160.webp"},
        status=404,
        why="public photos by unguessable key; private photos (this one) never, to anyone",
    ),
    "dispute_photo": own(
        "buyer_a",
        lambda w: {"pk": w.dispute_photo_a.pk, "size": 160},
        allowed=("seller_a", "staff"),
        why="the dispute's sides and staff (who decide it)",
    ),
    "message_photo": own(
        "buyer_a",
        lambda w: {"pk": w.message_photo_a.pk, "size": 160},
        allowed=("seller_a", "staff"),
        why="the thread's two people; staff while its order is disputed (logged)",
    ),
    # accounts
    "accounts:signup": public(),
    "accounts:login": public(),
    "accounts:logout": public(methods=("POST",), status=302),
    "accounts:preferences": login("buyer_a"),
    # public pages
    "web:home": public(),
    "web:village_list": public(),
    "web:village_detail": public(_village),
    "web:category_detail": public(lambda w: {"slug": w.product_a.category.slug}),
    "web:shop_detail": public(_shop),
    "web:product_detail_short": public(_product, status=301),
    "web:product_detail": public(lambda w: {"pk": w.product_a.pk, "slug": w.product_a.slug}),
    "web:search": public(),
    "web:easy_mode": public(data=lambda w: {"easy": "1"}, status=302),
    "web:offline": public(),
    "web:manifest": public(),
    "trust:shop_reviews": public(_shop),
    # village admins
    "villages:apply": login("buyer_a"),
    "villages:mine": login("admin_a"),
    "villages:edit": own(
        "admin_a", _village, data=lambda w: {"description": "Taken over.", "households": "1"}
    ),
    "villages:photo_add": own("admin_a", _village),
    "villages:photo_remove": own(
        "admin_a", lambda w: {"slug": w.village_a.slug, "pk": w.village_photo_a.pk}
    ),
    "villages:centres": own(
        "admin_a",
        _village,
        data=lambda w: {"name": "Stolen centre", "address": "x", "hours": "x", "phone": ""},
    ),
    "villages:centre_edit": own(
        "admin_a",
        lambda w: {"slug": w.village_a.slug, "pk": w.centre_a.pk},
        data=lambda w: {"name": "Renamed", "address": "x", "hours": "x", "is_active": ""},
    ),
    "villages:centre_close": own(
        "admin_a", lambda w: {"slug": w.village_a.slug, "pk": w.centre_a.pk}
    ),
    # sellers
    "catalog:seller_home": login("seller_a"),
    "catalog:shop_new": login("buyer_a"),
    "catalog:shop_manage": own("seller_a", _shop),
    "catalog:shop_edit": own(
        "seller_a", _shop, data=lambda w: {"name": "Taken", "description": "x"}
    ),
    "catalog:product_new": own("seller_a", _shop),
    "catalog:product_edit": own("seller_a", _product),
    "catalog:product_publish": own("seller_a", _product),
    "catalog:product_unpublish": own("seller_a", _product),
    "catalog:photo_delete": own(
        "seller_a", lambda w: {"pk": w.product_a.pk, "image_pk": w.image_a.pk}
    ),
    "catalog:certification_add": own(
        "seller_a", _product, data=lambda w: {"kind": "organic", "issuer": "x", "reference": "1"}
    ),
    # service-centre operators
    "agents:home": login("operator_a", why="404 for anyone who runs no centre"),
    "agents:villager_find": login("operator_a"),
    "agents:villager_register": login("operator_a"),
    "agents:villager_attach": login("operator_a", methods=("POST",), status=302),
    "agents:villager_attach_confirm": login(
        "operator_a", status=302, why="without a code waiting, back to the look-up"
    ),
    "agents:orders": login("operator_a"),
    "agents:parcels_waiting": login("operator_a"),
    "agents:parcels_expected": login("operator_a"),
    "agents:float": login("operator_a"),
    "agents:reconcile": login("operator_a"),
    "orders:agent_cash": login("operator_a"),
    "agents:villager_detail": own("operator_a", _villager),
    "agents:villager_pin_reset": own("operator_a", _villager, data=lambda w: {"checked": "on"}),
    "agents:cart": own("operator_a", _villager),
    "agents:cart_add": own(
        "operator_a", _villager, data=lambda w: {"product_id": w.product_a.pk, "quantity": 1}
    ),
    "agents:cart_update": own(
        "operator_a", _villager, data=lambda w: {"product_id": w.product_a.pk, "quantity": 2}
    ),
    "agents:cart_remove": own(
        "operator_a", _villager, data=lambda w: {"product_id": w.product_a.pk}
    ),
    "agents:checkout": own(
        "operator_a", _villager, data=lambda w: {"key": "k" * 24, "method": "cash"}
    ),
    "agents:checkout_detail": own("operator_a", _agent_checkout, data=lambda w: {"amount": "520"}),
    "agents:checkout_pay": own(
        "operator_a", _agent_checkout, data=lambda w: {"method": "mobile_money"}
    ),
    "agents:checkout_cancel": own("operator_a", _agent_checkout),
    "agents:parcel_detail": own("operator_a", _centre_order, data=lambda w: {"code": "482913"}),
    "agents:parcel_check_in": own("operator_a", _centre_order),
    "agents:parcel_resend": own("operator_a", _centre_order),
    # couriers, hub staff and drivers
    "parcels:scan": login("courier_a"),
    "parcels:mine": login("courier_a"),
    "parcels:parcel": own(
        "courier_a",
        lambda w: {"code": w.shipment_a.code},
        data=lambda w: {"event": "at_hub", "via": "web", "note": "moved"},
    ),
    "parcels:track": own(
        "buyer_a", lambda w: {"code": w.shipment_a.code}, allowed=("seller_a", "courier_a")
    ),
    "parcels:label": own("seller_a", _id("order_id", "shipped_order_a")),
    "parcels:slip": own("seller_a", _id("order_id", "shipped_order_a")),
    "runs:list": login("courier_a"),
    "runs:detail": own("courier_a", _pk("run_a")),
    "runs:manifest": own("courier_a", _pk("run_a")),
    "runs:hub_day": own("courier_a", lambda w: {"hub_code": w.hub_a.code, "day": w.run_day_a}),
    "exports:invoice": own("seller_a", _id("order_id", "export_order_a")),
    "exports:customs": own("seller_a", _id("order_id", "export_order_a")),
    "exports:book": own("seller_a", _id("order_id", "export_order_a")),
    "delivery_report:report": staff(),
    "delivery_report:csv": staff(),
    # reviews and reports
    "trust:review_create": own(
        "buyer_a",
        _id("line_id", "unreviewed_line_a"),
        data=lambda w: {"rating": "1", "text": "Written by someone else."},
    ),
    "trust:review_edit": own(
        "buyer_a",
        _id("review_id", "review_a"),
        data=lambda w: {"rating": "1", "text": "Changed by someone else."},
    ),
    "trust:review_reply": own(
        "seller_a", _id("review_id", "unanswered_review_a"), data=lambda w: {"text": "Not mine."}
    ),
    "trust:report_review": own(
        "seller_a", _id("review_id", "review_a"), data=lambda w: {"details": "Asked for money."}
    ),
    "trust:report_order": own(
        "seller_a", _id("order_id", "paid_order_a"), data=lambda w: {"details": "Asked for money."}
    ),
    "trust:reports": login("seller_a"),
    # messages
    "trust:inbox": login("buyer_a"),
    "trust:thread": own(
        "buyer_a",
        _id("thread_id", "thread_a"),
        allowed=("seller_a",),
        data=lambda w: {"body": "hi"},
    ),
    "trust:thread_start_product": login(
        "buyer_a",
        _id("product_id", "product_a"),
        status=302,
        why="anyone signed in may ask a shop about a listed product (to the thread)",
    ),
    "trust:thread_start_order": own(
        "buyer_a",
        _id("order_id", "paid_order_a"),
        allowed=("seller_a",),
        data=lambda w: {"body": "hi"},
    ),
    "trust:message_report": own(
        "seller_a",
        _id("message_id", "message_a"),
        data=lambda w: {"reason": "abuse", "details": "Rude."},
        why="the recipient reports a message they received",
    ),
    "trust:staff_thread": staff(
        _id("thread_id", "disputed_thread_a"), why="while its order is under dispute"
    ),
    "moderation:queue": staff(),
    "moderation:report": staff(_id("report_id", "report_a")),
    # buyers: cart, checkout, orders
    "orders:cart": public(why="a visitor's cart lives in their session"),
    "orders:cart_add": public(methods=("POST",), status=302),
    "orders:cart_update": public(methods=("POST",), status=302),
    "orders:cart_remove": public(methods=("POST",), status=302),
    "orders:destination_set": public(methods=("POST",), status=302),
    "orders:checkout": login("buyer_a"),
    "orders:checkout_pay": own("buyer_a", _pk("checkout_a"), data=lambda w: {"method": "card"}),
    "orders:checkout_cancel": own("buyer_a", _pk("checkout_a")),
    "orders:order_list": login("buyer_a"),
    "orders:order_detail": own("buyer_a", _pk("paid_order_a")),
    "orders:order_cancel": own("buyer_a", _pk("paid_order_a")),
    "orders:order_confirm": own("buyer_a", _pk("shipped_order_a")),
    "orders:order_extend": own("buyer_a", _pk("shipped_order_a"), data=lambda w: {"days": "3"}),
    "orders:order_dispute": own(
        "buyer_a",
        _pk("shipped_order_a"),
        data=lambda w: {"reason": "damaged", "details": "Broken jar."},
    ),
    "orders:order_statement": own(
        "buyer_a", _pk("disputed_order_a"), data=lambda w: {"text": "Still nothing."}
    ),
    # sellers' orders and wallet
    "orders:seller_orders": login("seller_a"),
    "orders:seller_order": own("seller_a", _pk("paid_order_a")),
    "orders:seller_ship": own(
        "seller_a", _pk("paid_order_a"), data=lambda w: {"tracking_ref": "STOLEN-1"}
    ),
    "orders:seller_cancel": own("seller_a", _pk("paid_order_a")),
    "orders:seller_refund": own("seller_a", _pk("disputed_order_a")),
    "orders:seller_statement": own(
        "seller_a", _pk("disputed_order_a"), data=lambda w: {"text": "Sent it."}
    ),
    "orders:wallet": login("seller_a"),
    # staff
    "orders:disputes": staff(),
    "orders:dispute_detail": staff(_pk("disputed_order_a")),
    "orders:dispute_statement": staff(_pk("disputed_order_a")),
    # providers
    "payments:webhook": WEBHOOK_ROUTE,
    "channels:ussd": WEBHOOK_ROUTE,
    "channels:sms_inbound": WEBHOOK_ROUTE,
    "courier:events": WEBHOOK_ROUTE,
    # the API's own machinery (its operations are classified in API below)
    "api-v1:api-root": Route(PLUMBING),
    "api-v1:openapi-json": public(),
    "api-v1:openapi-view": public(),
}

# Every pattern of the admin site is for staff only (AdminSite.admin_view): one rule for all.
ADMIN_NAMESPACE = "admin"

# -- the API (method and path as in the OpenAPI schema) ----------------------------------------


def _body(**values: Any) -> Kwargs:
    return lambda w: values


API: dict[str, Route] = {
    "GET /villages": public(),
    "GET /villages/{slug}": public(_village),
    "GET /products": public(),
    "GET /products/{product_id}": public(_id("product_id", "product_a")),
    "GET /products/{product_id}/reviews": public(_id("product_id", "product_a")),
    "GET /shops/{slug}/reviews": public(_shop),
    "GET /shipping/destinations": public(),
    "GET /shipping/quote": public(status=422, why="needs a product and a place"),
    "POST /auth/token": public(status=422, why="needs a phone and a password"),
    "GET /me": login("buyer_a"),
    "GET /cart/items": login("buyer_a"),
    "POST /cart/items": login("buyer_a", status=201),
    "POST /checkout": login("buyer_a"),
    "GET /orders": login("buyer_a"),
    "GET /wallet": login("seller_a"),
    "POST /wallet/payouts": login("seller_a"),
    "DELETE /cart/items/{item_id}": own("buyer_a", _id("item_id", "cart_item_a")),
    "GET /checkout/{checkout_id}": own("buyer_a", _id("checkout_id", "checkout_a")),
    "POST /checkout/{checkout_id}/pay": own(
        "buyer_a",
        _id("checkout_id", "checkout_a"),
        data=_body(method="card", card_number="4242 4242 4242 4242"),
    ),
    "GET /orders/{order_id}": own(
        "buyer_a", _id("order_id", "paid_order_a"), allowed=("seller_a",)
    ),
    "POST /orders/{order_id}/cancel": own(
        "buyer_a", _id("order_id", "paid_order_a"), allowed=("seller_a",), data=_body(reason="x")
    ),
    "POST /orders/{order_id}/ship": own(
        "seller_a", _id("order_id", "paid_order_a"), data=_body(tracking_ref="STOLEN-2")
    ),
    "POST /orders/{order_id}/confirm-receipt": own("buyer_a", _id("order_id", "shipped_order_a")),
    "POST /orders/{order_id}/extend": own(
        "buyer_a", _id("order_id", "shipped_order_a"), data=_body(days=3)
    ),
    "POST /orders/{order_id}/dispute": own(
        "buyer_a",
        _id("order_id", "shipped_order_a"),
        data=_body(reason="damaged", details="Broken."),
    ),
    "POST /reviews": own(
        "buyer_a",
        data=lambda w: {"line_id": w.unreviewed_line_a.pk, "rating": 1, "text": "Not mine."},
        why="the object is named in the body",
    ),
    "PATCH /reviews/{review_id}": own(
        "buyer_a", _id("review_id", "review_a"), data=_body(rating=1, text="Changed.")
    ),
    "POST /reviews/{review_id}/reply": own(
        "seller_a", _id("review_id", "unanswered_review_a"), data=_body(text="Not mine.")
    ),
    "POST /extortion-reports": own(
        "seller_a",
        data=lambda w: {"order_id": w.paid_order_a.pk, "details": "Asked for money."},
        why="the object is named in the body",
    ),
}


# -- mixed addresses: party B's own parent object, party A's child ------------------------------


@dataclass(frozen=True)
class Mixed:
    """A route tried by the B party who owns the parent object named first in the address
    (their village, their product), with A's object as the child or in the body: the view
    must look the child up under the parent (or check it separately), not by its id alone."""

    key: str
    role: str
    kwargs: Kwargs = _none
    data: Kwargs = _none


def _b_village_a_centre(w: Any) -> dict[str, Any]:
    return {"slug": w.village_b.slug, "pk": w.centre_a.pk}


MIXED: tuple[Mixed, ...] = (
    Mixed(
        "villages:photo_remove",
        "admin_b",
        lambda w: {"slug": w.village_b.slug, "pk": w.village_photo_a.pk},
    ),
    Mixed("villages:centre_edit", "admin_b", _b_village_a_centre),
    Mixed(
        "villages:centre_edit",
        "admin_b",
        _b_village_a_centre,
        data=lambda w: {"name": "Renamed", "address": "x", "hours": "x", "is_active": ""},
    ),
    Mixed("villages:centre_close", "admin_b", _b_village_a_centre),
    Mixed(
        "catalog:photo_delete",
        "seller_b",
        lambda w: {"pk": w.product_b.pk, "image_pk": w.image_a.pk},
    ),
    # The API names objects in the body: seller B reports a review of shop A.
    Mixed(
        "POST /extortion-reports",
        "seller_b",
        data=lambda w: {"review_id": w.review_a.pk, "details": "Asked for money."},
    ),
)
