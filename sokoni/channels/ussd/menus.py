"""The USSD menus: register and PIN, buy, my orders, sell, wallet, language, help.

Every action calls the same services as the web, with the same checks: a list shows only the
caller's own orders and products, and a screen that acts on one re-reads it as theirs. PINs
are checked by ``accounts.services.pin_check`` and never kept: a PIN typed twice is compared
through a digest held for the next screen only.
"""

from __future__ import annotations

import hashlib
from typing import Any

import phonenumbers
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from sokoni.accounts.errors import PinLocked, PinWrong
from sokoni.accounts.services import (
    pin_check,
    pin_is_acceptable,
    pin_set,
    user_set_preferences,
    villager_register,
)
from sokoni.catalog.delivery import shop_quote
from sokoni.catalog.models import Category
from sokoni.catalog.services import product_update
from sokoni.channels.ussd import selectors
from sokoni.channels.ussd.flow import (
    Back,
    Ctx,
    End,
    Go,
    Home,
    Input,
    ListNode,
    Menu,
    Node,
    Stay,
    Step,
)
from sokoni.channels.ussd.text import Screen, money
from sokoni.core.errors import DomainError
from sokoni.core.money import currency_exponent
from sokoni.orders.models import Order
from sokoni.orders.services.cart import MAX_QUANTITY
from sokoni.orders.services.checkout import (
    Delivery,
    checkout_pay,
    checkout_place_or_replay,
    request_fingerprint,
)
from sokoni.orders.services.lifecycle import order_confirm_receipt, order_ship
from sokoni.orders.states import SENT, DeliveryMethod, OrderStatus
from sokoni.payments.models import PaymentIntent
from sokoni.payments.selectors import wallet_balances
from sokoni.payments.states import PaymentMethod
from sokoni.shipping.errors import NoRoute
from sokoni.shipping.quotes import Destination
from sokoni.villages.selectors import centres_open_in_country
from sokoni.villages.services import resident_set_centre

NO_TRACKING = "no tracking number (sent by USSD)"


def status_word(order: Order, waiting_at: str = "") -> str:
    """A status in two or three words, for a phone screen."""
    if waiting_at:
        return _("At %(centre)s") % {"centre": waiting_at}
    return {
        OrderStatus.PENDING_PAYMENT: _("Not paid"),
        OrderStatus.PAID: _("Paid"),
        OrderStatus.SHIPPED: _("On its way"),
        OrderStatus.DELIVERED: _("Delivered"),
        OrderStatus.COMPLETED: _("Received"),
        OrderStatus.CANCELLED: _("Cancelled"),
        OrderStatus.REFUNDED: _("Refunded"),
        OrderStatus.DISPUTED: _("In dispute"),
        OrderStatus.SETTLED: _("Settled"),
    }[OrderStatus(order.status)]


def _pin_digest(ctx: Ctx, pin: str) -> str:
    return hashlib.sha256(f"{ctx.session.session_id}:{pin}".encode()).hexdigest()


def _check_pin(ctx: Ctx, pin: str) -> Step | None:
    """None when the PIN is right; else the step that tells why (three wrong ones lock it)."""
    try:
        pin_check(user=ctx.member, pin=pin)
    except PinWrong as wrong:
        return Stay(_("Wrong PIN. %(n)s tries left.") % {"n": wrong.context.get("tries_left", 0)})
    except PinLocked:
        return End(_("Too many wrong PINs. Try again in an hour."))
    except DomainError as error:
        return End(str(error.message))
    return None


# -- home and help ------------------------------------------------------------------------------


