"""Writes of the operator area: every one re-checks that the operator may act (``desk_for`` and
the desk-scoped selectors), then calls the domain service that does the work.

The operator registers villagers (light accounts: the villager sets their own PIN by USSD) or,
with the person's consent (a code texted to them), makes their centre the home of an existing
account; builds a cart for them (kept in the operator's session, keyed by villager, never in the
villager's own cart), places an assisted order for pickup at the villager's centre, takes the
cash or starts a mobile-money payment on the villager's phone, checks parcels in and hands them
over against their code, and counts the cash at the end of the day.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import MutableMapping
from dataclasses import asdict
from datetime import date, timedelta
from typing import Any, Final

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sokoni.accounts.models import User
from sokoni.accounts.phones import display_phone, normalize_phone
from sokoni.accounts.services import pin_reset, user_set_preferences, villager_register
from sokoni.agents.errors import (
    AlreadyVillagerHere,
    AttachCodeExpired,
    AttachCodeLocked,
    AttachCodeMissing,
    AttachCodesExhausted,
    AttachCodeWrong,
    FutureDay,
    NoCashWaiting,
    NotAVillager,
    StaffNotVillager,
    VillagerElsewhere,
)
from sokoni.agents.locks import attach_requests_qs_for_update, villager_qs_for_update
from sokoni.agents.models import AttachRequest, CashCount
from sokoni.agents.notices import send_attach_code
from sokoni.agents.selectors import (
    Desk,
    Lookup,
    cash_day,
    centre_currency,
    checkout_get,
    desk_for,
    parcel_get,
    villager_get,
    villager_lookup,
)
from sokoni.agents.states import AttachStatus
from sokoni.catalog.models import Product
from sokoni.core.digests import keyed_digest
from sokoni.core.errors import InvalidInput, NotFound
from sokoni.core.text import validate_no_control_characters
from sokoni.logistics.models import Pickup
from sokoni.logistics.services import pickup_check_in, pickup_hand_over, pickup_resend_code
from sokoni.orders import reasons
from sokoni.orders.errors import (
    EmptyCart,
    IdempotencyKeyReused,
    InvalidQuantity,
    OwnProduct,
    UnknownProduct,
)
from sokoni.orders.models import Checkout
from sokoni.orders.services.cart import (
    MAX_LINES,
    MAX_QUANTITY,
    buyable_product,
    cart_from_session,
)
from sokoni.orders.services.checkout import (
    Delivery,
    checkout_cancel,
    checkout_pay,
    checkout_place_or_replay,
    not_enough_stock,
    request_fingerprint,
)
from sokoni.orders.states import DeliveryMethod
from sokoni.payments.models import PaymentIntent
from sokoni.payments.services.intents import payment_confirm_cash
from sokoni.payments.states import PaymentMethod, PaymentStatus
from sokoni.villages.models import Resident
from sokoni.villages.selectors import home_centre_of
from sokoni.villages.services import resident_set_centre

SESSION_KEY: Final = "agent_carts"
ASSISTED_METHODS: Final = (PaymentMethod.CASH, PaymentMethod.MOBILE_MONEY)


def _phone(raw: str, desk: Desk, centre_id: int | None = None) -> str:
    """A number typed at the counter, read as local to the centre's country."""
    centre = desk.centre_by_id(centre_id) if centre_id is not None else desk.centre
    try:
        return normalize_phone(raw, region=centre.village.country)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="phone") from error


# -- villagers ----------------------------------------------------------------------------------


def villager_register_at_centre(
    *, operator: User, centre_id: int, phone: str, name: str = "", language: str = "en"
) -> Resident:
    """Open a light account for a villager at the counter and make the centre their home.

    No password and no PIN: the villager sets their PIN on their own phone. They pay in the
    centre's currency. One transaction: a refusal (a taken number) leaves nothing behind.
    """
    desk = desk_for(operator)
    centre = desk.centre_by_id(centre_id)
    e164 = _phone(phone, desk, centre.pk)
    with transaction.atomic():
        villager = villager_register(phone=e164, name=name, language=language)
        user_set_preferences(user=villager, currency=centre_currency(centre))
        return resident_set_centre(user=villager, centre=centre, registered_by=operator)


def _attachable(desk: Desk, found: Lookup) -> User:
    """The account a looked-up number belongs to, refused unless it may be attached: a
    villager of another open centre stays theirs (``VillagerElsewhere``); Sokoni staff and the
    operators of open centres are no one's villagers (``StaffNotVillager``): once a villager
    here, the operator could order in their name and forget their PIN."""
    if found.resident is not None:
        raise AlreadyVillagerHere(field="phone")
    if found.elsewhere:
        raise VillagerElsewhere(field="phone")
    if found.user is None:
        raise NotFound(field="phone")
    if found.user.pk == desk.operator.pk:
        raise NotAVillager(field="phone")
    if found.staff:
        raise StaffNotVillager(field="phone")
    return found.user


