"""Checkout: reserve the stock, split the cart into one order per shop, take the payment.

The stock is reserved with conditional updates (``stock >= quantity``) in product order, in
one transaction with the orders: two buyers racing for the last unit cannot both get it, and
a failure anywhere leaves stock, orders and ledger as they were. A checkout not paid within
CHECKOUT_RESERVATION_MINUTES is cancelled by a task and its stock returned.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sokoni.accounts.models import User
from sokoni.accounts.phones import normalize_phone
from sokoni.catalog.delivery import PARCEL_FIELDS, SHOP_FIELDS, shop_quote
from sokoni.catalog.models import Product, Shop
from sokoni.catalog.selectors import commission_bp_for
from sokoni.core.errors import DomainError, InvalidInput, NotFound
from sokoni.core.money import Money, is_known_currency
from sokoni.core.tasks import defer
from sokoni.core.text import address_key, validate_no_control_characters
from sokoni.orders import reasons
from sokoni.orders.errors import (
    AmountTooSmall,
    CheckoutNotPayable,
    CurrencyNotAccepted,
    EmptyCart,
    IdempotencyKeyReused,
    InvalidQuantity,
    NotEnoughStock,
    NothingToPay,
    OwnProduct,
    PaymentInProgress,
    UnknownProduct,
)
from sokoni.orders.locks import checkout_qs_for_update, orders_qs_for_update
from sokoni.orders.models import Checkout, Order, OrderLine
from sokoni.orders.notices import assisted_checkout_placed
from sokoni.orders.registry import order_was_paid
from sokoni.orders.services.cart import MAX_LINES, MAX_QUANTITY, cart_clear_products
from sokoni.orders.services.escrow import commission_of, hold_lines
from sokoni.orders.services.lifecycle import order_event, order_move, orders_cancel_pending
from sokoni.orders.states import DeliveryMethod, OrderStatus, awaits_payment
from sokoni.orders.tasks import cash_due_notice_task, checkout_expire_task
from sokoni.payments.fx import fx_convert
from sokoni.payments.models import PaymentIntent
from sokoni.payments.services import journal_post
from sokoni.payments.services.intents import (
    payment_cancel,
    payment_open,
    payment_refresh,
    payment_request,
)
from sokoni.payments.states import PaymentMethod, PaymentStatus
from sokoni.payments.tasks import payment_request_task
from sokoni.shipping.errors import NoRoute
from sokoni.shipping.quotes import Destination, Quote
from sokoni.shipping.selectors import country_has_hubs, hub_open
from sokoni.villages.countries import COUNTRY_CODES
from sokoni.villages.models import ServiceCentre
from sokoni.villages.selectors import CENTRE_FIELDS
from sokoni.villages.states import VillageStatus

CHECKOUT_PURPOSE = "checkout"
MAX_KEY = Checkout._meta.get_field("idempotency_key").max_length or 100
MAX_HASH = Checkout._meta.get_field("request_hash").max_length or 64

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    method: str
    recipient_name: str
    recipient_phone: str
    address: str = ""
    service_centre_id: int | None = None
    # Delivery to an address: the town it is in (a hub) or, abroad, the country.
    hub_id: int | None = None
    country: str = ""

    @property
    def destination(self) -> Destination:
        """Where the network takes the parcels (for the quote)."""
        if self.method == DeliveryMethod.PICKUP:
            return Destination(country=self.country, centre_id=self.service_centre_id)
        return Destination(country=self.country, hub_id=self.hub_id)


def request_fingerprint(payload: object) -> str:
    """A stable digest of a request body, to tell a retry from a different request."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _items(items: Sequence[tuple[object, object]]) -> dict[int, int]:
    if not items:
        raise EmptyCart()
    if len(items) > MAX_LINES:
        raise InvalidQuantity(field="items")
    merged: dict[int, int] = defaultdict(int)
    for product_id, quantity in items:
        if isinstance(product_id, bool) or not isinstance(product_id, int) or product_id <= 0:
            raise UnknownProduct(field="product")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            raise InvalidQuantity(field="quantity")
        merged[product_id] += quantity
        if merged[product_id] > MAX_QUANTITY:
            raise InvalidQuantity(field="quantity")
    return dict(merged)


