"""Demo of the Othaya service centre (DEMO_WORLD.md): villagers without a smartphone, the
operator's assisted orders, parcels waiting for pickup, a day's cash count that came out short,
and the USSD PINs to try them with.

Everything goes through the services the operator's and villagers' requests would use. The
pickup codes of the demo parcels are fixed (``DEMO_PICKUP_CODE``) so that a visitor can hand a
parcel over on ``/agent/``; real codes are random.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final
from unittest import mock

from django.db.models import Q
from django.utils import timezone

from sokoni.accounts.models import User
from sokoni.accounts.selectors import has_pin
from sokoni.accounts.services import pin_set, villager_register
from sokoni.agents.selectors import cash_day, desk_for
from sokoni.agents.services import cash_count_record
from sokoni.catalog.models import Product
from sokoni.logistics.services import pickup_check_in, pickup_hand_over
from sokoni.logistics.states import ShipmentStatus
from sokoni.orders.models import Checkout, Order
from sokoni.orders.services.checkout import Delivery, checkout_pay, checkout_place
from sokoni.orders.states import DeliveryMethod
from sokoni.payments.services.intents import payment_confirm_cash
from sokoni.payments.states import PaymentMethod
from sokoni.villages.models import ServiceCentre
from sokoni.villages.services import resident_set_centre
from sokoni.web.demo.network import Scan, parcel_story
from sokoni.web.demo.world import DEMO_ACCOUNTS

DEMO_PIN: Final = "4071"
SHORTFALL: Final = 10_000  # KES 100
DEMO_PICKUP_CODE: Final = 246_810
# Neighbours the operator registered: one has set her PIN by USSD, one has not yet.
VILLAGERS: Final = (
    ("+254722000021", "Njeri Wambui", True),
    ("+254722000022", "Kamau Githinji", False),
)


@dataclass
class CentresReport:
    villagers: int = 0
    assisted: int = 0
    parcels_waiting: int = 0
    cash_counts: int = 0
    skipped: list[str] = field(default_factory=list)


class DemoCentre:
    def __init__(self, *, log: Callable[[str], None]) -> None:
        self.log = log
        self.report = CentresReport()
        phones = {account.role: account.phone for account in DEMO_ACCOUNTS}
        self.operator = User.objects.get(phone=phones["operator"])
        self.farmer = User.objects.get(phone=phones["farmer"])
        self.centre = (
            ServiceCentre.objects.filter(operator=self.operator).select_related("village").first()
        )

    def _villagers(self, centre: ServiceCentre) -> list[User]:
        people = []
        for phone, name, with_pin in VILLAGERS:
            user = User.objects.filter(phone=phone).first() or villager_register(
                phone=phone, name=name, language="sw"
            )
            resident_set_centre(user=user, centre=centre, registered_by=self.operator)
            if with_pin and not has_pin(user):
                pin_set(user=user, new_pin=DEMO_PIN)
            people.append(user)
        # The farmer with a feature phone manages his shop by USSD with the same PIN.
        resident_set_centre(user=self.farmer, centre=centre)
        if not has_pin(self.farmer):
            pin_set(user=self.farmer, new_pin=DEMO_PIN)
        self.report.villagers = len(people)
        return people

    def _assisted(
        self, story: str, centre: ServiceCentre, villager: User, quantity: int = 1
    ) -> Checkout | None:
        """An order the operator places for a neighbour, from a Kenyan shop not their own."""
        product = (
            Product.objects.filter(is_listed=True, stock__gte=quantity, currency="KES")
            .exclude(shop__owner__in=[villager, self.operator])
            .filter(Q(village=centre.village) | Q(village__country="KE"))
            .order_by("-stock", "pk")
            .first()
        )
        if product is None:
            self.report.skipped.append(story)
            return None
        self.report.assisted += 1
        return checkout_place(
            buyer=villager,
            items=[(product.pk, quantity)],
            currency="KES",
            delivery=Delivery(
                method=DeliveryMethod.PICKUP,
                recipient_name=villager.name,
                recipient_phone=villager.phone,
                service_centre_id=centre.pk,
            ),
            placed_by=self.operator,
        )

    def _cash(self, checkout: Checkout) -> Order:
        intent = checkout_pay(checkout=checkout, actor=checkout.buyer, method=PaymentMethod.CASH)
        payment_confirm_cash(
            reference=intent.reference, operator=self.operator, amount_minor=intent.amount_minor
        )
        return checkout.orders.get()

    def _on_its_way(self, order: Order) -> None:
        """The Nyeri van collected the parcel and the Nyeri hub has it (the order is shipped)."""
        now = timezone.now()
        parcel_story(
            order,
            [
                Scan(ShipmentStatus.PICKED_UP, now, "van"),
                Scan(ShipmentStatus.AT_HUB, now, "clerk", hub="destination", via="web"),
            ],
        )

    def _arrived(self, order: Order) -> None:
        """The van brought the parcel to the centre; the operator checked it in."""
        self._on_its_way(order)
        parcel_story(
            order,
            [
                Scan(
                    ShipmentStatus.OUT_FOR_DELIVERY,
                    timezone.now(),
                    "van",
                    note="On the van to the service centre.",
                )
            ],
        )
        with mock.patch(
            "sokoni.logistics.services.secrets.randbelow", return_value=DEMO_PICKUP_CODE
        ):
            pickup_check_in(order_id=order.pk, operator=self.operator)

    def run(self) -> CentresReport:
        centre = self.centre
        if centre is None:
            self.report.skipped.append("no service centre")
            return self.report
        njeri, kamau = self._villagers(centre)
        # Collected with the code: the escrow went to the seller, 2% to the operator.
        checkout = self._assisted("collected", centre, njeri, quantity=2)
        if checkout is not None:
            order = self._cash(checkout)
            self._arrived(order)
            pickup_hand_over(
                order_id=order.pk, operator=self.operator, code=f"{DEMO_PICKUP_CODE:06d}"
            )
        # Waiting at the centre for Njeri, with the demo code.
        checkout = self._assisted("waiting at the centre", centre, njeri)
        if checkout is not None:
            self._arrived(self._cash(checkout))
            self.report.parcels_waiting += 1
        # Paid in cash for Kamau and on its way: the operator checks it in when it arrives.
        checkout = self._assisted("on its way", centre, kamau)
        if checkout is not None:
            self._on_its_way(self._cash(checkout))
        # Placed for Kamau a moment ago: his cash is due at the desk.
        checkout = self._assisted("cash due", centre, kamau)
        if checkout is not None:
            checkout_pay(checkout=checkout, actor=kamau, method=PaymentMethod.CASH)
        # Today's count at the desk came out KES 100 short: the reconciliation shows it.
        desk = desk_for(self.operator)
        today = timezone.localdate()
        expected = cash_day(desk, today, "KES").ledger_minor
        if expected > SHORTFALL:
            cash_count_record(
                operator=self.operator,
                centre_id=centre.pk,
                day=today,
                currency="KES",
                counted_minor=expected - SHORTFALL,
                note="Change given twice?",
            )
            self.report.cash_counts += 1
        return self.report


def seed_centres(*, log: Callable[[str], None] = lambda _: None) -> CentresReport:
    """The Othaya service centre's villagers, assisted orders and parcels (after the orders)."""
    report = DemoCentre(log=log).run()
    if report.skipped:
        log("Service-centre demo skipped: " + ", ".join(report.skipped))
    return report
