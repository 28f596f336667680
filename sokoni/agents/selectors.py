"""Reads of the operator area, each scoped to one operator's desk.

A selector given the desk is the permission check: a villager, checkout or parcel that is not
at one of the operator's open centres is ``NotFound`` (a 404), never a different error, so ids
reveal nothing. An operator is a user who runs at least one open service centre in an approved
village (``villages.selectors.centres_operated_by``); anyone else has no desk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from babel.numbers import get_territory_currencies
from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from sokoni.accounts.models import User
from sokoni.accounts.selectors import has_pin, user_by_phone
from sokoni.agents.models import AttachRequest, CashCount
from sokoni.agents.states import AttachStatus
from sokoni.core.errors import NotFound
from sokoni.logistics.models import Pickup
from sokoni.logistics.states import PickupStatus
from sokoni.orders.models import Checkout, Order
from sokoni.orders.selectors import cash_due_for_operator, checkout_payments
from sokoni.orders.states import DeliveryMethod, OrderStatus
from sokoni.payments.codes import float_of
from sokoni.payments.models import JournalTransaction, LedgerAccount, PaymentIntent, Posting
from sokoni.villages.models import Resident, ServiceCentre
from sokoni.villages.selectors import centres_operated_by, home_centre_of

STATEMENT_PER_PAGE = 25


def float_account_code(operator_id: int) -> str:
    """The operator's cash float on the ledger."""
    return float_of(operator_id)