def active_centre(centre_id: object) -> ServiceCentre:
    """An open service centre in an approved village, or ``NotFound``."""
    if isinstance(centre_id, bool) or not isinstance(centre_id, int):
        raise NotFound(_("Choose a service centre."), field="service_centre")
    centre = (
        ServiceCentre.objects.filter(
            pk=centre_id, is_active=True, village__status=VillageStatus.APPROVED
        )
        .select_related("village", "operator")
        .only(*CENTRE_FIELDS, "operator__phone", "operator__name")
        .first()
    )
    if centre is None:
        raise NotFound(_("Choose a service centre."), field="service_centre")
    return centre


def _delivery(delivery: Delivery, centre: ServiceCentre | None = None) -> Delivery:
    if delivery.method not in DeliveryMethod.values:
        raise InvalidInput(_("Choose delivery to an address or pickup."), field="delivery_method")
    name = " ".join(delivery.recipient_name.split())
    if not name or len(name) > 120:
        raise InvalidInput(_("Enter the recipient's name."), field="recipient_name")
    try:
        validate_no_control_characters(name)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="recipient_name") from error
    try:
        phone = normalize_phone(delivery.recipient_phone)
    except ValidationError as error:
        raise InvalidInput(error.messages[0], field="recipient_phone") from error
    address = delivery.address.strip()
    centre_id = hub_id = None
    if delivery.method == DeliveryMethod.ADDRESS:
        if not address or len(address) > 500:
            raise InvalidInput(_("Enter the delivery address."), field="address")
        try:
            validate_no_control_characters(address.replace("\n", " ").replace("\r", " "))
        except ValidationError as error:
            raise InvalidInput(error.messages[0], field="address") from error
        hub_id, country = _town(delivery)
    else:
        wanted = delivery.service_centre_id
        if centre is None or centre.pk != wanted or not centre.is_active:
            centre = active_centre(wanted)
        centre_id = centre.pk
        country = centre.village.country
        address = ""
    return Delivery(
        method=delivery.method,
        recipient_name=name,
        recipient_phone=phone,
        address=address,
        service_centre_id=centre_id,
        hub_id=hub_id,
        country=country,
    )


def _town(delivery: Delivery) -> tuple[int | None, str]:
    """The hub of the town an address is in, or the country abroad that has no hub."""
    if delivery.hub_id is not None:
        hub = hub_open(delivery.hub_id)
        if hub is None:
            raise InvalidInput(_("Choose the town to deliver to."), field="town")
        return hub.pk, hub.country
    country = (delivery.country or "").upper()
    if country not in COUNTRY_CODES:
        raise InvalidInput(_("Choose the town or the country to deliver to."), field="town")
    if country_has_hubs(country):
        raise InvalidInput(_("Choose the town to deliver to."), field="town")
    return None, country


def checkout_place(
    *,
    buyer: User,
    items: Sequence[tuple[object, object]],
    currency: str,
    delivery: Delivery,
    idempotency_key: str = "",
    request_hash: str = "",
    placed_by: User | None = None,
) -> Checkout:
    """Reserve the stock and create one pending order per shop, priced in ``currency``.

    With an ``idempotency_key``, a retry with the same request returns the first checkout and
    a different request with the same key is refused (``IdempotencyKeyReused``). With
    ``placed_by``, a service-centre operator orders for the buyer (an assisted order): pickup
    at a centre they run, and they earn AGENT_COMMISSION_BP of it when it is released.
    """
    checkout, _replay = checkout_place_or_replay(
        buyer=buyer,
        items=items,
        currency=currency,
        delivery=delivery,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        placed_by=placed_by,
    )
    return checkout


