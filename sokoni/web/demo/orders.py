"""Demo orders: one small story for every state an order can be in, with its real money.

Every order goes through the services a person's request would use: checkout (priced and
promised by the demo delivery network, ``network.py``), the sandbox providers (a card answers
at once; mobile money is answered by calling the sandbox's own tasks here, so seeding never
waits for a worker), the couriers' scans (``network.parcel_story``), receipt, extension,
disputes, cancellation, expiry and automatic release, and payouts. Stories that took days
happen at their own moments in the past (``network.happening_at``).
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
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Final

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from sokoni.accounts.models import User
from sokoni.catalog.models import Product, Shop
from sokoni.core.money import Money
from sokoni.logistics.shipments import shipments_cancel_unsent
from sokoni.logistics.states import FailureReason, ShipmentStatus
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
from sokoni.shipping.models import Hub
from sokoni.shipping.promise import country_zone
from sokoni.villages.models import ServiceCentre
from sokoni.web.demo.network import Scan, happening_at, parcel_story
from sokoni.web.demo.world import DEMO_ACCOUNTS

CARD_THAT_PAYS: Final = "4242424242424242"  # the sandbox card that pays at once
# Her sister's phone pays one of the demo buyer's orders by mobile money.
MOBILE_MONEY_PAYER: Final = "+254712000002"
# The buyer who demands cash back for a good rating (no login: not a demo account).
EXTORTING_BUYER: Final = ("+254712000077", "Kevo Otieno")
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
    # The order of each story that later demo stories (reviews, messages) build on.
    stories: dict[str, int] = field(default_factory=dict)


NAIROBI_ADDRESS: Final = "Flat 4B, Kilimani Heights, Argwings Kodhek Road, Nairobi"
LONDON_ADDRESS: Final = "Flat 2, 18 Cazenove Road, London N16 6BD, United Kingdom"
_S = ShipmentStatus


def _address(buyer: User, address: str, *, hub: Hub | None = None, country: str = "") -> Delivery:
    """Delivery to ``address`` in the town of ``hub``, or abroad in ``country`` (no hub)."""
    return Delivery(
        method=DeliveryMethod.ADDRESS,
        recipient_name=buyer.name,
        recipient_phone=buyer.phone,
        address=address,
        hub_id=hub.pk if hub else None,
        country=country,
    )


def _from_dongfeng(placed: datetime, *, abroad: str) -> list[Scan]:
    """A parcel ordered at 2 pm in Dongfeng leaves with the evening van; the next morning the
    Suining hub hands it to the international courier, whose feed reports it ``abroad``."""
    return [
        Scan(_S.PICKED_UP, placed + timedelta(hours=4), "van"),
        Scan(_S.AT_HUB, placed + timedelta(hours=6), "clerk", hub="origin"),
        Scan(
            _S.IN_TRANSIT,
            placed + timedelta(hours=20),
            "clerk",
            hub="origin",
            note="Handed to the international courier at {origin}.",
        ),
        Scan(_S.AT_HUB, placed + timedelta(days=7), "abroad", note=abroad),
    ]


def _delivered_abroad(at: datetime, note: str) -> list[Scan]:
    return [
        Scan(_S.OUT_FOR_DELIVERY, at - timedelta(hours=5), "abroad"),
        Scan(_S.DELIVERED, at, "abroad", note=note),
    ]


def _to_nairobi(placed: datetime) -> list[Scan]:
    """Ordered at 10 am: the next morning's van in Othaya, the Nyeri hub, the line haul to the
    Nairobi hub."""
    return [
        Scan(_S.PICKED_UP, placed + timedelta(hours=24.5), "van", note="Collected in Othaya."),
        Scan(_S.AT_HUB, placed + timedelta(hours=27.5), "clerk", hub="origin", via="web"),
        Scan(
            _S.IN_TRANSIT,
            placed + timedelta(hours=30),
            "clerk",
            hub="origin",
            note="Left {origin} for {destination}.",
            via="web",
        ),
        Scan(_S.AT_HUB, placed + timedelta(hours=70), "courier", hub="destination"),
    ]


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
        self.nairobi = Hub.objects.filter(code="nairobi").first()
        self.now = timezone.now()
        # The stories' clock: 5 pm in Nairobi today (or yesterday, before 5 pm), so that the
        # couriers' scans fall in working hours.
        local = timezone.localtime(self.now, country_zone("KE"))
        evening = local.replace(hour=17, minute=0, second=0, microsecond=0)
        self.evening = evening if evening <= local else evening - timedelta(days=1)

    # -- helpers ----------------------------------------------------------------------------

    def _ago(self, days: float, hours: float = 0) -> datetime:
        """``days`` and ``hours`` before 5 pm in Nairobi (see ``evening``)."""
        return self.evening - timedelta(days=days, hours=hours)

    def _in_nairobi(self, buyer: User) -> Delivery:
        return _address(buyer, NAIROBI_ADDRESS, hub=self.nairobi)

    def _in_london(self, buyer: User) -> Delivery:
        return _address(buyer, LONDON_ADDRESS, country="GB")

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

    # -- the stories ------------------------------------------------------------------------
    # Each story happened over the past days or weeks (``happening_at``): placed, paid, then
    # moved by the couriers' scans, so dates, promises and release windows read as they would.

    def waiting_for_payment(self) -> None:
        """Placed a moment ago, not paid yet: the stock is reserved for 30 minutes."""
        self._place("waiting", self.buyer, self.seller_shop, self._in_nairobi(self.buyer))

    def delivered(self) -> None:
        """Paid by card five days ago: the van collected it in Othaya, the post took it to
        Nairobi, the courier handed it over yesterday. The release window runs from there."""
        placed = self._ago(5, 7)
        with happening_at(placed):
            checkout = self._place(
                "delivered", self.buyer, self.farmer_shop, self._in_nairobi(self.buyer), quantity=2
            )
            if checkout is None:
                return
            order = self._pay_by_card(checkout)
        parcel_story(
            order,
            [
                *_to_nairobi(placed),
                Scan(_S.OUT_FOR_DELIVERY, self._ago(1, 8), "courier", via="sms"),
                Scan(
                    _S.DELIVERED,
                    self._ago(1, 5),
                    "courier",
                    note="Handed to the buyer at her door.",
                ),
            ],
        )

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

    def failed_attempt(self) -> None:
        """Paid by mobile money; yesterday nobody was home, today the courier tries again."""
        placed = self._ago(4, 7)
        with happening_at(placed):
            checkout = self._place(
                "failed attempt", self.buyer, self.farmer_shop, self._in_nairobi(self.buyer)
            )
            if checkout is None:
                return
            order = self._pay_by_mobile_money(checkout, MOBILE_MONEY_PAYER)
        parcel_story(
            order,
            [
                *_to_nairobi(placed),
                Scan(_S.OUT_FOR_DELIVERY, self._ago(1, 8), "courier", via="sms"),
                Scan(
                    _S.FAILED_ATTEMPT,
                    self._ago(1, 5),
                    "courier",
                    failure=FailureReason.NOBODY_HOME,
                    note="Nobody at the flat; the caretaker asked us to come back after 5 pm.",
                    via="sms",
                ),
                Scan(_S.OUT_FOR_DELIVERY, self._ago(0, 8), "courier", via="sms"),
            ],
        )

    def shipped_and_extended(self) -> None:
        """Bought from London in pounds; the parcel is slow, so she extended the window once."""
        placed = self._ago(8, 8)
        with happening_at(placed):
            checkout = self._place(
                "extended", self.abroad, self.seller_shop, self._in_london(self.abroad)
            )
            if checkout is None:
                return
            order = self._pay_by_card(checkout)
        parcel_story(
            order,
            _from_dongfeng(
                placed, abroad="At the courier's London depot, waiting for customs clearance."
            ),
        )
        with happening_at(self._ago(1, 2)):
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
        placed = self._ago(1, 7)
        with happening_at(placed):
            checkout = self._place("gift", self.abroad, dukem, delivery)
            if checkout is None:
                return
            order = self._pay_by_card(checkout)
        parcel_story(
            order,
            [
                Scan(_S.PICKED_UP, placed + timedelta(hours=4), "van"),
                Scan(
                    _S.AT_HUB,
                    placed + timedelta(hours=6),
                    "clerk",
                    hub="origin",
                    note="At {origin}; it goes to the Dukem centre on the next van.",
                ),
            ],
        )

    def received(self) -> None:
        """From Dongfeng by international courier, a few days later than promised: the buyer
        confirmed receipt, the seller's wallet is credited, less the commission."""
        placed = self._ago(24, 8)
        with happening_at(placed):
            checkout = self._place(
                "received", self.buyer, self.seller_shop, self._in_nairobi(self.buyer)
            )
            if checkout is None:
                return
            order = self._pay_by_card(checkout)
        parcel_story(
            order,
            [
                *_from_dongfeng(placed, abroad="Arrived in Nairobi; cleared customs."),
                *_delivered_abroad(self._ago(6, 4), "Delivered; signed for by A. Otieno."),
            ],
        )
        with happening_at(self._ago(5, 6)):
            order_confirm_receipt(order=order, actor=self.buyer)
        self.report.stories["received"] = order.pk
        self._payouts(order.shop.owner, order.currency)

    def released_automatically(self) -> None:
        """Pounds for a Kenyan farm, delivered in London: nobody confirmed, so the escrow
        released itself when the window after delivery ended."""
        window = settings.ESCROW_AUTO_RELEASE_DAYS
        placed = self._ago(window + 8, 7)
        with happening_at(placed):
            checkout = self._place(
                "auto-released",
                self.abroad,
                self.farmer_shop,
                self._in_london(self.abroad),
                currency="GBP",
            )
            if checkout is None:
                return
            order = self._pay_by_card(checkout)
        parcel_story(
            order,
            [
                *_to_nairobi(placed)[:2],
                Scan(
                    _S.IN_TRANSIT,
                    placed + timedelta(hours=30),
                    "clerk",
                    hub="origin",
                    note="Handed to the international courier at {origin}.",
                ),
                Scan(
                    _S.AT_HUB,
                    placed + timedelta(days=4),
                    "abroad",
                    note="Arrived in London; cleared customs.",
                ),
                *_delivered_abroad(self._ago(window + 2, 2), "Left with the neighbour at No. 16."),
            ],
        )
        order_auto_release(order_id=order.pk, now=self.now)
        self.report.stories["released_automatically"] = order.pk

    def refunded(self) -> None:
        """Paid, then cancelled before shipping: refunded in full, the stock returned, the
        parcel no longer waits for the van."""
        checkout = self._place(
            "refunded", self.buyer, self.farmer_shop, self._in_nairobi(self.buyer)
        )
        if checkout is not None:
            order = self._pay_by_card(checkout)
            order_cancel(order=order, actor=self.buyer, reason="Ordered twice by mistake.")
            shipments_cancel_unsent(order_ids=[order.pk])

    def disputed(self) -> None:
        """Handed to the international courier two weeks ago and not heard of since, past its
        promised date: the buyer opened a dispute, the escrow is frozen."""
        placed = self._ago(18, 8)
        with happening_at(placed):
            checkout = self._place(
                "disputed", self.buyer, self.seller_shop, self._in_nairobi(self.buyer)
            )
            if checkout is None:
                return
            order = self._pay_by_card(checkout)
        parcel_story(order, _from_dongfeng(placed, abroad="")[:3])
        with happening_at(self._ago(1, 6)):
            order_dispute_open(
                order=order,
                actor=self.buyer,
                reason=DisputeReason.NOT_RECEIVED,
                details="The tracking page has not moved for two weeks and nothing has arrived.",
            )
        self.report.stories["disputed"] = order.pk

    def settled(self) -> None:
        """Arrived damaged: staff shared the money between the buyer and the seller."""
        placed = self._ago(21, 8)
        with happening_at(placed):
            checkout = self._place(
                "settled", self.buyer, self.seller_shop, self._in_nairobi(self.buyer)
            )
            if checkout is None:
                return
            order = self._pay_by_card(checkout)
        parcel_story(
            order,
            [
                *_from_dongfeng(placed, abroad="Arrived in Nairobi; cleared customs."),
                *_delivered_abroad(self._ago(9, 4), "Delivered; box dented on one corner."),
            ],
        )
        with happening_at(self._ago(8, 6)):
            order_dispute_open(
                order=order,
                actor=self.buyer,
                reason=DisputeReason.DAMAGED,
                details="One leg of the shelf arrived cracked; the rest is fine.",
            )
        with happening_at(self._ago(3, 7)):
            dispute_decide(
                order=order,
                actor=self.staff,
                decision=DisputeDecision.SPLIT,
                note="Photos show one cracked leg: a third back to the buyer for the repair.",
                buyer_share_minor=max(1, order.total_minor // 3),
            )

    def extorted(self) -> None:
        """A "professional buyer" bought a little tea from the farmer, confirmed receipt, then
        asked for cash back in exchange for five stars; refused, he gave one star. The demo
        trust stories (``trust.py``) write his review, his messages and the farmer's report."""
        buyer = User.objects.filter(phone=EXTORTING_BUYER[0]).first() or User.objects.create_user(
            EXTORTING_BUYER[0], name=EXTORTING_BUYER[1], language="sw", currency="KES"
        )
        with happening_at(self._ago(12, 6)):
            checkout = self._place("extorted", buyer, self.farmer_shop, self._in_nairobi(buyer))
            if checkout is None:
                return
            order = self._pay_by_card(checkout)
        with happening_at(self._ago(11, 5)):
            order = order_ship(order=order, actor=order.shop.owner, tracking_ref="NYR-G4S-20417")
        with happening_at(self._ago(8, 3)):
            order_confirm_receipt(order=order, actor=buyer)
        self.report.stories["extorted"] = order.pk

    def expired(self) -> None:
        """Never paid: the mobile-money prompt went unanswered and the reservation ran out."""
        checkout = self._place(
            "expired", self.buyer, self.farmer_shop, self._in_nairobi(self.buyer)
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

    def _extra_buyers(self) -> list[int]:
        return list(User.objects.filter(phone=EXTORTING_BUYER[0]).values_list("pk", flat=True))

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
            self.delivered,
            self.failed_attempt,
            self.shipped_and_extended,
            self.gift_for_pickup,
            self.paid_in_cash,
            self.expired,
            self.waiting_for_payment,
            self.extorted,
        )
        for story in stories:
            story()
        buyers = (self.buyer.pk, self.abroad.pk, *self._extra_buyers())
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