def _attach_digest(asked: AttachRequest, salt: str, code: str) -> str:
    # Bound to the centre, the operator and the person: a code texted for one request never
    # matches another's.
    return keyed_digest("attach", asked.centre_id, asked.operator_id, asked.villager_id, salt, code)


def villager_attach_request(*, operator: User, centre_id: int, phone: str) -> AttachRequest:
    """Ask the owner of an account without a home centre to let this centre become theirs.

    A 6-digit code is texted to their phone, in their language, naming the operator and the
    centre; they agree by reading it out at the counter (``villager_attach_confirm``). Nothing
    is attached yet. A new request replaces the centre's pending one for the same person (its
    code stops working). At most ``ATTACH_CODES_PER_HOUR`` codes go to one person and
    ``ATTACH_CODES_PER_OPERATOR_HOUR`` are sent by one operator in any hour.
    """
    desk = desk_for(operator)
    centre = desk.centre_by_id(centre_id)
    villager = _attachable(desk, villager_lookup(desk, _phone(phone, desk, centre.pk)))
    now = timezone.now()
    hour_ago = now - timedelta(hours=1)
    recent = AttachRequest.objects.filter(created_at__gt=hour_ago)
    if (
        recent.filter(villager=villager).count() >= settings.ATTACH_CODES_PER_HOUR
        or recent.filter(operator=operator).count() >= settings.ATTACH_CODES_PER_OPERATOR_HOUR
    ):
        raise AttachCodesExhausted(field="phone")
    code = f"{secrets.randbelow(1_000_000):06d}"
    salt = secrets.token_hex(16)
    try:
        with transaction.atomic():
            AttachRequest.objects.filter(
                centre=centre, villager=villager, status=AttachStatus.PENDING
            ).update(status=AttachStatus.REPLACED, closed_at=now)
            attach_request = AttachRequest(
                centre=centre,
                villager=villager,
                operator=operator,
                created_at=now,
                expires_at=now + timedelta(minutes=settings.ATTACH_CODE_MINUTES),
                code_salt=salt,
            )
            attach_request.code_digest = _attach_digest(attach_request, salt, code)
            attach_request.save()
            send_attach_code(attach_request, code)
    except IntegrityError:  # the same request sent twice at the same moment: one code goes
        pending = AttachRequest.objects.filter(
            centre=centre, villager=villager, status=AttachStatus.PENDING
        ).first()
        if pending is None:
            raise
        return pending
    return attach_request


def villager_attach_confirm(*, operator: User, centre_id: int, phone: str, code: str) -> Resident:
    """Make the centre the person's home, against the code they were texted for this centre
    and this operator (``villager_attach_request``).

    Call it outside any transaction: a wrong code is committed as counted before the refusal
    is raised, and ``ATTACH_MAX_FAILURES`` of them kill the code. An expired, replaced or
    killed code, or one sent for another centre or by another operator, attaches nothing. The
    account is checked again: it may have found a home meanwhile.
    """
    desk = desk_for(operator)
    centre = desk.centre_by_id(centre_id)
    found = villager_lookup(desk, _phone(phone, desk, centre.pk))
    if found.resident is not None and found.resident.centre_id == centre.pk:
        return found.resident  # confirmed already (the same form sent twice)
    villager = _attachable(desk, found)
    typed = "".join(code.split())[:12]
    now = timezone.now()
    limit = settings.ATTACH_MAX_FAILURES
    with transaction.atomic():
        villager_qs_for_update(villager.pk).get()
        mine = {"centre": centre, "villager": villager, "operator": operator}
        attach_request = attach_requests_qs_for_update(status=AttachStatus.PENDING, **mine).first()
        if attach_request is None:
            latest = AttachRequest.objects.filter(**mine).order_by("-created_at", "-pk").first()
            if latest is not None and latest.status == AttachStatus.LOCKED:
                raise AttachCodeLocked(field="code")
            raise AttachCodeMissing(field="code")
        if attach_request.expires_at <= now:
            raise AttachCodeExpired(field="code")
        expected = _attach_digest(attach_request, attach_request.code_salt, typed)
        if hmac.compare_digest(attach_request.code_digest, expected):
            # A home found meanwhile: an open centre of an approved village (a closed centre's
            # former villagers have none, as the lookup says, and may be attached).
            if home_centre_of(villager) is not None:
                raise VillagerElsewhere(field="phone")
            AttachRequest.objects.filter(pk=attach_request.pk, status=AttachStatus.PENDING).update(
                status=AttachStatus.CONFIRMED, closed_at=now
            )
            return resident_set_centre(user=villager, centre=centre, registered_by=operator)
        failures = attach_request.failures + 1
        locked = failures >= limit
        AttachRequest.objects.filter(pk=attach_request.pk).update(
            failures=failures,
            **({"status": AttachStatus.LOCKED, "closed_at": now} if locked else {}),
        )
    if locked:
        raise AttachCodeLocked(field="code")
    raise AttachCodeWrong(field="code", tries_left=limit - failures)