def checkout_place_or_replay(
    *,
    buyer: User,
    items: Sequence[tuple[object, object]],
    currency: str,
    delivery: Delivery,
    idempotency_key: str = "",
    request_hash: str = "",
    placed_by: User | None = None,
    centre: ServiceCentre | None = None,
) -> tuple[Checkout, bool]:
    """``checkout_place``, also saying whether the checkout is a replay of an earlier request
    (an API answers 200 to a replay and never starts its payment again). ``centre`` is the
    pickup centre when the caller has already loaded it as open (not read again)."""
    if len(idempotency_key) > MAX_KEY or len(request_hash) > MAX_HASH:  # the columns' widths
        raise InvalidInput(_("The Idempotency-Key is too long."), field="idempotency_key")
    if idempotency_key:
        existing = Checkout.objects.filter(buyer=buyer, idempotency_key=idempotency_key).first()
        if existing is not None:
            return _replayed(existing, request_hash), True
    wanted = _items(items)
    if currency not in settings.CURRENCIES or not is_known_currency(currency):
        raise CurrencyNotAccepted(field="currency")
    clean = _delivery(delivery, centre)
    if placed_by is not None:
        _check_assisted(placed_by, buyer, clean)
    products = _buyable(buyer, wanted)
    quotes = _quotes(products, wanted, clean)
    try:
        placed = _place(
            buyer,
            wanted,
            products,
            quotes,
            currency,
            clean,
            idempotency_key,
            request_hash,
            placed_by,
        )
    except IntegrityError:
        if not idempotency_key:
            raise
        existing = Checkout.objects.filter(buyer=buyer, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return _replayed(existing, request_hash), True
    return placed, False


def _check_assisted(operator: User, buyer: User, delivery: Delivery) -> None:
    """An operator orders for someone else, for pickup at a centre they run."""
    if operator.pk == buyer.pk:
        raise InvalidInput(_("Order for yourself from the shop pages."), field="buyer")
    centre_id = delivery.service_centre_id
    centre = ServiceCentre.objects.filter(pk=centre_id).first() if centre_id else None
    if delivery.method != DeliveryMethod.PICKUP or centre is None:
        raise InvalidInput(_("Assisted orders are picked up at your centre."), field="delivery")
    if centre.operator_id != operator.pk:
        raise NotFound(_("Choose a service centre."), field="service_centre")


def _replayed(existing: Checkout, request_hash: str) -> Checkout:
    if existing.request_hash != request_hash:
        raise IdempotencyKeyReused()
    return existing


def _buyable(buyer: User, wanted: dict[int, int]) -> dict[int, Product]:
    """The wanted products, each listed, not the buyer's own and (as far as can be seen before
    reserving) in stock. A sold-out product is refused here, without opening a transaction:
    in a rush for the last units most buyers are refused, and cheaply."""
    products = {
        p.pk: p
        for p in Product.objects.filter(pk__in=wanted, is_listed=True)
        .select_related("shop")
        .only(*BUY_FIELDS)
    }
    for product_id in sorted(wanted):
        product = products.get(product_id)
        if product is None:
            raise UnknownProduct(field="product", product_id=product_id)
        if product.shop.owner_id == buyer.pk:
            raise OwnProduct(field="product", product_id=product_id)
        if product.stock < wanted[product_id]:
            raise not_enough_stock(product)
    return products


# What a checkout reads of a product and its shop (not the long description or search text).
BUY_FIELDS = (
    "name",
    "unit",
    "stock",
    "price_minor",
    "currency",
    "category_id",
    "shop__owner_id",
    "shop__name",
    *PARCEL_FIELDS,
    *SHOP_FIELDS,
)


def _quotes(
    products: dict[int, Product], wanted: dict[int, int], delivery: Delivery
) -> dict[int, Quote | None]:
    """Each shop's delivery quote, read before anything is reserved: a parcel the network
    cannot take refuses the checkout with nothing changed."""
    by_shop: dict[int, list[tuple[Product, int]]] = defaultdict(list)
    for product_id in sorted(wanted):
        product = products[product_id]
        by_shop[product.shop_id].append((product, wanted[product_id]))
    now = timezone.now()
    destination = delivery.destination
    try:
        return {
            shop_id: shop_quote(items[0][0].shop, items, destination, now=now)
            for shop_id, items in by_shop.items()
        }
    except NoRoute as error:
        raise NoRoute(error.message, field="delivery") from error


@transaction.atomic
def _place(
    buyer: User,
    wanted: dict[int, int],
    products: dict[int, Product],
    quotes: dict[int, Quote | None],
    currency: str,
    delivery: Delivery,
    idempotency_key: str,
    request_hash: str,
    placed_by: User | None = None,
) -> Checkout:
    for product_id in sorted(wanted):  # reserve in id order: no two checkouts deadlock
        _reserve(products[product_id], wanted[product_id])
    by_shop: dict[int, list[Product]] = defaultdict(list)
    for product_id in sorted(wanted):
        by_shop[products[product_id].shop_id].append(products[product_id])
    now = timezone.now()
    reserved_until = now + timedelta(minutes=settings.CHECKOUT_RESERVATION_MINUTES)
    checkout = Checkout.objects.create(
        buyer=buyer,
        currency=currency,
        total_minor=0,
        delivery_method=delivery.method,
        address=delivery.address,
        address_key=address_key(delivery.address),
        service_centre_id=delivery.service_centre_id,
        destination_hub_id=delivery.hub_id,
        destination_country=delivery.country,
        recipient_name=delivery.recipient_name,
        recipient_phone=delivery.recipient_phone,
        reserved_until=reserved_until,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
        placed_by=placed_by,
        agent_commission_bp=settings.AGENT_COMMISSION_BP if placed_by else 0,
    )
    orders = [
        _order_for_shop(checkout, by_shop[shop_id], wanted, buyer, quotes[shop_id])
        for shop_id in sorted(by_shop)
    ]
    total = sum(order.pay_total_minor for order in orders)
    if total <= 0:
        raise NothingToPay()
    Checkout.objects.filter(pk=checkout.pk).update(total_minor=total)
    checkout.total_minor = total
    assisted_checkout_placed(checkout, orders)
    cart_clear_products(user=buyer, product_ids=list(wanted))
    defer(checkout_expire_task, checkout.pk, run_after=reserved_until)
    return checkout


def _reserve(product: Product, quantity: int) -> None:
    """Take ``quantity`` off the product's stock, or refuse if fewer are left."""
    reserved = Product.objects.filter(pk=product.pk, stock__gte=quantity).update(
        stock=F("stock") - quantity
    )
    if reserved == 1:
        return
    product.refresh_from_db(fields=["stock"])
    raise not_enough_stock(product)


def not_enough_stock(product: Product) -> NotEnoughStock:
    """The refusal for wanting more than ``product`` has left, saying how many are left."""
    return NotEnoughStock(
        _("Only %(count)s of %(name)s left in stock.")
        % {"count": product.stock, "name": product.name}
        if product.stock
        else _("%(name)s is sold out.") % {"name": product.name},
        field="quantity",
        product_id=product.pk,
        available=product.stock,
    )


def _order_for_shop(
    checkout: Checkout,
    products: list[Product],
    wanted: dict[int, int],
    buyer: User,
    quote: Quote | None,
) -> Order:
    shop: Shop = products[0].shop
    lines = []
    for product in products:
        if product.currency != shop.currency:  # pragma: no cover - the catalogue forbids it
            raise CurrencyNotAccepted(field="product")
        quantity = wanted[product.pk]
        line_total = product.price_minor * quantity
        lines.append(
            OrderLine(
                product=product,
                name=product.name,
                unit=product.unit,
                quantity=quantity,
                unit_price_minor=product.price_minor,
                line_total_minor=line_total,
                commission_bp=commission_bp_for(product.category_id),
            )
        )
    subtotal = sum(line.line_total_minor for line in lines)
    shipping = quote.price_minor if quote else 0
    conversion = fx_convert(Money(subtotal + shipping, shop.currency), checkout.currency)
    if conversion.money.minor <= 0 < subtotal + shipping:
        # Less than half a minor unit of the buyer's currency: it would be paid with nothing.
        raise AmountTooSmall(
            _("The order from %(shop)s is too small to pay in %(currency)s.")
            % {"shop": shop.name, "currency": checkout.currency},
            field="currency",
        )
    order = Order.objects.create(
        checkout=checkout,
        buyer=buyer,
        shop=shop,
        currency=shop.currency,
        subtotal_minor=subtotal,
        shipping_minor=shipping,
        total_minor=subtotal + shipping,
        commission_minor=sum(
            commission_of(line.line_total_minor, line.commission_bp) for line in lines
        ),
        pay_currency=checkout.currency,
        pay_total_minor=conversion.money.minor,
        fx_rate=conversion.rate,
        fx_source=conversion.source,
        fx_as_of=conversion.as_of,
        quote=quote.as_json() if quote else {},
        shipping_cost_minor=quote.cost_minor if quote else 0,
        zone_id=quote.zone_id if quote else None,
        promised_from=quote.earliest if quote else None,
        promised_to=quote.latest if quote else None,
    )
    for line in lines:
        line.order = order
    OrderLine.objects.bulk_create(lines)
    order_event(order, from_status="", to_status=order.status, actor=buyer)
    return order


# -- paying ------------------------------------------------------------------------------------


def checkout_pay(
    *,
    checkout: Checkout,
    actor: User,
    method: str,
    phone: str = "",
    card_number: str = "",
    centre_id: int | None = None,
    request_later: bool = False,
    just_placed: bool = False,
    centre: ServiceCentre | None = None,
) -> PaymentIntent:
    """Start paying a checkout's orders by mobile money, card or cash at a service centre.

    With ``request_later`` the provider is called by a background task instead of now: a
    USSD hop has seconds to answer and must never wait for a payment provider.
    ``just_placed`` says the caller placed this checkout a moment ago in the same request (no
    payment can be on its way yet, nobody else has cancelled it), which spares the checks and
    the lock (were it cancelled meanwhile after all, its payment would be refunded on arrival);
    ``centre`` is the pickup centre the caller already loaded (it must be the checkout's).

    Refused when the orders are no longer waiting for payment, or while another payment request
    is on its way (the payer would get two prompts or be charged twice). A cash request still
    waiting is dropped in favour of the new one. The check and the new request are written
    under the checkout's row lock, so two requests at once (a double click, two devices) make
    one payment; the provider is called after commit.
    """
    if method not in PaymentMethod.values:
        raise InvalidInput(_("Choose how to pay."), field="method")
    payer_phone, collector, label = "", None, ""
    if method == PaymentMethod.MOBILE_MONEY:
        try:
            payer_phone = normalize_phone(phone)
        except ValidationError as error:
            raise InvalidInput(error.messages[0], field="phone") from error
    elif method == PaymentMethod.CASH:
        wanted = centre_id if centre_id is not None else checkout.service_centre_id
        if centre is None or centre.pk != wanted or not centre.is_active:
            centre = active_centre(wanted)
        if centre.operator is None:
            raise NotFound(_("This service centre does not take cash yet."), field="centre")
        collector, label = centre.operator, centre.name
    elif method == PaymentMethod.CARD:
        digits = "".join(ch for ch in card_number if ch.isdigit())
        if not 12 <= len(digits) <= 19 or len(card_number) > 30:
            raise InvalidInput(_("Enter the card number."), field="card_number")
    pending = PaymentIntent.objects.filter(
        purpose=CHECKOUT_PURPOSE, purpose_id=checkout.pk, status=PaymentStatus.PENDING
    )
    if not just_placed:
        _check_payable(checkout)
        # Read once: a request committed between two reads must not be taken for a cash one
        # and cancelled (two racing clicks would each make a payment).
        waiting = list(pending.order_by("pk").values_list("pk", "method"))
        if any(method_ != PaymentMethod.CASH for _pk, method_ in waiting):
            raise PaymentInProgress()
        # A cash request still waiting is given up before the checkout lock is taken: locks go
        # payment, then checkout, everywhere.
        for intent_id, _method in waiting:
            payment_cancel(intent_id=intent_id, actor=actor, note="another way of paying chosen")
    with transaction.atomic():
        if just_placed:  # nobody else knows this checkout yet: nothing to wait for or check
            due = checkout.total_minor
        else:
            locked = checkout_qs_for_update(checkout.pk).get()
            due = _check_payable(locked)
            if pending.exists():
                raise PaymentInProgress()
        intent = payment_open(
            purpose=CHECKOUT_PURPOSE,
            purpose_id=checkout.pk,
            amount=Money(due, checkout.currency),
            method=method,
            payer=actor,
            payer_phone=payer_phone,
            collector=collector,
            collector_label=label,
            card_number=card_number,
            expires_at=checkout.reserved_until if method == PaymentMethod.CASH else None,
        )
        if method == PaymentMethod.CASH and checkout.placed_by_id is None:
            # By a task (the checkout may be placed in a USSD step, which has 50 ms), so the
            # text goes a moment later; an operator's assisted order gets none (paid at once).
            defer(cash_due_notice_task, intent.pk)
        if request_later and method == PaymentMethod.MOBILE_MONEY:
            defer(payment_request_task, intent.pk)
            return intent
    return payment_request(intent=intent, card_number=card_number)


def _check_payable(checkout: Checkout) -> int:
    """What is still due on the checkout: its orders waiting for payment, once none has been
    paid (the orders cancelled one by one no longer count). Read from the database, so a
    checkout object loaded before an order was cancelled never asks for the old total."""
    rows = list(checkout.orders.values_list("status", "pay_total_minor"))
    if not awaits_payment(status for status, _total in rows):
        raise CheckoutNotPayable()
    if timezone.now() >= checkout.reserved_until:
        raise CheckoutNotPayable()
    return sum(total for status, total in rows if status == OrderStatus.PENDING_PAYMENT)


def checkout_apply_payment(intent: PaymentIntent) -> bool:
    """Payment handler: move a checkout's payment into its orders' escrow and mark them paid.

    Runs inside the transaction that marked the payment succeeded. Returns False (the payment
    is then refunded) when the orders no longer wait for it or the amount is not the total.
    """
    checkout = checkout_qs_for_update(intent.purpose_id).first()
    if checkout is None:
        return False
    orders = list(orders_qs_for_update(checkout=checkout))
    if not awaits_payment(order.status for order in orders):
        return False
    live = [order for order in orders if order.status == OrderStatus.PENDING_PAYMENT]
    due = sum(order.pay_total_minor for order in live)
    if (intent.amount_minor, intent.currency) != (due, checkout.currency):
        return False
    journal_post(
        idempotency_key=f"checkout:{checkout.pk}:paid:{intent.reference}",
        lines=hold_lines(intent, live),
        description=f"Payment {intent.reference} held in escrow",
        reference=intent.reference,
    )
    now = timezone.now()
    for order in live:
        order_move(
            order,
            OrderStatus.PAID,
            actor=intent.payer,
            reason=reasons.paid(intent.reference),
            paid_at=now,
        )
        order_was_paid(order)
    return True


def checkout_expire(*, checkout_id: int, now: datetime | None = None) -> Checkout | None:
    """Cancel a checkout's orders not paid in time and return their stock. Idempotent.

    A payment still waiting gets one last status query first: if it was paid, the orders are
    paid. After this, a late payment is refunded.
    """
    checkout = Checkout.objects.filter(pk=checkout_id).first()
    if checkout is None or (now or timezone.now()) < checkout.reserved_until:
        return checkout
    pending = PaymentIntent.objects.filter(
        purpose=CHECKOUT_PURPOSE, purpose_id=checkout.pk, status=PaymentStatus.PENDING
    )
    for intent_id in pending.values_list("pk", flat=True):
        try:
            payment_refresh(intent_id=intent_id, note="last status query before expiry")
        except DomainError as error:  # the stock must come back even if the provider errs
            log.warning("checkout %s: last status query failed: %s", checkout.pk, error.code)
    checkout_cancel(checkout=checkout, actor=None, reason=reasons.NOT_PAID_IN_TIME)
    return checkout


@transaction.atomic
def checkout_cancel(*, checkout: Checkout, actor: User | None, reason: str) -> int:
    """Cancel every order of the checkout still waiting for payment; return how many.

    Payments still waiting are given up first: locks are taken payment, then checkout, then
    orders, the same order as a payment succeeding, so the two cannot deadlock. A payment
    that succeeds after this is refunded.
    """
    pending = PaymentIntent.objects.filter(
        purpose=CHECKOUT_PURPOSE, purpose_id=checkout.pk, status=PaymentStatus.PENDING
    )
    for intent_id in pending.order_by("pk").values_list("pk", flat=True):
        payment_cancel(intent_id=intent_id, actor=actor, note=reason)
    locked = checkout_qs_for_update(checkout.pk).first()
    if locked is None:
        raise NotFound()
    return orders_cancel_pending(checkout=locked, actor=actor, reason=reason)