class HomeMenu(Menu):
    def title(self, ctx: Ctx) -> list[str]:
        if ctx.user is None:
            return [_("Welcome to Sokoni, the village market.")]
        if not ctx.has_pin:
            return [_("Welcome to Sokoni. Set your PIN to start.")]
        return ["Sokoni"]

    def choices(self, ctx: Ctx) -> list[tuple[str, str, Step]]:
        if ctx.user is None:
            return [
                ("1", _("Register"), Go("register_centre")),
                ("5", _("Language"), Go("language")),
            ]
        if not ctx.has_pin:
            return [("1", _("Set PIN"), Go("pin_new")), ("5", _("Language"), Go("language"))]
        seller = ctx.is_seller
        rows: list[tuple[str, str, Step]] = [
            ("1", _("Buy"), Go("buy")),
            ("2", _("My orders"), Go("my_orders")),
        ]
        if seller:
            rows.append(("3", _("Sell"), Go("sell")))
        if seller or ctx.once("wallet", lambda: wallet_balances(ctx.member)):
            rows.append(("4", _("My wallet"), Go("wallet")))
        rows += [("5", _("Language"), Go("language")), ("6", _("Change PIN"), Go("pin_old"))]
        return rows


class HelpScreen(Node):
    kind = "info"

    def screen(self, ctx: Ctx) -> Screen:
        lines = [_("Send only the number of your choice. 0 back, 00 home, 98 more.")]
        centre = ctx.centre
        if centre is not None:
            lines.append(
                _("Help: %(centre)s %(phone)s") % {"centre": centre.name, "phone": centre.phone}
            )
        return Screen(lines)

    def answer(self, ctx: Ctx, value: str) -> Step:
        return Back()


class LanguageList(ListNode):
    def title(self, ctx: Ctx) -> str:
        return _("Language")

    def items(self, ctx: Ctx) -> list[tuple[Any, str]]:
        return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]

    def pick(self, ctx: Ctx, key: Any) -> Step:
        if ctx.user is not None:
            user_set_preferences(user=ctx.user, language=key)
        ctx.state["lang"] = key
        return Home()


# -- registering, and PINs ----------------------------------------------------------------------


def _country(ctx: Ctx) -> str:
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(ctx.session.phone)) or ""
    except phonenumbers.NumberParseException:
        return ""


class CentreList(ListNode):
    """Where the villager collects parcels and pays cash: a service centre of their country."""

    def title(self, ctx: Ctx) -> str:
        return _("Your service centre:")

    def empty(self, ctx: Ctx) -> str:
        return _("Sokoni has no service centre in your country yet.")

    def items(self, ctx: Ctx) -> list[tuple[Any, str]]:
        return [
            (centre.pk, f"{centre.village.name}: {centre.name}")
            for centre in centres_open_in_country(_country(ctx))[:60]
        ]

    def pick(self, ctx: Ctx, key: Any) -> Step:
        if ctx.user is None:
            return Go("register_pin", {"centre": key})
        centre = centres_open_in_country(_country(ctx)).filter(pk=key).first()
        if centre is None:
            return Stay(_("This centre is closed. Choose another."))
        resident_set_centre(user=ctx.user, centre=centre)
        ctx.forget()
        return Go(str(ctx.args.get("then") or "buy_categories"))


class NewPin(Input):
    """A new PIN, asked twice; ``then`` is the screen that asks it again."""

    again = "pin_again"

    def question(self, ctx: Ctx) -> list[str]:
        return [_("Choose a PIN of 4 to 6 digits. Tell it to nobody.")]

    def take(self, ctx: Ctx, digits: str) -> Step:
        if not pin_is_acceptable(digits):
            return Stay(_("4 to 6 digits, not all the same, not in a row like 1234."))
        return Go(self.again, {**ctx.args, "pin": _pin_digest(ctx, digits)})


class NewPinAgain(Input):
    def question(self, ctx: Ctx) -> list[str]:
        return [_("Enter the same PIN again.")]

    def take(self, ctx: Ctx, digits: str) -> Step:
        if _pin_digest(ctx, digits) != ctx.args.get("pin"):
            return Back(note=_("The PINs were not the same. Try again."))
        return self.done(ctx, digits)

    def done(self, ctx: Ctx, pin: str) -> Step:
        pin_set(user=ctx.member, new_pin=pin, old_checked=bool(ctx.args.get("old_checked")))
        ctx.forget()
        return Home(note=_("Your PIN is set."))


class RegisterPin(NewPin):
    again = "register_pin_again"