def villager_pin_reset(*, operator: User, villager_id: int) -> User:
    """Forget a villager's PIN after the operator checked who they are; the villager sets a new
    one by USSD. The operator never sees or sets a PIN."""
    resident = villager_get(desk_for(operator), villager_id)
    pin_reset(user=resident.user)
    return resident.user


# -- the assisted cart (in the operator's session) ----------------------------------------------


def assisted_cart(session: MutableMapping[str, Any], villager_id: int) -> dict[int, int]:
    """The operator's cart for one villager as {product id: quantity}, ignoring anything
    malformed."""
    carts = session.get(SESSION_KEY)
    return cart_from_session(carts.get(str(villager_id)) if isinstance(carts, dict) else None)


def _save_cart(session: MutableMapping[str, Any], villager_id: int, cart: dict[int, int]) -> None:
    carts = session.get(SESSION_KEY)
    carts = dict(carts) if isinstance(carts, dict) else {}
    if cart:
        carts[str(villager_id)] = {str(pk): quantity for pk, quantity in cart.items()}
    else:
        carts.pop(str(villager_id), None)
    session[SESSION_KEY] = carts  # a new value, so the session knows it changed


def assisted_cart_put(
    *,
    operator: User,
    session: MutableMapping[str, Any],
    villager_id: int,
    product_id: object,
    quantity: object,
    replace: bool = False,
) -> Product:
    """Put a product in a villager's assisted cart (added to the line, or replacing it),
    checked as the buyer's cart checks it: listed, 1 to MAX_QUANTITY, within the stock, not
    the villager's own goods."""
    resident = villager_get(desk_for(operator), villager_id)
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise InvalidQuantity(field="quantity")
    product = buyable_product(product_id)
    cart = assisted_cart(session, resident.user.pk)
    total = quantity if replace else cart.get(product.pk, 0) + quantity
    if total > MAX_QUANTITY:
        raise InvalidQuantity(field="quantity")
    if product.shop.owner_id == resident.user.pk:
        raise OwnProduct(field="product")
    if total > product.stock:
        raise not_enough_stock(product)
    if product.pk not in cart and len(cart) >= MAX_LINES:
        raise InvalidQuantity(field="product")
    cart[product.pk] = total
    _save_cart(session, resident.user.pk, cart)
    return product


def assisted_cart_remove(
    *, operator: User, session: MutableMapping[str, Any], villager_id: int, product_id: int
) -> None:
    resident = villager_get(desk_for(operator), villager_id)
    cart = assisted_cart(session, resident.user.pk)
    if cart.pop(product_id, None) is None:
        raise UnknownProduct(field="product")
    _save_cart(session, resident.user.pk, cart)


# -- the assisted checkout -------------------------------------------------------------------------


def _delivery(resident: Resident) -> Delivery:
    villager = resident.user
    return Delivery(
        method=DeliveryMethod.PICKUP,
        recipient_name=villager.name or display_phone(villager.phone),
        recipient_phone=villager.phone,
        service_centre_id=resident.centre_id,
    )


def assisted_checkout_place(
    *, operator: User, session: MutableMapping[str, Any], villager_id: int, key: str
) -> tuple[Checkout, bool]:
    """Place the villager's assisted cart as one checkout for pickup at their centre, in the
    centre's currency; return it and whether it was placed before (a repeated form).

    ``key`` comes from the form: the same form sent twice (a double click, a reload) finds the
    checkout of the first and places nothing, even once the cart has been emptied. The stock is
    reserved in one transaction (``checkout_place``): a refusal leaves nothing behind.
    """
    resident = villager_get(desk_for(operator), villager_id)
    villager = resident.user
    if not key:
        raise InvalidInput(field="key")
    earlier = Checkout.objects.filter(buyer=villager, idempotency_key=key).first()
    if earlier is not None:
        if earlier.placed_by_id != operator.pk:
            raise IdempotencyKeyReused()
        return earlier, True
    cart = assisted_cart(session, villager.pk)
    if not cart:
        raise EmptyCart()
    items = sorted(cart.items())
    currency = centre_currency(resident.centre)
    delivery = _delivery(resident)
    checkout, replay = checkout_place_or_replay(
        buyer=villager,
        items=items,
        currency=currency,
        delivery=delivery,
        idempotency_key=key,
        request_hash=request_fingerprint(
            {"items": items, "currency": currency, "delivery": asdict(delivery)}
        ),
        placed_by=operator,
    )
    _save_cart(session, villager.pk, {})
    return checkout, replay


