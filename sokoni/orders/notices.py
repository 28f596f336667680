"""Text messages about an order, to the people it matters to, in their own language.

``order_moved`` is called by ``order_move`` in the transaction that moves the order, so a
notice is queued exactly when the move commits (the outbox row and its task are written in the
same transaction). Each notice has a key, so it is never queued twice. A notice that cannot be
queued (a number the SMS provider cannot reach) is skipped: it must never stop money moving.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from sokoni.accounts.models import User
from sokoni.core.errors import InvalidInput
from sokoni.core.money import format_money, share
from sokoni.messaging.outbound import sms_enqueue
from sokoni.orders.models import Checkout, Dispute, Order
from sokoni.orders.reasons import SELLER_SILENT, reason_label
from sokoni.orders.services.escrow import paying_intent
from sokoni.orders.states import DisputeStage, OrderStatus
from sokoni.payments.models import PaymentIntent
from sokoni.payments.states import PaymentMethod


def _amount(minor: int, currency: str, language: str) -> str:
    return format_money(minor, currency, language)


def _paid_buyer(order: Order, language: str) -> str:
    return _(
        "Sokoni: we received %(amount)s for order %(number)s. We hold the money until you "
        "confirm you received the goods."
    ) % {
        "amount": _amount(order.pay_total_minor, order.pay_currency, language),
        "number": order.number,
    }


def _paid_seller(order: Order, language: str) -> str:
    return _("Sokoni: new paid order %(number)s (%(amount)s). Send it, then mark it shipped.") % {
        "number": order.number,
        "amount": _amount(order.total_minor, order.currency, language),
    }


def _shipped_buyer(order: Order, language: str) -> str:
    return _(
        "Sokoni: order %(number)s is on its way (tracking %(tracking)s). Confirm when you "
        "receive it."
    ) % {"number": order.number, "tracking": order.tracking_ref}


def _delivered_buyer(order: Order, language: str) -> str:
    return _(
        "Sokoni: order %(number)s was delivered. Confirm you got it, or report a problem "
        "by %(date)s; after that the seller is paid."
    ) % {
        "number": order.number,
        "date": formats.date_format(
            timezone.localtime(order.auto_release_at or timezone.now()), "SHORT_DATE_FORMAT"
        ),
    }


def _released_seller(order: Order, language: str) -> str:
    commission = share(order.commission_minor, order.released_minor, order.total_minor)
    return _("Sokoni: %(amount)s for order %(number)s is now in your wallet.") % {
        "amount": _amount(order.released_minor - commission, order.currency, language),
        "number": order.number,
    }


def _refunded_buyer(order: Order, language: str) -> str:
    return _("Sokoni: order %(number)s is refunded; %(amount)s goes back to you.") % {
        "number": order.number,
        "amount": _amount(order.refunded_paid_minor, order.pay_currency, language),
    }


def _disputed_seller(order: Order, language: str) -> str:
    return _(
        "Sokoni: the buyer opened a dispute on order %(number)s. The money is frozen until "
        "Sokoni staff decide."
    ) % {"number": order.number}


# -- a dispute decided: each side learns what they get, what the other gets, and why ---------

NOTE_IN_TEXT = 80  # characters of the staff's reason quoted in the text message


def _short(text: str) -> str:
    words = " ".join(reason_label(text).split())
    return words if len(words) <= NOTE_IN_TEXT else words[: NOTE_IN_TEXT - 3].rstrip() + "..."


def _to_seller_minor(order: Order) -> int:
    """What the seller's wallet gets from a release: the released part less its commission."""
    return order.released_minor - share(
        order.commission_minor, order.released_minor, order.total_minor
    )


def _decided_buyer(order: Order, language: str, dispute: Dispute) -> str:
    return _(
        "Sokoni: dispute on order %(number)s decided. You get %(mine)s back, the seller "
        "%(theirs)s. Reason: %(note)s"
    ) % {
        "number": order.number,
        "mine": _amount(order.refunded_paid_minor, order.pay_currency, language),
        "theirs": _amount(_to_seller_minor(order), order.currency, language),
        "note": _short(dispute.note),
    }


