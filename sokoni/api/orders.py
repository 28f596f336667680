"""API v1: the cart, checkout with an Idempotency-Key, orders and their escrow, the wallet.

Every endpoint needs a bearer token (api.py mounts this router with its ``BearerAuth``).
Each one parses the request, calls the one service that does the work (the same services the
web pages and USSD use) and renders what the selectors read back. Refusals are domain errors,
mapped to HTTP statuses by ``STATUS_BY_CODE`` in api.py.
"""

from __future__ import annotations

import re
from typing import Any, Final, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import formats, timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Body, Header, Path, Query, Router, Status

from sokoni.accounts.models import User
from sokoni.accounts.phones import display_phone, normalize_phone
from sokoni.api.order_schemas import (
    MAX_ID,
    CartItemAddIn,
    CartItemOut,
    CartOut,
    CheckoutCreateIn,
    CheckoutOut,
    CheckoutPayIn,
    DeliveryIn,
    OrderCancelIn,
    OrderDisputeIn,
    OrderExtendIn,
    OrderOut,
    OrderPageOut,
    OrderShipIn,
    PayoutOut,
    PayoutRequestIn,
    WalletOut,
)
from sokoni.api.schemas import errors, link, links
from sokoni.core.errors import DomainError, InvalidInput, NotFound
from sokoni.core.money import Money, format_money, is_known_currency
from sokoni.orders.errors import UnknownProduct
from sokoni.orders.models import CartItem, Checkout, Order
from sokoni.orders.reasons import reason_label
from sokoni.orders.selectors import (
    cart_items,
    checkout_get_for_buyer,
    checkout_payments,
    order_get_for_buyer,
    order_get_for_seller,
    order_list_for_buyer,
    order_list_for_seller,
)
from sokoni.orders.services.cart import cart_add, cart_remove
from sokoni.orders.services.checkout import (
    Delivery,
    active_centre,
    checkout_pay,
    checkout_place_or_replay,
    request_fingerprint,
)
from sokoni.orders.services.lifecycle import (
    order_cancel,
    order_confirm_receipt,
    order_dispute_open,
    order_extend,
    order_ship,
)
from sokoni.orders.states import SENT, DeliveryMethod, OrderStatus
from sokoni.orders.templatetags.orders_tags import movement_label
from sokoni.payments.models import PaymentIntent, Payout
from sokoni.payments.selectors import payouts_for, wallet_balances, wallet_movements
from sokoni.payments.services.payouts import payout_request
from sokoni.payments.states import PaymentMethod, PaymentStatus, PayoutStatus

router = Router()

PER_PAGE: Final = 24
MAX_PAGE: Final = 10_000
WALLET_ROWS: Final = 50
MAX_KEY_LENGTH: Final = 100
_KEY = re.compile(r"^[\x20-\x7e]+$")
_CARD = re.compile(r"^[0-9 -]+$")

OPTIONAL_BODY: Final = Body(None)
STATUS_FILTER: Final = Query(None, description="Only orders in this status.")
ERRORS: Final = errors(400, 401, 404, 409, 422)


# OpenAPI links (ninja's operation ids are the module's path and the function's name).
OPS: Final = "sokoni_api_orders_"


def _order_links(order_id: str) -> dict[str, dict[str, Any]]:
    """Links from an answer holding an order's id (the expression) to the order's endpoints."""
    found = {
        action: link(f"{OPS}orders_{action}", order_id=order_id)
        for action in ("get", "cancel", "ship", "confirm_receipt", "extend", "dispute")
    }
    # The review of the order's first line (the expression's order, then its lines).
    line_id = order_id.removesuffix("/id") + "/lines/0/id"
    found["review"] = link("sokoni_api_reviews_reviews_create", body={"line_id": line_id})
    return found


class IdempotencyKeyInvalid(DomainError):
    code = "api.idempotency_key_invalid"
    default_message = gettext_lazy(
        "Send an Idempotency-Key header: 1 to 100 printable characters, "
        "new for each checkout and the same when you retry it."
    )


# -- shapes -------------------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def _money(minor: int, currency: str) -> dict[str, Any]:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return {
        "amount_minor": minor,
        "currency": currency,
        "formatted": format_money(minor, currency, language),
    }


def _day(moment: Any) -> str:
    return str(formats.date_format(timezone.localtime(moment), "DATE_FORMAT"))


