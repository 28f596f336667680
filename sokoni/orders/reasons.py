"""Why the system moved an order: stored in English on the event, shown in the reader's language.

Services record these texts (not a translation made in whatever language the request or the
worker happened to speak); ``reason_label`` translates them when a page shows them. What people
typed (a dispute, a staff note, a tracking reference) is shown as they wrote it.
"""

from __future__ import annotations

import re
from typing import Final

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

RECEIVED: Final = gettext_noop("received")
NOT_PAID_IN_TIME: Final = gettext_noop("not paid in time")
CANCELLED_BY_BUYER: Final = gettext_noop("cancelled by the buyer")
CANCELLED_BY_SELLER: Final = gettext_noop("cancelled by the seller")
SELLER_AGREED_TO_REFUND: Final = gettext_noop("the seller agreed to refund")
COLLECTED: Final = gettext_noop("collected at the service centre with the pickup code")
NOT_COLLECTED: Final = gettext_noop("not collected from the service centre in time")
RETURNED: Final = gettext_noop("the carrier returned the parcel to the seller undelivered")

KNOWN: Final = frozenset(
    {
        RECEIVED,
        NOT_PAID_IN_TIME,
        CANCELLED_BY_BUYER,
        CANCELLED_BY_SELLER,
        SELLER_AGREED_TO_REFUND,
        COLLECTED,
        NOT_COLLECTED,
        RETURNED,
    }
)

PAID = re.compile(r"^paid: (?P<ref>SK[A-Z0-9]+)$")
EXTENDED = re.compile(r"^extended by (?P<days>\d+) days$")
AUTO_RELEASED = re.compile(r"^released automatically (?P<days>\d+) days after shipping$")
AUTO_RELEASED_DELIVERY = re.compile(r"^released automatically (?P<days>\d+) days after delivery$")
DELIVERED = re.compile(r"^delivered: (?P<ref>[A-Z0-9-]+)$")
SELLER_SILENT = re.compile(r"^the seller did not answer in (?P<days>\d+) days$")
STAFF_SILENT = re.compile(r"^staff did not decide in (?P<days>\d+) days$")


def paid(reference: str) -> str:
    return f"paid: {reference}"


def extended(days: int) -> str:
    return f"extended by {days} days"


def auto_released(days: int) -> str:
    return f"released automatically {days} days after shipping"


def auto_released_after_delivery(days: int) -> str:
    return f"released automatically {days} days after delivery"


def delivered(reference: str) -> str:
    return f"delivered: {reference}"


def seller_silent(days: int) -> str:
    """Why a dispute was escalated: the seller let the answer deadline pass."""
    return f"the seller did not answer in {days} days"


def staff_silent(days: int) -> str:
    """Why a dispute was escalated: staff let the decision deadline pass."""
    return f"staff did not decide in {days} days"


def reason_label(text: str) -> str:
    """The reason in the active language when the system wrote it; else as it was written."""
    if text in KNOWN:
        return _(text)
    if match := PAID.match(text):
        return _("paid with payment %(reference)s") % {"reference": match["ref"]}
    if match := EXTENDED.match(text):
        return _("release date extended by %(days)s days") % {"days": match["days"]}
    if match := AUTO_RELEASED.match(text):
        return _("released automatically %(days)s days after shipping") % {"days": match["days"]}
    if match := AUTO_RELEASED_DELIVERY.match(text):
        return _("released automatically %(days)s days after delivery") % {"days": match["days"]}
    if match := DELIVERED.match(text):
        return _("delivered (parcel %(reference)s)") % {"reference": match["ref"]}
    if match := SELLER_SILENT.match(text):
        return _("the seller did not answer in %(days)s days") % {"days": match["days"]}
    if match := STAFF_SILENT.match(text):
        return _("staff did not decide in %(days)s days") % {"days": match["days"]}
    return text