def _decided_seller(order: Order, language: str, dispute: Dispute) -> str:
    return _(
        "Sokoni: dispute on order %(number)s decided. You get %(mine)s, the buyer %(theirs)s "
        "back. Reason: %(note)s"
    ) % {
        "number": order.number,
        "mine": _amount(_to_seller_minor(order), order.currency, language),
        "theirs": _amount(order.refunded_minor, order.currency, language),
        "note": _short(dispute.note),
    }


# -- to the service-centre operator (writers return "" when the order is none of theirs) --------


def _assisted(order: Order) -> bool:
    return order.checkout.placed_by_id is not None


def _paid_operator(order: Order, language: str) -> str:
    if not _assisted(order):
        return ""
    return _("Sokoni: order %(number)s you placed for %(name)s is paid.") % {
        "number": order.number,
        "name": order.checkout.recipient_name,
    }


def _shipped_operator(order: Order, language: str) -> str:
    if order.checkout.service_centre_id is None:
        return ""
    return _(
        "Sokoni: parcel %(number)s for %(name)s is on its way to your centre. Check it in "
        "when it arrives."
    ) % {"number": order.number, "name": order.checkout.recipient_name}


def _released_operator(order: Order, language: str) -> str:
    if not order.agent_commission_minor:
        return ""
    return _("Sokoni: your commission of %(amount)s for order %(number)s is in your wallet.") % {
        "amount": _amount(order.agent_commission_minor, order.currency, language),
        "number": order.number,
    }


def _refunded_operator(order: Order, language: str) -> str:
    intent = paying_intent(order)
    if intent is None or intent.method != PaymentMethod.CASH:
        return ""
    return _(
        "Sokoni: order %(number)s is refunded. Give %(amount)s in cash back to %(name)s "
        "(%(phone)s)."
    ) % {
        "number": order.number,
        "amount": _amount(order.refunded_paid_minor, order.pay_currency, language),
        "name": order.checkout.recipient_name,
        "phone": order.buyer.phone,
    }


def _operator(order: Order) -> User | None:
    """The operator who placed the order, else the one of the centre it is picked up at."""
    checkout = order.checkout
    if checkout.placed_by_id is not None:
        return checkout.placed_by
    centre = checkout.service_centre
    return centre.operator if centre is not None else None


Writer = Callable[[Order, str], str]
NOTICES: dict[str, list[tuple[str, Writer]]] = {
    OrderStatus.PAID: [
        ("buyer", _paid_buyer),
        ("seller", _paid_seller),
        ("operator", _paid_operator),
    ],
    OrderStatus.SHIPPED: [("buyer", _shipped_buyer), ("operator", _shipped_operator)],
    OrderStatus.DELIVERED: [("buyer", _delivered_buyer)],
    OrderStatus.COMPLETED: [("seller", _released_seller), ("operator", _released_operator)],
    OrderStatus.SETTLED: [("seller", _released_seller), ("buyer", _refunded_buyer)],
    OrderStatus.REFUNDED: [("buyer", _refunded_buyer), ("operator", _refunded_operator)],
    OrderStatus.DISPUTED: [("seller", _disputed_seller)],
}


def _person(order: Order, role: str) -> User | None:
    if role == "buyer":
        return order.buyer
    if role == "seller":
        return order.shop.owner
    return _operator(order)


def notify(person: User, body_of: Callable[[str], str], dedupe_key: str) -> None:
    """Queue one text to ``person`` written in their language (see ``notify_phone``)."""
    notify_phone(person.phone, person.language or "en", body_of, dedupe_key)


def notify_phone(
    phone: str, language: str, body_of: Callable[[str], str], dedupe_key: str, secret: str = ""
) -> None:
    """Queue one text written in ``language``; skipped when the writer has nothing to say or
    the number cannot be reached (a notice never stops the operation it tells about).
    ``secret`` is a code in the text, masked in the outbox once the text has left."""
    with translation.override(language):
        body = body_of(language)
    if not body:
        return
    try:
        sms_enqueue(to=phone, body=body, dedupe_key=dedupe_key, secret=secret)
    except InvalidInput:
        return