def _time(moment: Any) -> str:
    return str(formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT"))


def _escrow_state(order: Order) -> str:
    """Where the order's money is, in words a buyer and a seller both understand."""
    held = format_money(order.total_minor, order.currency, translation.get_language() or "en")
    status = order.status
    if status == OrderStatus.PENDING_PAYMENT:
        return _("Nothing has been paid yet.")
    if status == OrderStatus.PAID:
        return _(
            "%(amount)s is held by Sokoni. The seller is paid only after the buyer has the goods."
        ) % {"amount": held}
    if status in SENT:
        return _(
            "%(amount)s is held by Sokoni until the buyer confirms receipt, or until %(day)s, "
            "when it goes to the seller automatically."
        ) % {"amount": held, "day": _day(order.auto_release_at) if order.auto_release_at else ""}
    if status == OrderStatus.DISPUTED:
        return _("%(amount)s is frozen until Sokoni staff decide the dispute.") % {"amount": held}
    if status == OrderStatus.COMPLETED:
        return _("The money was released to the seller, less the platform commission.")
    if status == OrderStatus.CANCELLED:
        return _("The order was cancelled before payment; no money was taken.")
    if status == OrderStatus.REFUNDED:
        return _("The money was refunded to the buyer.")
    language = translation.get_language() or "en"
    return _("The dispute was settled: %(buyer)s back to the buyer, %(seller)s to the seller.") % {
        "buyer": format_money(order.refunded_minor, order.currency, language),
        "seller": format_money(order.released_minor, order.currency, language),
    }


def _allowed_actions(order: Order, user: User) -> list[str]:
    """The order endpoints the caller may use now (the services still check every one)."""
    status = order.status
    if order.buyer_id == user.pk:
        return [
            action
            for action, allowed in (
                ("cancel", status in (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID)),
                ("confirm-receipt", status in SENT),
                ("extend", status in SENT and order.extended_days == 0),
                ("dispute", status in (OrderStatus.PAID, *SENT)),
            )
            if allowed
        ]
    if order.shop.owner_id == user.pk and status == OrderStatus.PAID:
        return ["ship", "cancel"]
    return []


def _by(actor_id: int | None, order: Order) -> str:
    if actor_id is None:
        return "system"
    if actor_id == order.buyer_id:
        return "buyer"
    if actor_id == order.shop.owner_id:
        return "seller"
    return "staff"


def _order(order: Order, user: User) -> dict[str, Any]:
    checkout = order.checkout
    centre = checkout.service_centre
    return {
        "id": order.pk,
        "number": order.number,
        "checkout_id": order.checkout_id,
        "status": order.status,
        "status_label": str(OrderStatus(order.status).label),
        "escrow_state": _escrow_state(order),
        "shop": {"id": order.shop.pk, "name": order.shop.name, "slug": order.shop.slug},
        "lines": [
            {
                "id": line.pk,
                "product_id": line.product_id,
                "name": line.name,
                "unit": line.unit,
                "quantity": line.quantity,
                "unit_price": _money(line.unit_price_minor, order.currency),
                "line_total": _money(line.line_total_minor, order.currency),
            }
            for line in order.lines.all()
        ],
        "subtotal": _money(order.subtotal_minor, order.currency),
        "shipping": _money(order.shipping_minor, order.currency),
        "total": _money(order.total_minor, order.currency),
        "pay_total": _money(order.pay_total_minor, order.pay_currency),
        "fx": {
            "rate": f"{order.fx_rate:.10f}",
            "source": order.fx_source,
            "as_of": order.fx_as_of,
        },
        "tracking_ref": order.tracking_ref,
        "promised_from": order.promised_from,
        "promised_to": order.promised_to,
        "auto_release_at": order.auto_release_at,
        "extended_days": order.extended_days,
        "delivery": {
            "method": checkout.delivery_method,
            "address": checkout.address,
            "town_id": checkout.destination_hub_id,
            "country": checkout.destination_country,
            "service_centre": (
                {"id": centre.pk, "name": centre.name, "address": centre.address}
                if centre is not None
                else None
            ),
            "recipient_name": checkout.recipient_name,
            "recipient_phone": checkout.recipient_phone,
        },
        "events": [
            {
                "from": event.from_status,
                "to": event.to_status,
                "at": event.at,
                "reason": reason_label(event.reason),
                "by": _by(event.actor_id, order),
            }
            for event in order.events.all()
        ],
        "allowed_actions": _allowed_actions(order, user),
        "created_at": order.created_at,
    }


def _instructions(intent: PaymentIntent) -> str:
    amount = format_money(intent.amount_minor, intent.currency, translation.get_language() or "en")
    status = intent.status
    if status == PaymentStatus.SUCCEEDED:
        return _("Paid. Sokoni holds the money until the buyer has the goods.")
    if status == PaymentStatus.FAILED:
        return _("The payment did not go through. Try again, or choose another way to pay.")
    if status == PaymentStatus.EXPIRED:
        return _("No answer came in time. Pay again if the orders are still waiting.")
    if status == PaymentStatus.REFUNDED:
        return _("The payment came after the orders had closed, so it was refunded.")
    if intent.method == PaymentMethod.MOBILE_MONEY:
        return _("Approve the payment of %(amount)s on the phone %(phone)s with your PIN.") % {
            "amount": amount,
            "phone": display_phone(intent.payer_phone),
        }
    if intent.method == PaymentMethod.CASH:
        return _(
            "Pay %(amount)s in cash at %(place)s before %(time)s, quoting the reference "
            "%(reference)s."
        ) % {
            "amount": amount,
            "place": intent.collector_label,
            "time": _time(intent.expires_at),
            "reference": intent.reference,
        }
    return _("Waiting for the card issuer's answer.")


def _payment(intent: PaymentIntent) -> dict[str, Any]:
    return {
        "reference": intent.reference,
        "method": intent.method,
        "status": intent.status,
        "status_label": str(PaymentStatus(intent.status).label),
        "amount": _money(intent.amount_minor, intent.currency),
        "message": intent.failure_message,
        "instructions": _instructions(intent),
    }


def _checkout(
    checkout: Checkout, user: User, payment_error: dict[str, str] | None = None
) -> dict[str, Any]:
    """The checkout as it is stored now, so that a replay reads the same as the first answer."""
    orders = (
        order_list_for_buyer(user)
        .filter(checkout_id=checkout.pk)
        .prefetch_related("lines", "events")
        .order_by("pk")
    )
    latest = checkout_payments(checkout).first()
    return {
        "checkout_id": checkout.pk,
        "total": _money(checkout.total_minor, checkout.currency),
        "reserved_until": checkout.reserved_until,
        "orders": [_order(order, user) for order in orders],
        "payment": _payment(latest) if latest is not None else None,
        "payment_error": payment_error,
    }


def _payout(payout: Payout) -> dict[str, Any]:
    return {
        "id": payout.pk,
        "amount": _money(payout.amount_minor, payout.currency),
        "phone": payout.phone,
        "status": payout.status,
        "status_label": str(PayoutStatus(payout.status).label),
        "message": payout.failure_message,
        "created_at": payout.created_at,
    }


# -- input checks -------------------------------------------------------------------------------


def _phone(raw: str | None, field: str) -> str:
    try:
        return normalize_phone(raw or "")
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field=field) from error