class RegisterPinAgain(NewPinAgain):
    def done(self, ctx: Ctx, pin: str) -> Step:
        centre = (
            centres_open_in_country(_country(ctx)).filter(pk=int(ctx.args.get("centre", 0))).first()
        )
        if centre is None:
            return Home(note=_("This centre is closed. Choose another."))
        with transaction.atomic():
            user = villager_register(phone=ctx.session.phone, language=ctx.language)
            resident_set_centre(user=user, centre=centre)
            pin_set(user=user, new_pin=pin)
        ctx.user = user
        ctx.forget()
        return Home(note=_("Welcome! You are registered at %(centre)s.") % {"centre": centre.name})


class OldPin(Input):
    def question(self, ctx: Ctx) -> list[str]:
        return [_("Enter your PIN now.")]

    def take(self, ctx: Ctx, digits: str) -> Step:
        refused = _check_pin(ctx, digits)
        return refused or Go("pin_new", {"old_checked": True})


# -- buying -------------------------------------------------------------------------------------


def _buy_start(ctx: Ctx) -> Step:
    if ctx.centre is None:
        return Go("centre", {"then": "buy_categories"})
    return Go("buy_categories")


class CategoryList(ListNode):
    def title(self, ctx: Ctx) -> str:
        return _("Buy:")

    def empty(self, ctx: Ctx) -> str:
        return _("Nothing for sale near you yet.")

    def items(self, ctx: Ctx) -> list[tuple[Any, str]]:
        if ctx.centre is None:
            return []
        return [(category.pk, category.label) for category in selectors.categories_near(ctx.centre)]

    def pick(self, ctx: Ctx, key: Any) -> Step:
        return Go("buy_products", {"category": key})


class ProductList(ListNode):
    def title(self, ctx: Ctx) -> str:
        category = _category(ctx)
        return category.label if category else _("Buy:")

    def items(self, ctx: Ctx) -> list[tuple[Any, str]]:
        category = _category(ctx)
        if ctx.centre is None or category is None:
            return []
        return [
            (product.pk, f"{product.name} {money(product.price_minor, product.currency)}")
            for product in selectors.products_near(ctx.centre, category)
        ]

    def pick(self, ctx: Ctx, key: Any) -> Step:
        return Go("buy_quantity", {"product": key})


def _category(ctx: Ctx) -> Category | None:
    category_id = int(ctx.args.get("category", 0))
    return ctx.once("category", lambda: Category.objects.filter(pk=category_id).first())


def _product(ctx: Ctx) -> Any:
    centre = ctx.centre
    if centre is None:
        return None
    product_id = int(ctx.args.get("product", 0))
    return ctx.once("product", lambda: selectors.product_to_buy(product_id, centre))


class Quantity(Input):
    def question(self, ctx: Ctx) -> list[str]:
        product = _product(ctx)
        if product is None:
            return [_("This product is sold out.")]
        most = min(product.stock, MAX_QUANTITY)
        return [
            f"{product.name} ({product.village.name})",
            _("%(price)s per %(unit)s")
            % {
                "price": money(product.price_minor, product.currency),
                "unit": product.get_unit_display(),
            },
            _("How many? (1-%(most)s)") % {"most": most},
        ]

    def take(self, ctx: Ctx, digits: str) -> Step:
        product = _product(ctx)
        if product is None:
            return Back(note=_("This product is sold out."))
        most = min(product.stock, MAX_QUANTITY)
        quantity = int(digits)
        if not 1 <= quantity <= most:
            return Stay(_("Send a number from 1 to %(most)s.") % {"most": most})
        if product.shop.owner_id == getattr(ctx.user, "pk", None):
            return Stay(_("You cannot buy from your own shop."))
        return Go("buy_pickup", {**ctx.args, "quantity": quantity})


def _delivery(ctx: Ctx, product: Any, quantity: int) -> int | str:
    """The delivery price to the villager's centre, or why the network cannot take it."""
    centre = ctx.centre
    if centre is None:
        return _("Choose a service centre.")
    try:
        quote = shop_quote(
            product.shop,
            [(product, quantity)],
            Destination(country=centre.village.country, centre_id=centre.pk),
            now=timezone.now(),
        )
    except NoRoute as error:
        return str(error.message)
    return quote.price_minor if quote else 0