# The statuses a dispute decision ends in: the buyer and the seller get the decision's text
# instead of the plain release or refund one (one text per person per event).
DECIDED_STATUSES = frozenset({OrderStatus.COMPLETED, OrderStatus.REFUNDED, OrderStatus.SETTLED})


def _writers(order: Order) -> list[tuple[str, Writer]]:
    writers = NOTICES.get(order.status, [])
    if order.status not in DECIDED_STATUSES:
        return writers
    dispute = Dispute.objects.filter(order_id=order.pk, stage=DisputeStage.DECIDED).first()
    if dispute is None:
        return writers
    return [
        ("buyer", partial(_decided_buyer, dispute=dispute)),
        ("seller", partial(_decided_seller, dispute=dispute)),
        *((role, write) for role, write in writers if role == "operator"),
    ]


def order_moved(order: Order) -> None:
    """Queue the text messages that the order's new status calls for."""
    for role, write in _writers(order):
        person = _person(order, role)
        if person is None:
            continue
        notify(person, partial(write, order), f"order:{order.pk}:{order.status}:{role}")


def assisted_checkout_placed(checkout: Checkout, orders: list[Order]) -> None:
    """Tell a villager that an operator ordered in their name (so nobody can do it unseen)."""
    operator = checkout.placed_by
    if operator is None:
        return

    def body(language: str) -> str:
        return _(
            "Sokoni: %(operator)s ordered %(numbers)s for you, %(amount)s to pay. If you did "
            "not ask for it, do not pay."
        ) % {
            "operator": operator.name or operator.phone,
            "numbers": ", ".join(order.number for order in orders),
            "amount": _amount(checkout.total_minor, checkout.currency, language),
        }

    notify(checkout.buyer, body, f"checkout:{checkout.pk}:placed")


def cash_due(intent: PaymentIntent) -> None:
    """The buyer is going to pay cash at a centre: the reference and the deadline by text, so
    nobody has to remember them from a screen (an operator ordering for a villager takes the
    cash at once, so no text then)."""
    checkout = Checkout.objects.filter(pk=intent.purpose_id).select_related("buyer").first()
    if checkout is None or checkout.placed_by_id is not None:
        return

    def body(language: str) -> str:
        return _(
            "Sokoni: pay %(amount)s cash at %(centre)s by %(time)s, reference %(ref)s "
            "(orders %(numbers)s)."
        ) % {
            "amount": _amount(intent.amount_minor, intent.currency, language),
            "centre": intent.collector_label,
            "time": formats.time_format(timezone.localtime(checkout.reserved_until), "TIME_FORMAT"),
            "ref": intent.reference,
            "numbers": ", ".join(order.number for order in checkout.orders.all()),
        }

    notify(checkout.buyer, body, f"payment:{intent.reference}:cash-due")


def dispute_escalated(dispute: Dispute) -> None:
    """Tell the buyer and the seller that a dispute's deadline passed and staff now look at
    it first (once per escalation)."""
    order = dispute.order
    seller_silent = SELLER_SILENT.match(dispute.escalation_reason) is not None

    def to_buyer(language: str) -> str:
        if seller_silent:
            return _(
                "Sokoni: the seller did not answer your dispute on order %(number)s in time. "
                "Sokoni staff now look at it first."
            ) % {"number": order.number}
        return _late(order)

    def to_seller(language: str) -> str:
        if seller_silent:
            return _(
                "Sokoni: you did not answer the dispute on order %(number)s in time. Sokoni "
                "staff now look at it first; you can still add your side."
            ) % {"number": order.number}
        return _late(order)

    notify(order.buyer, to_buyer, f"dispute:{dispute.pk}:escalated:buyer")
    notify(order.shop.owner, to_seller, f"dispute:{dispute.pk}:escalated:seller")


def _late(order: Order) -> str:
    return _(
        "Sokoni: the decision on the dispute about order %(number)s is late. It is now at the "
        "top of the staff's list."
    ) % {"number": order.number}