def _idempotency_key(raw: str | None) -> str:
    key = (raw or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH or not _KEY.match(key):
        raise IdempotencyKeyInvalid(field="Idempotency-Key")
    return key


def _check_payment(payment: CheckoutPayIn, delivery_method: str, pickup_id: int | None) -> None:
    """Refuse a payment the checkout service would refuse, before anything is written.

    The same checks as ``checkout_pay``: a payment it refused after the checkout was placed
    could not be reported again to a client that retries with the same Idempotency-Key.
    """
    if payment.method == PaymentMethod.MOBILE_MONEY:
        _phone(payment.phone, "phone")
    elif payment.method == PaymentMethod.CARD:
        number = payment.card_number or ""
        digits = "".join(ch for ch in number if ch.isdigit())
        if not _CARD.match(number) or not 12 <= len(digits) <= 19:
            raise InvalidInput(_("Enter the card number."), field="card_number")
    else:
        centre_id = payment.service_centre_id
        if centre_id is None and delivery_method == DeliveryMethod.PICKUP:
            centre_id = pickup_id
        centre = active_centre(centre_id)
        if centre.operator is None:
            raise NotFound(_("This service centre does not take cash yet."), field="centre")


def _fingerprint(payload: CheckoutCreateIn) -> str:
    """The digest that tells a retry from a different request with the same key.

    Taken over the body as sent (``items`` absent means "my cart"): the cart is emptied by the
    checkout, so resolving it again on a retry would make a retry look like a new request. A
    card number enters only as a keyed digest.
    """
    body = payload.model_dump(mode="json")
    payment = body.get("payment")
    if payment and payment.get("card_number"):
        digits = "".join(ch for ch in payment["card_number"] if ch.isdigit())
        payment["card_number"] = salted_hmac("sokoni.api.checkout.card", digits).hexdigest()
    return request_fingerprint(body)


def _delivery(delivery: DeliveryIn) -> Delivery:
    return Delivery(
        method=delivery.method,
        recipient_name=delivery.recipient_name,
        recipient_phone=delivery.recipient_phone,
        address=delivery.address,
        service_centre_id=delivery.service_centre_id,
        hub_id=delivery.town_id,
        country=(delivery.country or "").upper(),
    )


def _pay(checkout: Checkout, user: User, payment: CheckoutPayIn) -> None:
    checkout_pay(
        checkout=checkout,
        actor=user,
        method=payment.method,
        phone=payment.phone or "",
        card_number=payment.card_number or "",
        centre_id=payment.service_centre_id,
    )


# -- the cart -----------------------------------------------------------------------------------


def _cart_item(item: CartItem) -> dict[str, Any]:
    product = item.product
    return {
        "id": item.pk,
        "product_id": product.pk,
        "name": product.name,
        "quantity": item.quantity,
        "unit_price": _money(product.price_minor, product.currency),
        "line_total": _money(product.price_minor * item.quantity, product.currency),
        "shop": {"id": product.shop.pk, "name": product.shop.name, "slug": product.shop.slug},
    }


@router.get("/cart/items", response={200: CartOut, **errors(401)}, tags=["cart"])
def cart_list(request: HttpRequest) -> dict[str, Any]:
    """The lines of the caller's cart, with their totals per currency."""
    items = list(cart_items(_user(request)))
    totals: dict[str, int] = {}
    for item in items:
        currency = item.product.currency
        totals[currency] = totals.get(currency, 0) + item.product.price_minor * item.quantity
    return {
        "items": [_cart_item(item) for item in items],
        "totals": [_money(minor, currency) for currency, minor in sorted(totals.items())],
    }


@router.post(
    "/cart/items",
    response={201: CartItemOut, **ERRORS},
    openapi_extra=links(201, remove=link(f"{OPS}cart_items_remove", item_id="$response.body#/id")),
    tags=["cart"],
)
def cart_items_add(request: HttpRequest, payload: CartItemAddIn) -> Status[dict[str, Any]]:
    """Add a product to the cart (or set its quantity with ``replace``); no stock is reserved."""
    user = _user(request)
    item = cart_add(
        user=user, product_id=payload.product_id, quantity=payload.quantity, replace=payload.replace
    )
    return Status(201, _cart_item(cart_items(user).get(pk=item.pk)))


@router.delete("/cart/items/{item_id}", response={204: None, **ERRORS}, tags=["cart"])
def cart_items_remove(
    request: HttpRequest, item_id: int = Path(..., ge=1, le=MAX_ID)
) -> Status[None]:
    """Take a line out of the cart; a line of another cart is 404."""
    try:
        cart_remove(user=_user(request), item_id=item_id)
    except UnknownProduct as error:
        raise NotFound(_("There is no such line in your cart.")) from error
    return Status(204, None)


# -- checkout -----------------------------------------------------------------------------------


@router.post(
    "/checkout",
    response={200: CheckoutOut, 201: CheckoutOut, **ERRORS},
    openapi_extra=links(
        200,
        201,
        checkout=link(f"{OPS}checkout_get", checkout_id="$response.body#/checkout_id"),
        pay=link(f"{OPS}checkout_pay_again", checkout_id="$response.body#/checkout_id"),
        order=link(f"{OPS}orders_get", order_id="$response.body#/orders/0/id"),
        cancel=link(f"{OPS}orders_cancel", order_id="$response.body#/orders/0/id"),
    ),
    by_alias=True,
    tags=["checkout"],
)
def checkout_create(
    request: HttpRequest,
    payload: CheckoutCreateIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        description="Required. A new value for each checkout; the same value when retrying it.",
    ),
) -> Status[dict[str, Any]]:
    """Buy the items (or the cart): reserve the stock, one order per shop, and start paying.

    A retry with the same Idempotency-Key and body answers 200 with the same checkout and
    never orders or asks for money again; the same key with another body is 422.
    """
    user = _user(request)
    key = _idempotency_key(idempotency_key)
    if payload.items is None:
        items = [(item.product_id, item.quantity) for item in cart_items(user)]
    else:
        items = [(item.product_id, item.quantity) for item in payload.items]
    if payload.payment is not None:
        try:
            _check_payment(
                payload.payment, payload.delivery.method, payload.delivery.service_centre_id
            )
        except DomainError:
            # A retry of a checkout already placed is answered as it was the first time, even
            # if its way of paying has become impossible since (a centre closed).
            if not Checkout.objects.filter(buyer=user, idempotency_key=key).exists():
                raise
    checkout, replay = checkout_place_or_replay(
        buyer=user,
        items=items,
        currency=payload.currency,
        delivery=_delivery(payload.delivery),
        idempotency_key=key,
        request_hash=_fingerprint(payload),
    )
    if replay:
        return Status(200, _checkout(checkout, user))
    error = None
    # A twin request racing this one may have placed the checkout and started paying first.
    if payload.payment is not None and not checkout_payments(checkout).exists():
        try:
            _pay(checkout, user, payload.payment)
        except DomainError as refused:
            error = {"detail": str(refused.message), "code": refused.code}
    return Status(201, _checkout(checkout, user, payment_error=error))