def _totals(ctx: Ctx) -> tuple[Any, int, int | str, int]:
    product = _product(ctx)
    quantity = int(ctx.args.get("quantity", 0))
    if product is None:
        return None, 0, 0, 0
    goods = product.price_minor * quantity
    delivery = ctx.once(
        f"delivery:{product.pk}:{quantity}", lambda: _delivery(ctx, product, quantity)
    )
    return product, goods, delivery, goods + (delivery if isinstance(delivery, int) else 0)


class PickupChoice(Menu):
    def title(self, ctx: Ctx) -> list[str]:
        product, goods, delivery, total = _totals(ctx)
        if product is None or ctx.centre is None:
            return [_("This product is sold out.")]
        if isinstance(delivery, str):
            return [delivery]
        currency = product.currency
        return [
            _("%(quantity)s x %(name)s") % {"quantity": ctx.args["quantity"], "name": product.name},
            _("Pickup at %(centre)s.") % {"centre": ctx.centre.name},
            _("Goods %(goods)s, delivery %(delivery)s, total %(total)s.")
            % {
                "goods": money(goods, currency),
                "delivery": money(delivery, currency),
                "total": money(total, currency),
            },
        ]

    def choices(self, ctx: Ctx) -> list[tuple[str, str, Step]]:
        if _product(ctx) is None or isinstance(_totals(ctx)[2], str):
            return []
        return [("1", _("Yes, order"), Go("buy_pay", dict(ctx.args)))]


class PayMethod(Menu):
    def title(self, ctx: Ctx) -> list[str]:
        product, _goods, _delivery, total = _totals(ctx)
        if product is None:
            return [_("This product is sold out.")]
        return [_("Pay %(total)s by:") % {"total": money(total, product.currency)}]

    def choices(self, ctx: Ctx) -> list[tuple[str, str, Step]]:
        if _product(ctx) is None or ctx.centre is None:
            return []
        rows: list[tuple[str, str, Step]] = [
            (
                "1",
                _("Mobile money"),
                Go("buy_pin", {**ctx.args, "method": PaymentMethod.MOBILE_MONEY}),
            )
        ]
        if ctx.centre.operator_id is not None:
            rows.append(
                (
                    "2",
                    _("Cash at %(centre)s") % {"centre": ctx.centre.name},
                    Go("buy_pin", {**ctx.args, "method": PaymentMethod.CASH}),
                )
            )
        return rows


class BuyPin(Input):
    def question(self, ctx: Ctx) -> list[str]:
        return [_("Enter your PIN to order.")]

    def take(self, ctx: Ctx, digits: str) -> Step:
        refused = _check_pin(ctx, digits)
        if refused is not None:
            return refused
        return _place(ctx)


def latest_payment(checkout: Any) -> PaymentIntent | None:
    return (
        PaymentIntent.objects.filter(purpose="checkout", purpose_id=checkout.pk)
        .order_by("-pk")
        .first()
    )


def _place(ctx: Ctx) -> Step:
    """Order and start paying: the provider is asked by a task, never within the hop."""
    user, centre = ctx.member, ctx.centre
    product = _product(ctx)
    if product is None or centre is None:
        return End(_("This product is sold out."))
    quantity, method = int(ctx.args["quantity"]), str(ctx.args["method"])
    key = f"ussd:{ctx.session.session_id}"
    try:
        checkout, replay = checkout_place_or_replay(
            buyer=user,
            items=[(product.pk, quantity)],
            currency=product.currency,
            delivery=Delivery(
                method=DeliveryMethod.PICKUP,
                recipient_name=user.name or user.phone,
                recipient_phone=user.phone,
                service_centre_id=centre.pk,
            ),
            idempotency_key=key,
            request_hash=request_fingerprint([product.pk, quantity, centre.pk]),
            centre=centre,
        )
        intent = latest_payment(checkout) if replay else None
        if not replay:
            intent = checkout_pay(
                checkout=checkout,
                actor=user,
                method=method,
                phone=user.phone,
                request_later=True,
                just_placed=True,
                centre=centre,
            )
    except DomainError as error:
        return End(str(error.message))
    numbers = ", ".join(order.number for order in checkout.orders.only("pk"))
    total = money(checkout.total_minor, checkout.currency)
    if method == PaymentMethod.CASH:
        reference = intent.reference if intent is not None else ""
        return End(
            _(
                "Order %(numbers)s. Pay %(total)s cash at %(centre)s within %(minutes)s "
                "minutes, ref %(ref)s."
            )
            % {
                "numbers": numbers,
                "total": total,
                "centre": centre.name,
                "minutes": settings.CHECKOUT_RESERVATION_MINUTES,
                "ref": reference,
            }
        )
    return End(
        _("Order %(numbers)s. Approve %(total)s on your phone when asked. We will text you.")
        % {"numbers": numbers, "total": total}
    )


