"""Demo orders: one small story for every state an order can be in, with its real money.

Every order goes through the services a person's request would use: checkout, the sandbox
providers (a card answers at once; mobile money is answered by calling the sandbox's own
tasks here, so seeding never waits for a worker), shipping, receipt, extension, disputes,
cancellation, expiry and automatic release (both with a ``now`` in the future), and payouts.
The ledger therefore holds exactly the journal transactions these stories would write, and
``manage.py ledger_check`` passes. With the database task backend, the tasks these services
enqueue (sandbox callbacks, expiry, auto-release, payout sending) wait in the queue for the
worker of ``make run``; each is idempotent, so running them later changes nothing that
seeding already did, except that the order waiting for payment expires after
CHECKOUT_RESERVATION_MINUTES and the shipped ones are released after their window, as real
ones would be.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Final

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from sokoni.accounts.models import User
from sokoni.catalog.models import Product, Shop
from sokoni.core.money import Money
from sokoni.orders.models import Checkout, Order
from sokoni.orders.services.checkout import (
    Delivery,
    checkout_expire,
    checkout_pay,
    checkout_place,
)
from sokoni.orders.services.lifecycle import (
    dispute_decide,
    order_auto_release,
    order_cancel,
    order_confirm_receipt,
    order_dispute_open,
    order_extend,
    order_ship,
)
from sokoni.orders.states import DeliveryMethod, DisputeDecision, DisputeReason
from sokoni.payments.gateways.sandbox import sandbox_deliver_callback, sandbox_mobile_answer
from sokoni.payments.models import FxRate
from sokoni.payments.selectors import wallet_balances
from sokoni.payments.services.intents import payment_confirm_cash
from sokoni.payments.services.payouts import payout_request, payout_send
from sokoni.payments.states import PaymentMethod
from sokoni.villages.models import ServiceCentre
from sokoni.web.demo.world import DEMO_ACCOUNTS

CARD_THAT_PAYS: Final = "4242424242424242"  # the sandbox card that pays at once
# Her sister's phone pays one of the demo buyer's orders by mobile money.
MOBILE_MONEY_PAYER: Final = "+254712000002"
# A number ending in 0001 is never answered by the sandbox: the payment times out.
UNANSWERED_PHONE: Final = "+254712340001"
# Payouts to a number ending in 0000 are refused by the sandbox: a mistyped number.
MISTYPED_PAYOUT_PHONE: Final = "+8613800000000"
DEMO_FX_SOURCE: Final = "demo"
# Units of each currency per euro, at believable levels: used only where no rate was imported
# (the European Central Bank publishes no KES, ETB, CVE, PEN, BOB, KHR, TZS or UGX rate).
DEMO_RATES_PER_EUR: Final[dict[str, str]] = {
    "KES": "150.40",
    "GBP": "0.8650",
    "USD": "1.1600",
    "CNY": "8.2900",
    "KRW": "1650",
    "INR": "102.30",
    "CVE": "110.265",
    "PEN": "3.9500",
    "BOB": "8.0200",
    "ETB": "165.80",
    "KHR": "4660",
    "TZS": "2850",
    "UGX": "4050",
}


@dataclass
class OrdersReport:
    """What the demo orders made, for the command's output."""

    orders: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    payouts: int = 0
    rates: int = 0
    skipped: list[str] = field(default_factory=list)


def _address(buyer: User, address: str) -> Delivery:
    return Delivery(
        method=DeliveryMethod.ADDRESS,
        recipient_name=buyer.name,
        recipient_phone=buyer.phone,
        address=address,
    )