def _valid_id(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**63:
        raise NotFound()
    return value


@dataclass(frozen=True)
class Desk:
    """An operator and the open centres they run: what every page of the area is scoped to."""

    operator: User
    centres: list[ServiceCentre]

    @property
    def centre_ids(self) -> list[int]:
        return [centre.pk for centre in self.centres]

    @property
    def centre(self) -> ServiceCentre:
        """The first centre: the one used where the operator runs only one (the usual case)."""
        return self.centres[0]

    def centre_by_id(self, centre_id: object) -> ServiceCentre:
        for centre in self.centres:
            if centre.pk == centre_id:
                return centre
        raise NotFound(field="centre")


def desk_for(user: Any) -> Desk:
    """The operator's desk; ``NotFound`` for anyone who runs no open centre."""
    if not isinstance(user, User) or not user.is_active:
        raise NotFound()
    centres = centres_operated_by(user)
    if not centres:
        raise NotFound()
    return Desk(operator=user, centres=centres)


def centre_currency(centre: ServiceCentre) -> str:
    """The currency cash is counted in at a centre: its country's, when Sokoni takes it."""
    for code in get_territory_currencies(centre.village.country):
        if code in settings.CURRENCIES:
            return str(code)
    return str(settings.DEFAULT_CURRENCY)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The start and end of a day in the server's time zone."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


# -- villagers ----------------------------------------------------------------------------------


def villager_get(desk: Desk, villager_id: Any) -> Resident:
    """A villager whose home centre is one of the operator's (with ``user`` and ``centre``)."""
    resident = (
        Resident.objects.filter(
            user_id=_valid_id(villager_id),
            centre_id__in=desk.centre_ids,
            user__is_active=True,
        )
        .select_related("user", "centre__village")
        .first()
    )
    if resident is None:
        raise NotFound()
    return resident


def villagers_list(desk: Desk) -> QuerySet[Resident]:
    """The villagers of the operator's centres, the newest first."""
    return (
        Resident.objects.filter(centre_id__in=desk.centre_ids, user__is_active=True)
        .select_related("user", "centre")
        .order_by("-since", "-pk")
    )


@dataclass(frozen=True)
class Lookup:
    """What a phone number is to this operator: their villager, someone with an account and no
    home centre (who may be added), a villager of another centre, or nobody yet."""

    phone: str
    user: User | None = None
    resident: Resident | None = None
    elsewhere: bool = False
    # Sokoni staff or the operator of an open centre (this one's included): never a villager.
    staff: bool = False

    @property
    def may_attach(self) -> bool:
        found = self.user is not None and self.resident is None
        return found and not self.elsewhere and not self.staff


def villager_lookup(desk: Desk, phone: str) -> Lookup:
    """Look a normalised (E.164) phone number up for the operator."""
    user = user_by_phone(phone)
    if user is None:
        return Lookup(phone=phone)
    resident = (
        Resident.objects.filter(user=user, centre_id__in=desk.centre_ids)
        .select_related("user", "centre__village")
        .first()
    )
    if resident is not None:
        return Lookup(phone=phone, user=user, resident=resident)
    if home_centre_of(user) is not None:
        return Lookup(phone=phone, elsewhere=True)
    if user.is_staff or centres_operated_by(user):
        return Lookup(phone=phone, user=user, staff=True)
    return Lookup(phone=phone, user=user)


def attach_request_pending(desk: Desk, centre_id: Any, phone: str) -> AttachRequest | None:
    """The operator's own request, still waiting for its code, to make the centre the home of
    the account with this (E.164) number; None if there is none or its code has expired."""
    return (
        AttachRequest.objects.filter(
            centre_id=desk.centre_by_id(centre_id).pk,
            operator=desk.operator,
            villager__phone=phone,
            status=AttachStatus.PENDING,
            expires_at__gt=timezone.now(),
        )
        .select_related("villager", "centre")
        .first()
    )


def villager_has_pin(resident: Resident) -> bool:
    return has_pin(resident.user)


# -- assisted checkouts and orders ---------------------------------------------------------------


def checkout_get(desk: Desk, checkout_id: Any) -> Checkout:
    """A checkout this operator placed for a villager, at one of their centres."""
    checkout = (
        Checkout.objects.filter(
            pk=_valid_id(checkout_id),
            placed_by=desk.operator,
            service_centre_id__in=desk.centre_ids,
        )
        .select_related("buyer", "service_centre")
        .first()
    )
    if checkout is None:
        raise NotFound()
    return checkout


def checkout_latest_payment(checkout: Checkout) -> PaymentIntent | None:
    return checkout_payments(checkout).first()


@dataclass(frozen=True)
class LedgerLine:
    account: str
    label: str
    amount_minor: int
    currency: str


def _account_label(code: str, operator_id: int) -> str:
    if code == float_account_code(operator_id):
        return _("Your cash float")
    if match := re.fullmatch(r"escrow:order:(\d+)", code):
        return _("Held by Sokoni for order %(number)s") % {"number": f"SK-{int(match[1]):06d}"}
    if code.startswith("fx:"):
        return _("Currency exchange")
    return code


def payment_ledger_lines(desk: Desk, intent: PaymentIntent) -> list[LedgerLine]:
    """The ledger postings a payment of one of the operator's checkouts made, in words."""
    postings = (
        Posting.objects.filter(transaction__reference=intent.reference)
        .select_related("account")
        .order_by("transaction_id", "pk")
    )
    return [
        LedgerLine(
            account=p.account.code,
            label=_account_label(p.account.code, desk.operator.pk),
            amount_minor=p.amount_minor,
            currency=p.currency,
        )
        for p in postings
    ]


def assisted_orders_on(desk: Desk, day: date) -> list[Order]:
    """The orders of the checkouts this operator placed on ``day`` (server time), newest first."""
    start, end = day_bounds(day)
    return list(
        Order.objects.filter(
            checkout__placed_by=desk.operator,
            checkout__created_at__gte=start,
            checkout__created_at__lt=end,
        )
        .select_related("buyer", "shop", "checkout")
        .order_by("-created_at", "-pk")
    )


def assisted_orders_of(desk: Desk, villager: User, limit: int = 20) -> list[Order]:
    """The latest orders this operator placed for one villager."""
    return list(
        Order.objects.filter(checkout__placed_by=desk.operator, buyer=villager)
        .select_related("shop", "checkout")
        .order_by("-created_at", "-pk")[:limit]
    )


# -- parcels ---------------------------------------------------------------------------------------


def parcels_expected(desk: Desk) -> QuerySet[Order]:
    """Shipped pickup orders bound for the operator's centres, not checked in yet."""
    return (
        Order.objects.filter(
            status=OrderStatus.SHIPPED,
            checkout__delivery_method=DeliveryMethod.PICKUP,
            checkout__service_centre_id__in=desk.centre_ids,
            pickup__isnull=True,
        )
        .select_related("shop", "checkout__service_centre", "buyer")
        .order_by("shipped_at", "pk")
    )


def parcels_waiting(desk: Desk) -> QuerySet[Pickup]:
    """Parcels waiting at the operator's centres for their recipients, the most urgent first."""
    return (
        Pickup.objects.filter(status=PickupStatus.WAITING, centre_id__in=desk.centre_ids)
        .select_related("order__shop", "order__checkout", "centre")
        .order_by("collect_by", "pk")
    )


def days_left(pickup: Pickup, now: datetime | None = None) -> int:
    """Whole days until the parcel goes back (0 on its last day)."""
    remaining = pickup.collect_by - (now or timezone.now())
    return max(0, remaining.days)


@dataclass(frozen=True)
class WaitingParcel:
    pickup: Pickup
    days_left: int
    locked: bool


def parcels_waiting_rows(desk: Desk, now: datetime | None = None) -> list[WaitingParcel]:
    """The waiting parcels with the days left to collect them and whether a lock is on."""
    moment = now or timezone.now()
    return [
        WaitingParcel(
            pickup=pickup,
            days_left=days_left(pickup, moment),
            locked=pickup.locked_until is not None and pickup.locked_until > moment,
        )
        for pickup in parcels_waiting(desk)
    ]


@dataclass(frozen=True)
class Parcel:
    order: Order
    pickup: Pickup | None


def parcel_get(desk: Desk, order_id: Any) -> Parcel:
    """A pickup order bound for one of the operator's centres, with its pickup if checked in."""
    order = (
        Order.objects.filter(
            pk=_valid_id(order_id),
            checkout__delivery_method=DeliveryMethod.PICKUP,
            checkout__service_centre_id__in=desk.centre_ids,
        )
        .exclude(status=OrderStatus.PENDING_PAYMENT)
        .select_related("shop", "checkout__service_centre", "buyer")
        .first()
    )
    if order is None:
        raise NotFound()
    return Parcel(order=order, pickup=Pickup.objects.filter(order=order).first())


# -- the cash float ----------------------------------------------------------------------------


def float_currencies(desk: Desk) -> list[str]:
    """The currencies the operator's float has an account in, and their centres' currencies."""
    held = set(
        LedgerAccount.objects.filter(code=float_account_code(desk.operator.pk)).values_list(
            "currency", flat=True
        )
    )
    local = [centre_currency(centre) for centre in desk.centres]
    return sorted(held | set(local), key=lambda code: (code not in local, code))


def cash_held(desk: Desk, currency: str) -> int:
    """The cash the operator holds for Sokoni: the float's balance, seen from the operator.

    Taking cash moves money out of the float into escrow, so the ledger balance of the float is
    negative by what the operator holds; refunds of cash payments go back into it.
    """
    total = Posting.objects.filter(
        account__code=float_account_code(desk.operator.pk), account__currency=currency
    ).aggregate(total=Coalesce(Sum("amount_minor"), 0))["total"]
    return -int(total)


MOVEMENT = re.compile(r"^(?P<what>checkout|payment|order):(?P<id>[A-Z0-9]+):(?P<step>\w+)")


def movement_label(transaction: JournalTransaction) -> str:
    """A float movement in the reader's language, from its journal transaction's key."""
    match = MOVEMENT.match(transaction.idempotency_key)
    if match is None:
        return transaction.description
    what, step, ref = match["what"], match["step"], transaction.reference
    if what == "checkout" and step == "paid":
        return _("Cash taken for payment %(reference)s") % {"reference": ref}
    if what == "payment" and step == "unapplied":
        return _("Cash taken for payment %(reference)s, after its order was closed") % {
            "reference": ref
        }
    if what == "payment" and step == "refund":
        return _("Cash to give back for payment %(reference)s") % {"reference": ref}
    if what == "order" and match["id"].isdigit():
        return _("Order %(number)s refunded: give the cash back") % {
            "number": f"SK-{int(match['id']):06d}"
        }
    return transaction.description


@dataclass
class StatementRow:
    at: datetime
    label: str
    cash_minor: int  # + cash taken, - cash given back
    held_after_minor: int


@dataclass
class Statement:
    currency: str
    held_minor: int
    page: Page
    rows: list[StatementRow] = field(default_factory=list)


def float_statement(
    desk: Desk, currency: str, page_number: int = 1, per_page: int = STATEMENT_PER_PAGE
) -> Statement:
    """The float's postings, newest first, a page at a time, with the cash held after each.

    Postings are written in order, so the balance after a posting is the sum of the postings
    up to its id: one aggregate per page gives the first row's, the rest follow by subtraction.
    """
    code = float_account_code(desk.operator.pk)
    postings = (
        Posting.objects.filter(account__code=code, account__currency=currency)
        .select_related("transaction")
        .order_by("-pk")
    )
    page = Paginator(postings, per_page).get_page(page_number)
    items: list[Posting] = list(page.object_list)
    statement = Statement(currency=currency, held_minor=cash_held(desk, currency), page=page)
    if not items:
        return statement
    upto = Posting.objects.filter(
        account__code=code, account__currency=currency, pk__lte=items[0].pk
    ).aggregate(total=Coalesce(Sum("amount_minor"), 0))["total"]
    held = -int(upto)
    for posting in items:
        statement.rows.append(
            StatementRow(
                at=posting.transaction.created_at,
                label=movement_label(posting.transaction),
                cash_minor=-posting.amount_minor,
                held_after_minor=held,
            )
        )
        held += posting.amount_minor
    return statement


@dataclass
class CashDay:
    """One day's cash at the operator's desk: what the ledger says, and what was counted."""

    day: date
    currency: str
    taken_minor: int  # cash payments confirmed that day
    refunds_minor: int  # cash refunds that went back to the float that day
    counts: list[CashCount] = field(default_factory=list)

    @property
    def ledger_minor(self) -> int:
        """The cash the day should have left in the drawer."""
        return self.taken_minor - self.refunds_minor

    @property
    def latest(self) -> CashCount | None:
        return self.counts[0] if self.counts else None


def cash_day(desk: Desk, day: date, currency: str) -> CashDay:
    """The float's movements on ``day`` (server time) and the counts recorded for it."""
    start, end = day_bounds(day)
    moves = Posting.objects.filter(
        account__code=float_account_code(desk.operator.pk),
        account__currency=currency,
        transaction__created_at__gte=start,
        transaction__created_at__lt=end,
    ).aggregate(
        out=Coalesce(Sum("amount_minor", filter=Q(amount_minor__lt=0)), 0),
        back=Coalesce(Sum("amount_minor", filter=Q(amount_minor__gt=0)), 0),
    )
    counts = list(
        CashCount.objects.filter(operator=desk.operator, day=day, currency=currency)
        .select_related("centre")
        .order_by("-created_at", "-pk")
    )
    return CashDay(
        day=day,
        currency=currency,
        taken_minor=-int(moves["out"]),
        refunds_minor=int(moves["back"]),
        counts=counts,
    )


# -- the home page -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    orders_today: int
    cash_waiting: int
    parcels_waiting: int
    parcels_expected: int


def desk_counts(desk: Desk) -> Counts:
    start, end = day_bounds(timezone.localdate())
    return Counts(
        orders_today=Order.objects.filter(
            checkout__placed_by=desk.operator,
            checkout__created_at__gte=start,
            checkout__created_at__lt=end,
        ).count(),
        cash_waiting=cash_due_for_operator(desk.operator).count(),
        parcels_waiting=parcels_waiting(desk).count(),
        parcels_expected=parcels_expected(desk).count(),
    )