# -- my orders ----------------------------------------------------------------------------------


class MyOrders(ListNode):
    def title(self, ctx: Ctx) -> str:
        return _("My orders:")

    def empty(self, ctx: Ctx) -> str:
        return _("You have no orders yet.")

    def items(self, ctx: Ctx) -> list[tuple[Any, str]]:
        return [
            (o.pk, f"{o.number} {status_word(o)}") for o in selectors.orders_of_buyer(ctx.member)
        ]

    def pick(self, ctx: Ctx, key: Any) -> Step:
        return Go("order", {"order": key})


def _my_order(ctx: Ctx) -> Order | None:
    order_id = int(ctx.args.get("order", 0))
    return ctx.once("my_order", lambda: selectors.order_of_buyer(ctx.member, order_id))


class OrderScreen(Menu):
    def title(self, ctx: Ctx) -> list[str]:
        order = _my_order(ctx)
        if order is None:
            return [_("Order not found.")]
        pickup = selectors.waiting_pickup(order)
        line = order.lines.first()
        lines = [
            f"{order.number} {money(order.pay_total_minor, order.pay_currency)}",
            f"{line.quantity} x {line.name}" if line else "",
            status_word(order, pickup.centre.name if pickup else ""),
        ]
        if pickup is not None:
            lines.append(_("Bring your pickup code."))
        return lines

    def choices(self, ctx: Ctx) -> list[tuple[str, str, Step]]:
        order = _my_order(ctx)
        if order is None or order.status not in SENT:
            return []
        if selectors.waiting_pickup(order) is not None:
            return []
        return [("1", _("Confirm receipt"), Go("order_confirm", dict(ctx.args)))]


class ConfirmPin(Input):
    def question(self, ctx: Ctx) -> list[str]:
        return [_("You received the goods? Enter your PIN to pay the seller.")]

    def take(self, ctx: Ctx, digits: str) -> Step:
        refused = _check_pin(ctx, digits)
        if refused is not None:
            return refused
        order = _my_order(ctx)
        if order is None:
            return End(_("Order not found."))
        try:
            order_confirm_receipt(order=order, actor=ctx.member)
        except DomainError as error:
            return End(str(error.message))
        return End(
            _("Thank you. %(number)s is received; the money goes to %(shop)s.")
            % {"number": order.number, "shop": order.shop.name}
        )


# -- selling ------------------------------------------------------------------------------------


class SellMenu(Menu):
    def title(self, ctx: Ctx) -> list[str]:
        return [_("Sell:")]

    def choices(self, ctx: Ctx) -> list[tuple[str, str, Step]]:
        waiting = len(selectors.new_orders_of_seller(ctx.member))
        return [
            ("1", _("My products"), Go("sell_products")),
            ("2", _("New orders (%(n)s)") % {"n": waiting}, Go("sell_orders")),
        ]


class SellerProducts(ListNode):
    def title(self, ctx: Ctx) -> str:
        return _("My products:")

    def items(self, ctx: Ctx) -> list[tuple[Any, str]]:
        return [
            (p.pk, f"{p.name} {money(p.price_minor, p.currency)} ({p.stock})")
            for p in selectors.products_of_seller(ctx.member)
        ]

    def pick(self, ctx: Ctx, key: Any) -> Step:
        return Go("sell_product", {"product": key})