def assisted_checkout_pay(*, operator: User, checkout_id: int, method: str) -> PaymentIntent:
    """Start paying an assisted checkout: cash at the villager's centre (the operator takes it
    next), or mobile money with a prompt on the villager's own phone. The villager is the payer.
    """
    checkout = checkout_get(desk_for(operator), checkout_id)
    if method not in ASSISTED_METHODS:
        raise InvalidInput(field="method")
    villager = checkout.buyer
    if method == PaymentMethod.CASH:
        return checkout_pay(
            checkout=checkout,
            actor=villager,
            method=PaymentMethod.CASH,
            centre_id=checkout.service_centre_id,
        )
    return checkout_pay(
        checkout=checkout, actor=villager, method=PaymentMethod.MOBILE_MONEY, phone=villager.phone
    )


def assisted_cash_confirm(*, operator: User, checkout_id: int, amount_minor: int) -> PaymentIntent:
    """The operator took the villager's cash for an assisted checkout: it moves from their float
    into the orders' escrow (``payment_confirm_cash``; the amount must be exactly the total)."""
    checkout = checkout_get(desk_for(operator), checkout_id)
    intent = (
        PaymentIntent.objects.filter(
            purpose="checkout",
            purpose_id=checkout.pk,
            method=PaymentMethod.CASH,
            status=PaymentStatus.PENDING,
            collector=operator,
        )
        .order_by("-pk")
        .first()
    )
    if intent is None:
        raise NoCashWaiting()
    return payment_confirm_cash(
        reference=intent.reference, operator=operator, amount_minor=amount_minor
    )


def assisted_checkout_cancel(*, operator: User, checkout_id: int) -> int:
    """The villager does not want the order after all: cancel what still waits for payment."""
    checkout = checkout_get(desk_for(operator), checkout_id)
    return checkout_cancel(checkout=checkout, actor=operator, reason=reasons.CANCELLED_BY_BUYER)


# -- parcels ---------------------------------------------------------------------------------------


def parcel_check_in(*, operator: User, order_id: int) -> Pickup:
    """The parcel arrived at the centre: the recipient gets a pickup code by SMS."""
    parcel = parcel_get(desk_for(operator), order_id)
    return pickup_check_in(order_id=parcel.order.pk, operator=operator)


def parcel_hand_over(*, operator: User, order_id: int, code: str) -> Pickup:
    """Hand the parcel over against its code: the buyer's receipt, releasing the escrow.

    Not wrapped in a transaction: ``pickup_hand_over`` runs its own (durable) one so that a
    wrong code stays counted.
    """
    parcel = parcel_get(desk_for(operator), order_id)
    return pickup_hand_over(order_id=parcel.order.pk, operator=operator, code=code)


def parcel_resend_code(*, operator: User, order_id: int) -> Pickup:
    parcel = parcel_get(desk_for(operator), order_id)
    return pickup_resend_code(order_id=parcel.order.pk, operator=operator)


# -- the cash count ------------------------------------------------------------------------------


def cash_count_record(
    *,
    operator: User,
    centre_id: int,
    day: date,
    currency: str,
    counted_minor: int,
    note: str = "",
) -> CashCount:
    """Record the cash counted for a day next to what the ledger says was taken that day.

    A recount adds a row; earlier counts stay as they were.
    """
    desk = desk_for(operator)
    centre = desk.centre_by_id(centre_id)
    if day > timezone.localdate():
        raise FutureDay(field="day")
    if currency not in settings.CURRENCIES:
        raise InvalidInput(field="currency")
    if isinstance(counted_minor, bool) or not isinstance(counted_minor, int) or counted_minor < 0:
        raise InvalidInput(field="counted")
    text = " ".join(note.split())
    if len(text) > 300:
        raise InvalidInput(field="note")
    try:
        validate_no_control_characters(text)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="note") from error
    ledger = cash_day(desk, day, currency).ledger_minor
    return CashCount.objects.create(
        operator=operator,
        centre=centre,
        day=day,
        currency=currency,
        counted_minor=counted_minor,
        ledger_minor=ledger,
        difference_minor=counted_minor - ledger,
        note=text,
    )