@router.get(
    "/checkout/{checkout_id}",
    response={200: CheckoutOut, **errors(401, 404, 422)},
    openapi_extra=links(
        200, pay=link(f"{OPS}checkout_pay_again", checkout_id="$response.body#/checkout_id")
    ),
    by_alias=True,
    tags=["checkout"],
)
def checkout_get(
    request: HttpRequest, checkout_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """One of the caller's checkouts with its orders and latest payment (poll it while paying)."""
    user = _user(request)
    return _checkout(checkout_get_for_buyer(user, checkout_id), user)


@router.post(
    "/checkout/{checkout_id}/pay",
    response={200: CheckoutOut, **ERRORS, **errors(402, 503)},
    by_alias=True,
    tags=["checkout"],
)
def checkout_pay_again(
    request: HttpRequest, payload: CheckoutPayIn, checkout_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """Pay a checkout whose orders still wait: after a decline, a timeout, or to change method."""
    user = _user(request)
    checkout = checkout_get_for_buyer(user, checkout_id)
    _check_payment(payload, checkout.delivery_method, checkout.service_centre_id)
    _pay(checkout, user, payload)
    return _checkout(checkout, user)


# -- orders -------------------------------------------------------------------------------------


def _order_for(user: User, order_id: int) -> Order:
    """The caller's order as its buyer, else as its seller; anything else is ``NotFound``."""
    try:
        return order_get_for_buyer(user, order_id)
    except NotFound:
        return order_get_for_seller(user, order_id)


@router.get(
    "/orders",
    response={200: OrderPageOut, **errors(401, 422)},
    openapi_extra=links(200, **_order_links("$response.body#/items/0/id")),
    by_alias=True,
    tags=["orders"],
)
def orders_list(
    request: HttpRequest,
    status: OrderStatus | None = STATUS_FILTER,
    role: Literal["buyer", "seller"] = Query(
        "buyer", description="buyer: what I bought; seller: what my shops sold (paid or later)."
    ),
    page: int = Query(1, ge=1, le=MAX_PAGE),
) -> dict[str, Any]:
    """The caller's orders, newest first, 24 a page."""
    user = _user(request)
    value = status.value if status is not None else None
    if role == "seller":
        orders = order_list_for_seller(user, status=value)
    else:
        orders = order_list_for_buyer(user, status=value)
    start = (page - 1) * PER_PAGE
    rows = list(orders.prefetch_related("lines", "events")[start : start + PER_PAGE + 1])
    return {
        "items": [_order(order, user) for order in rows[:PER_PAGE]],
        "page": page,
        "per_page": PER_PAGE,
        "has_next": len(rows) > PER_PAGE,
        "total": orders.count(),
    }


@router.get(
    "/orders/{order_id}",
    response={200: OrderOut, **errors(401, 404, 422)},
    openapi_extra=links(200, **_order_links("$response.body#/id")),
    by_alias=True,
    tags=["orders"],
)
def orders_get(request: HttpRequest, order_id: int = Path(..., ge=1, le=MAX_ID)) -> dict[str, Any]:
    """One order the caller bought, or one their shop sold; any other id is 404."""
    user = _user(request)
    return _order(_order_for(user, order_id), user)


@router.post(
    "/orders/{order_id}/cancel",
    response={200: OrderOut, **ERRORS},
    by_alias=True,
    tags=["orders"],
)
def orders_cancel(
    request: HttpRequest,
    order_id: int = Path(..., ge=1, le=MAX_ID),
    payload: OrderCancelIn | None = OPTIONAL_BODY,
) -> dict[str, Any]:
    """Cancel before shipping (buyer or seller): unpaid just ends, paid is refunded in full."""
    user = _user(request)
    reason = payload.reason if payload is not None else ""
    order_cancel(order=_order_for(user, order_id), actor=user, reason=reason)
    return _order(_order_for(user, order_id), user)


@router.post(
    "/orders/{order_id}/ship", response={200: OrderOut, **ERRORS}, by_alias=True, tags=["orders"]
)
def orders_ship(
    request: HttpRequest, payload: OrderShipIn, order_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """The seller sent the parcel: record the tracking reference, start the release clock."""
    user = _user(request)
    order_ship(
        order=order_get_for_seller(user, order_id), actor=user, tracking_ref=payload.tracking_ref
    )
    return _order(order_get_for_seller(user, order_id), user)


@router.post(
    "/orders/{order_id}/confirm-receipt",
    response={200: OrderOut, **ERRORS},
    by_alias=True,
    tags=["orders"],
)
def orders_confirm_receipt(
    request: HttpRequest, order_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """The buyer has the goods: the money goes to the seller, less the commission."""
    user = _user(request)
    order_confirm_receipt(order=order_get_for_buyer(user, order_id), actor=user)
    return _order(order_get_for_buyer(user, order_id), user)


@router.post(
    "/orders/{order_id}/extend", response={200: OrderOut, **ERRORS}, by_alias=True, tags=["orders"]
)
def orders_extend(
    request: HttpRequest, payload: OrderExtendIn, order_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """The buyer needs more time before the automatic release: once, 3, 5, 7 or 10 days."""
    user = _user(request)
    order_extend(order=order_get_for_buyer(user, order_id), actor=user, days=payload.days)
    return _order(order_get_for_buyer(user, order_id), user)


@router.post(
    "/orders/{order_id}/dispute",
    response={200: OrderOut, **ERRORS},
    by_alias=True,
    tags=["orders"],
)
def orders_dispute(
    request: HttpRequest, payload: OrderDisputeIn, order_id: int = Path(..., ge=1, le=MAX_ID)
) -> dict[str, Any]:
    """The buyer disputes a paid or shipped order: the money is frozen until staff decide."""
    user = _user(request)
    order_dispute_open(
        order=order_get_for_buyer(user, order_id),
        actor=user,
        reason=payload.reason,
        details=payload.details,
    )
    return _order(order_get_for_buyer(user, order_id), user)


# -- the wallet ---------------------------------------------------------------------------------


@router.get("/wallet", response={200: WalletOut, **errors(401)}, tags=["wallet"])
def wallet_get(request: HttpRequest) -> dict[str, Any]:
    """The caller's wallet: balance per currency, latest movements and payouts."""
    user = _user(request)
    return {
        "balances": [_money(minor, currency) for currency, minor in wallet_balances(user)],
        "movements": [
            {
                "at": posting.transaction.created_at,
                "description": movement_label(posting),
                "amount": _money(posting.amount_minor, posting.currency),
                "reference": posting.transaction.reference,
            }
            for posting in wallet_movements(user)[:WALLET_ROWS]
        ],
        "payouts": [_payout(payout) for payout in payouts_for(user)[:WALLET_ROWS]],
    }


@router.post("/wallet/payouts", response={201: PayoutOut, **ERRORS}, tags=["wallet"])
def wallet_payout(request: HttpRequest, payload: PayoutRequestIn) -> Status[dict[str, Any]]:
    """Send money from the wallet to a mobile-money number (the provider answers later)."""
    user = _user(request)
    phone = _phone(payload.phone, "phone")
    if payload.currency not in settings.CURRENCIES or not is_known_currency(payload.currency):
        raise InvalidInput(_("Payouts in this currency are not possible."), field="currency")
    payout = payout_request(
        owner=user, amount=Money(payload.amount_minor, payload.currency), phone=phone
    )
    return Status(201, _payout(payout))