def _own_product(ctx: Ctx) -> Any:
    product_id = int(ctx.args.get("product", 0))
    return ctx.once("own_product", lambda: selectors.product_of_seller(ctx.member, product_id))


class SellerProduct(Menu):
    def title(self, ctx: Ctx) -> list[str]:
        product = _own_product(ctx)
        if product is None:
            return [_("Product not found.")]
        return [
            product.name,
            _("%(price)s per %(unit)s")
            % {
                "price": money(product.price_minor, product.currency),
                "unit": product.get_unit_display(),
            },
            _("In stock: %(n)s") % {"n": product.stock},
        ]

    def choices(self, ctx: Ctx) -> list[tuple[str, str, Step]]:
        if _own_product(ctx) is None:
            return []
        return [
            ("1", _("Change price"), Go("sell_price", dict(ctx.args))),
            ("2", _("Change stock"), Go("sell_stock", dict(ctx.args))),
            ("3", _("Sold out"), Go("sell_pin", {**ctx.args, "stock": 0})),
        ]


class NewPrice(Input):
    def question(self, ctx: Ctx) -> list[str]:
        product = _own_product(ctx)
        currency = product.currency if product else ""
        return [_("New price in %(currency)s, whole number:") % {"currency": currency}]

    def take(self, ctx: Ctx, digits: str) -> Step:
        if not 1 <= int(digits) <= 1_000_000_000:
            return Stay(_("Send a whole number above 0."))
        return Go("sell_pin", {**ctx.args, "price": int(digits)})


class NewStock(Input):
    def question(self, ctx: Ctx) -> list[str]:
        return [_("How many do you have now? (1-100000)")]

    def take(self, ctx: Ctx, digits: str) -> Step:
        if not 1 <= int(digits) <= 100_000:
            return Stay(_("Send a number from 1 to 100000."))
        return Go("sell_pin", {**ctx.args, "stock": int(digits)})


class SellPin(Input):
    def question(self, ctx: Ctx) -> list[str]:
        return [_("Enter your PIN to save.")]

    def take(self, ctx: Ctx, digits: str) -> Step:
        refused = _check_pin(ctx, digits)
        if refused is not None:
            return refused
        product = _own_product(ctx)
        if product is None:
            return End(_("Product not found."))
        changes: dict[str, int] = {}
        if "price" in ctx.args:
            changes["price_minor"] = int(ctx.args["price"]) * 10 ** currency_exponent(
                product.currency
            )
        if "stock" in ctx.args:
            changes["stock"] = int(ctx.args["stock"])
        try:
            product_update(product=product, **changes)  # type: ignore[arg-type]
        except DomainError as error:
            return Back(to="sell_product", note=str(error.message))
        finally:
            ctx.forget()
        return Back(to="sell_product", note=_("Saved."))


class SellerOrders(ListNode):
    def title(self, ctx: Ctx) -> str:
        return _("Paid orders to send:")

    def empty(self, ctx: Ctx) -> str:
        return _("No orders to send.")

    def items(self, ctx: Ctx) -> list[tuple[Any, str]]:
        return [
            (o.pk, f"{o.number} {money(o.total_minor, o.currency)}")
            for o in selectors.new_orders_of_seller(ctx.member)
        ]

    def pick(self, ctx: Ctx, key: Any) -> Step:
        return Go("sell_order", {"order": key})


def _own_order(ctx: Ctx) -> Order | None:
    order_id = int(ctx.args.get("order", 0))
    return ctx.once("own_order", lambda: selectors.order_of_seller(ctx.member, order_id))


class SellerOrder(Menu):
    def title(self, ctx: Ctx) -> list[str]:
        order = _own_order(ctx)
        if order is None:
            return [_("Order not found.")]
        checkout = order.checkout
        where = checkout.service_centre.name if checkout.service_centre else checkout.address
        lines = [f"{line.quantity} x {line.name}" for line in order.lines.all()[:2]]
        return [
            f"{order.number} {money(order.total_minor, order.currency)}",
            *lines,
            _("To %(name)s, %(where)s") % {"name": checkout.recipient_name, "where": where},
        ]

    def choices(self, ctx: Ctx) -> list[tuple[str, str, Step]]:
        order = _own_order(ctx)
        if order is None or order.status != OrderStatus.PAID:
            return []
        return [
            ("1", _("Sent, with a tracking number"), Go("sell_tracking", dict(ctx.args))),
            ("2", _("Sent, no tracking number"), Go("sell_ship_pin", {**ctx.args, "tracking": ""})),
        ]