class DemoOrders:
    """Place and move the demo orders; see ``seed_orders``."""

    def __init__(self, *, log: Callable[[str], None]) -> None:
        self.log = log
        self.report = OrdersReport()
        phones = {account.role: account.phone for account in DEMO_ACCOUNTS}
        people = {user.phone: user for user in User.objects.filter(phone__in=phones.values())}
        self.buyer = people[phones["buyer"]]
        self.abroad = people[phones["buyer_abroad"]]
        self.seller = people[phones["seller"]]
        self.farmer = people[phones["farmer"]]
        self.operator = people[phones["operator"]]
        self.staff = people[phones["staff"]]
        self.seller_shop = Shop.objects.filter(owner=self.seller).order_by("pk").first()
        self.farmer_shop = Shop.objects.filter(owner=self.farmer).order_by("pk").first()
        self.now = timezone.now()

    # -- helpers ----------------------------------------------------------------------------

    def _rates(self) -> None:
        """Demo exchange rates against the euro for every currency that has none."""
        have = set(FxRate.objects.filter(base="EUR").values_list("quote", flat=True))
        made = FxRate.objects.bulk_create(
            FxRate(
                base="EUR",
                quote=currency,
                rate=Decimal(rate),
                source=DEMO_FX_SOURCE,
                as_of=self.now.date(),
            )
            for currency, rate in DEMO_RATES_PER_EUR.items()
            if currency not in have and currency in settings.CURRENCIES
        )
        self.report.rates = len(made)

    def _product(self, shop: Shop | None, buyer: User, quantity: int = 1) -> Product | None:
        """A listed product of ``shop`` with stock for ``quantity`` (the most stocked one).

        Small demo catalogues (tests) may leave a shop with too little stock: then a product of
        another shop of the same village, then of any shop, is taken instead.
        """
        listed = (
            Product.objects.filter(is_listed=True, stock__gte=quantity)
            .exclude(shop__owner=buyer)
            .order_by("-stock", "pk")
        )
        scopes = [Q(shop=shop), Q(village_id=shop.village_id)] if shop is not None else []
        for scope in [*scopes, Q()]:
            product = listed.filter(scope).first()
            if product is not None:
                return product
        return None

    def _place(
        self,
        story: str,
        buyer: User,
        shop: Shop | None,
        delivery: Delivery,
        *,
        quantity: int = 1,
        currency: str | None = None,
    ) -> Checkout | None:
        product = self._product(shop, buyer, quantity)
        if product is None:
            self.report.skipped.append(story)
            return None
        return checkout_place(
            buyer=buyer,
            items=[(product.pk, quantity)],
            currency=currency or buyer.currency,
            delivery=delivery,
        )

    def _pay_by_card(self, checkout: Checkout) -> Order:
        checkout_pay(
            checkout=checkout,
            actor=checkout.buyer,
            method=PaymentMethod.CARD,
            card_number=CARD_THAT_PAYS,
        )
        return checkout.orders.get()

    def _pay_by_mobile_money(self, checkout: Checkout, phone: str) -> Order:
        """Pay through the mobile-money sandbox: the payer answers, the callback arrives.

        Run here what the worker would run a few seconds later; the callbacks the sandbox
        also queued find the payment settled and change nothing.
        """
        intent = checkout_pay(
            checkout=checkout,
            actor=checkout.buyer,
            method=PaymentMethod.MOBILE_MONEY,
            phone=phone,
        )
        sandbox_mobile_answer.call(intent.provider_ref)
        sandbox_deliver_callback.call(intent.provider, intent.provider_ref)
        return checkout.orders.get()

    def _ship(self, order: Order, tracking: str) -> Order:
        return order_ship(order=order, actor=order.shop.owner, tracking_ref=tracking)

    # -- the stories ------------------------------------------------------------------------

    def waiting_for_payment(self) -> None:
        """Placed a moment ago, not paid yet: the stock is reserved for 30 minutes."""
        address = "Flat 4B, Kilimani Heights, Argwings Kodhek Road, Nairobi"
        self._place("waiting", self.buyer, self.seller_shop, _address(self.buyer, address))

    def paid_and_held(self) -> None:
        """Paid by card: the money waits in escrow until the farmer ships."""
        address = "Flat 4B, Kilimani Heights, Argwings Kodhek Road, Nairobi"
        checkout = self._place(
            "paid", self.buyer, self.farmer_shop, _address(self.buyer, address), quantity=2
        )
        if checkout is not None:
            self._pay_by_card(checkout)

    def paid_in_cash(self) -> None:
        """Picked up at the Othaya service centre and paid there in cash to the operator."""
        centre = ServiceCentre.objects.filter(operator=self.operator).order_by("pk").first()
        if centre is None:
            self.report.skipped.append("cash")
            return
        delivery = Delivery(
            method=DeliveryMethod.PICKUP,
            recipient_name=self.buyer.name,
            recipient_phone=self.buyer.phone,
            service_centre_id=centre.pk,
        )
        checkout = self._place("cash", self.buyer, self.farmer_shop, delivery)
        if checkout is None:
            return
        intent = checkout_pay(
            checkout=checkout, actor=self.buyer, method=PaymentMethod.CASH, centre_id=centre.pk
        )
        payment_confirm_cash(
            reference=intent.reference, operator=self.operator, amount_minor=intent.amount_minor
        )

    def shipped(self) -> None:
        """Paid by mobile money and shipped from Dongfeng: released 10 days after shipping."""
        address = "Flat 4B, Kilimani Heights, Argwings Kodhek Road, Nairobi"
        checkout = self._place(
            "shipped", self.buyer, self.seller_shop, _address(self.buyer, address)
        )
        if checkout is not None:
            order = self._pay_by_mobile_money(checkout, MOBILE_MONEY_PAYER)
            self._ship(order, "SF1402298811CN")

    def shipped_and_extended(self) -> None:
        """Bought from London in pounds; the parcel is slow, so she extended the window once."""
        address = "Flat 2, 18 Cazenove Road, London N16 6BD, United Kingdom"
        checkout = self._place(
            "extended", self.abroad, self.seller_shop, _address(self.abroad, address)
        )
        if checkout is not None:
            order = self._ship(self._pay_by_card(checkout), "SF1402301175CN")
            order_extend(order=order, actor=self.abroad, days=5)

    def gift_for_pickup(self) -> None:
        """A gift from London to her mother in Dukem, collected at the village's centre."""
        centre = ServiceCentre.objects.filter(village__slug="dukem").order_by("pk").first()
        dukem = Shop.objects.filter(village__slug="dukem").order_by("pk").first()
        if centre is None:
            self.report.skipped.append("gift")
            return
        delivery = Delivery(
            method=DeliveryMethod.PICKUP,
            recipient_name="Tsehay Tesfaye",
            recipient_phone="+251911482730",
            service_centre_id=centre.pk,
        )
        checkout = self._place("gift", self.abroad, dukem, delivery)
        if checkout is not None:
            self._ship(self._pay_by_card(checkout), "Dukem centre, shelf 3")

    def received(self) -> None:
        """The buyer confirmed receipt: the seller's wallet is credited, less the commission."""
        address = "Flat 4B, Kilimani Heights, Argwings Kodhek Road, Nairobi"
        checkout = self._place(
            "received", self.buyer, self.seller_shop, _address(self.buyer, address)
        )
        if checkout is not None:
            order = self._ship(self._pay_by_card(checkout), "SF1402187420CN")
            order_confirm_receipt(order=order, actor=self.buyer)
            self._payouts(order.shop.owner, order.currency)

    def released_automatically(self) -> None:
        """Pounds for a Kenyan farm: nobody confirmed, so the escrow released itself."""
        address = "Flat 2, 18 Cazenove Road, London N16 6BD, United Kingdom"
        checkout = self._place(
            "auto-released",
            self.abroad,
            self.farmer_shop,
            _address(self.abroad, address),
            currency="GBP",
        )
        if checkout is not None:
            order = self._ship(self._pay_by_card(checkout), "KE-DHL-7781-0923")
            later = self.now + timedelta(days=settings.ESCROW_AUTO_RELEASE_DAYS, hours=1)
            order_auto_release(order_id=order.pk, now=later)

    def refunded(self) -> None:
        """Paid, then cancelled before shipping: refunded in full, the stock returned."""
        address = "Flat 4B, Kilimani Heights, Argwings Kodhek Road, Nairobi"
        checkout = self._place(
            "refunded", self.buyer, self.farmer_shop, _address(self.buyer, address)
        )
        if checkout is not None:
            order = self._pay_by_card(checkout)
            order_cancel(order=order, actor=self.buyer, reason="Ordered twice by mistake.")

    def disputed(self) -> None:
        """Shipped but not arrived: the buyer opened a dispute, the escrow is frozen."""
        address = "Flat 4B, Kilimani Heights, Argwings Kodhek Road, Nairobi"
        checkout = self._place(
            "disputed", self.buyer, self.seller_shop, _address(self.buyer, address)
        )
        if checkout is not None:
            order = self._ship(self._pay_by_card(checkout), "SF1402166032CN")
            order_dispute_open(
                order=order,
                actor=self.buyer,
                reason=DisputeReason.NOT_RECEIVED,
                details="The tracking page has not moved for two weeks and nothing has arrived.",
            )

    def settled(self) -> None:
        """Arrived damaged: staff shared the money between the buyer and the seller."""
        address = "Flat 4B, Kilimani Heights, Argwings Kodhek Road, Nairobi"
        checkout = self._place(
            "settled", self.buyer, self.seller_shop, _address(self.buyer, address)
        )
        if checkout is None:
            return
        order = self._ship(self._pay_by_card(checkout), "SF1402120954CN")
        order_dispute_open(
            order=order,
            actor=self.buyer,
            reason=DisputeReason.DAMAGED,
            details="One leg of the shelf arrived cracked; the rest is fine.",
        )
        dispute_decide(
            order=order,
            actor=self.staff,
            decision=DisputeDecision.SPLIT,
            note="Photos show one cracked leg: a third back to the buyer for the repair.",
            buyer_share_minor=max(1, order.total_minor // 3),
        )

    def expired(self) -> None:
        """Never paid: the mobile-money prompt went unanswered and the reservation ran out."""
        address = "Flat 4B, Kilimani Heights, Argwings Kodhek Road, Nairobi"
        checkout = self._place(
            "expired", self.buyer, self.farmer_shop, _address(self.buyer, address)
        )
        if checkout is None:
            return
        # An old number of hers, which no longer answers (the sandbox never answers 0001).
        checkout_pay(
            checkout=checkout,
            actor=self.buyer,
            method=PaymentMethod.MOBILE_MONEY,
            phone=UNANSWERED_PHONE,
        )
        checkout_expire(checkout_id=checkout.pk, now=checkout.reserved_until + timedelta(minutes=1))

    def _payouts(self, owner: User, currency: str) -> None:
        """Half the wallet sent to the owner's phone; a quarter to a mistyped number, returned."""
        balance = dict(wallet_balances(owner)).get(currency, 0)
        for amount, phone in ((balance // 2, owner.phone), (balance // 4, MISTYPED_PAYOUT_PHONE)):
            if amount <= 0:
                continue
            payout = payout_request(owner=owner, amount=Money(amount, currency), phone=phone)
            payout_send(payout_id=payout.pk)
            self.report.payouts += 1

    def run(self) -> OrdersReport:
        """Every story, in the order a newcomer reads them."""
        if not Product.objects.filter(is_listed=True, stock__gt=0).exists():
            self.log("No products in stock: no demo orders.")
            return self.report
        self._rates()
        stories = (
            self.received,
            self.released_automatically,
            self.settled,
            self.disputed,
            self.refunded,
            self.shipped,
            self.shipped_and_extended,
            self.gift_for_pickup,
            self.paid_and_held,
            self.paid_in_cash,
            self.expired,
            self.waiting_for_payment,
        )
        for story in stories:
            story()
        buyers = (self.buyer.pk, self.abroad.pk)
        statuses = Order.objects.filter(buyer_id__in=buyers).values_list("status", flat=True)
        self.report.by_status = Counter(statuses)
        self.report.orders = sum(self.report.by_status.values())
        return self.report


def seed_orders(*, log: Callable[[str], None] = lambda _: None) -> OrdersReport:
    """Create the demo orders (one or more in every state) for the demo buyers.

    Needs the demo accounts and shops of ``Seeder``; writes nothing when no product is in
    stock. Does not depend on a task worker.
    """
    report = DemoOrders(log=log).run()
    if report.skipped:
        log("Demo orders skipped for lack of stock: " + ", ".join(report.skipped))
    return report