class Tracking(Input):
    def question(self, ctx: Ctx) -> list[str]:
        return [_("Tracking number (digits):")]

    def take(self, ctx: Ctx, digits: str) -> Step:
        return Go("sell_ship_pin", {**ctx.args, "tracking": digits})


class ShipPin(Input):
    def question(self, ctx: Ctx) -> list[str]:
        return [_("Enter your PIN to mark it sent.")]

    def take(self, ctx: Ctx, digits: str) -> Step:
        refused = _check_pin(ctx, digits)
        if refused is not None:
            return refused
        order = _own_order(ctx)
        if order is None:
            return End(_("Order not found."))
        try:
            order_ship(
                order=order,
                actor=ctx.member,
                tracking_ref=str(ctx.args.get("tracking") or NO_TRACKING),
            )
        except DomainError as error:
            return Back(to="sell_orders", note=str(error.message))
        finally:
            ctx.forget()
        return Back(to="sell_orders", note=_("%(number)s marked sent.") % {"number": order.number})


class Wallet(Node):
    kind = "info"

    def screen(self, ctx: Ctx) -> Screen:
        balances = wallet_balances(ctx.member)
        if not balances:
            return Screen([_("My wallet:"), money(0, settings.DEFAULT_CURRENCY)])
        return Screen([_("My wallet:")] + [money(minor, currency) for currency, minor in balances])

    def answer(self, ctx: Ctx, value: str) -> Step:
        return Back()


class Redirect(Node):
    """A step that decides where to go (never shown): e.g. buy, which may need a centre first."""

    def __init__(self, decide: Any) -> None:
        self.decide = decide

    def screen(self, ctx: Ctx) -> Screen:  # pragma: no cover - resolved before showing
        return Screen([])

    def answer(self, ctx: Ctx, value: str) -> Step:  # pragma: no cover
        return Home()


# Screens a user must be registered (and have a PIN) to reach.
MEMBERS_ONLY = frozenset(
    {
        "buy",
        "centre",
        "buy_categories",
        "buy_products",
        "buy_quantity",
        "buy_pickup",
        "buy_pay",
        "buy_pin",
        "my_orders",
        "order",
        "order_confirm",
        "sell",
        "sell_products",
        "sell_product",
        "sell_price",
        "sell_stock",
        "sell_pin",
        "sell_orders",
        "sell_order",
        "sell_tracking",
        "sell_ship_pin",
        "wallet",
        "pin_old",
    }
)
SELLERS_ONLY = frozenset(name for name in MEMBERS_ONLY if name.startswith("sell"))

NODES: dict[str, Node] = {
    "home": HomeMenu(),
    "help": HelpScreen(),
    "language": LanguageList(),
    "register_centre": CentreList(),
    "register_pin": RegisterPin(),
    "register_pin_again": RegisterPinAgain(),
    "centre": CentreList(),
    "pin_old": OldPin(),
    "pin_new": NewPin(),
    "pin_again": NewPinAgain(),
    "buy": Redirect(_buy_start),
    "buy_categories": CategoryList(),
    "buy_products": ProductList(),
    "buy_quantity": Quantity(),
    "buy_pickup": PickupChoice(),
    "buy_pay": PayMethod(),
    "buy_pin": BuyPin(),
    "my_orders": MyOrders(),
    "order": OrderScreen(),
    "order_confirm": ConfirmPin(),
    "sell": SellMenu(),
    "sell_products": SellerProducts(),
    "sell_product": SellerProduct(),
    "sell_price": NewPrice(),
    "sell_stock": NewStock(),
    "sell_pin": SellPin(),
    "sell_orders": SellerOrders(),
    "sell_order": SellerOrder(),
    "sell_tracking": Tracking(),
    "sell_ship_pin": ShipPin(),
    "wallet": Wallet(),
}
