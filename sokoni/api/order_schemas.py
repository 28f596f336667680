"""Shapes of the cart, checkout, order and wallet endpoints of API v1.

Inputs check shape and bounds only (types are strict: ``"2"`` or ``true`` is not a quantity);
the services decide everything else (stock, who may do what, which currencies are accepted).
Free text refuses control characters and lone surrogates, which no database can store.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StrictBool, StrictInt, field_validator

from sokoni.api.schemas import ErrorOut, MoneyOut

MAX_ID = 2**63 - 1
MAX_QUANTITY = 999
MAX_LINES = 50

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_BUT_NEWLINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
Quantity = Annotated[
    StrictInt, Field(ge=1, le=MAX_QUANTITY, description="A whole number from 1 to 999.")
]
CurrencyCode = Annotated[
    str, Field(min_length=3, max_length=3, pattern=r"^[A-Z]{3}$", description="ISO 4217 code.")
]


def _text(value: str, control: re.Pattern[str] = _CONTROL) -> str:
    if control.search(value):
        raise ValueError("Remove the control characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("Not valid text.") from exc
    return value


def _line(value: str | None) -> str | None:
    return None if value is None else _text(value)


def _lines(value: str) -> str:
    return _text(value, _CONTROL_BUT_NEWLINES)


# -- the cart -----------------------------------------------------------------------------------


class CartItemAddIn(Schema):
    product_id: Id = Field(examples=[1])
    quantity: Quantity = Field(examples=[2])
    replace: StrictBool = Field(
        False, description="Set the line to this quantity instead of adding to it."
    )


class OrderShopOut(Schema):
    id: int
    name: str
    slug: str


class CartItemOut(Schema):
    id: int = Field(description="The cart line's id (for DELETE /cart/items/{id}).")
    product_id: int
    name: str
    quantity: int
    unit_price: MoneyOut
    line_total: MoneyOut
    shop: OrderShopOut


class CartOut(Schema):
    items: list[CartItemOut]
    totals: list[MoneyOut] = Field(description="The sum of the lines, one entry per currency.")


# -- checkout and payment -----------------------------------------------------------------------


class CheckoutItemIn(Schema):
    product_id: Id = Field(examples=[1])
    quantity: Quantity = Field(examples=[1])


class DeliveryIn(Schema):
    method: Literal["address", "pickup"] = Field(examples=["address"])
    address: str = Field(
        "",
        max_length=500,
        description="Required for delivery to an address.",
        examples=["Kimathi Street 12, Nyeri"],
    )
    service_centre_id: Id | None = Field(None, description="Required for pickup.")
    town_id: Id | None = Field(
        None,
        description="Delivery to an address: the town it is in (GET /shipping/destinations).",
    )
    country: str | None = Field(
        None,
        max_length=2,
        description="Delivery to an address abroad, in a country with no town listed.",
    )
    recipient_name: str = Field(max_length=120, examples=["Amina Wanjiru"])
    recipient_phone: str = Field(
        max_length=32, description="Any usual form; stored in E.164.", examples=["0712 000 010"]
    )

    _check_address = field_validator("address")(_lines)
    _check_name = field_validator("recipient_name", "recipient_phone")(_text)


class CheckoutPayIn(Schema):
    method: Literal["mobile_money", "card", "cash"] = Field(examples=["card"])
    phone: str | None = Field(None, max_length=32, description="Mobile money: the payer's phone.")
    card_number: str | None = Field(
        None,
        max_length=30,
        description="Card: the card number.",
        examples=["4242 4242 4242 4242"],
    )
    service_centre_id: Id | None = Field(
        None, description="Cash: where to pay (default: the pickup centre)."
    )

    _check_text = field_validator("phone", "card_number")(_line)


class CheckoutCreateIn(Schema):
    items: list[CheckoutItemIn] | None = Field(
        None,
        min_length=1,
        max_length=MAX_LINES,
        description="What to buy; leave out to buy what is in the cart.",
    )
    currency: CurrencyCode = Field(description="The currency to pay in.", examples=["KES"])
    delivery: DeliveryIn
    payment: CheckoutPayIn | None = Field(
        None, description="How to pay; leave out to pay later with POST /checkout/{id}/pay."
    )


class FxOut(Schema):
    rate: str = Field(description="Units of the paid currency per unit of the shop's, exactly.")
    source: str
    as_of: date


class OrderLineOut(Schema):
    id: int = Field(description="The order line's id (send it as line_id to POST /reviews).")
    product_id: int
    name: str
    unit: str
    quantity: int
    unit_price: MoneyOut
    line_total: MoneyOut


class CentreOut(Schema):
    id: int
    name: str
    address: str


class DeliveryOut(Schema):
    method: str
    address: str
    town_id: int | None
    country: str
    service_centre: CentreOut | None
    recipient_name: str
    recipient_phone: str


class OrderEventOut(Schema):
    from_status: str = Field(alias="from", description="Empty for the order's creation.")
    to_status: str = Field(alias="to")
    at: datetime
    reason: str = Field(
        description="Why, in the reader's language when the system wrote it; else as typed."
    )
    by: str = Field(description="buyer, seller, staff or system.")


class OrderOut(Schema):
    id: int
    number: str = Field(description="The number people read out, such as SK-000123.")
    checkout_id: int
    status: str
    status_label: str = Field(description="The status in the reader's language.")
    escrow_state: str = Field(description="Where the money is, in plain words.")
    shop: OrderShopOut
    lines: list[OrderLineOut]
    subtotal: MoneyOut = Field(description="Goods, in the shop's currency.")
    shipping: MoneyOut
    total: MoneyOut
    pay_total: MoneyOut = Field(
        description="What the buyer pays for this order, in their own currency."
    )
    fx: FxOut
    tracking_ref: str
    promised_from: date | None = Field(description="The delivery promise made at checkout.")
    promised_to: date | None
    auto_release_at: datetime | None = Field(
        description="When the money goes to the seller unless the buyer acts first."
    )
    extended_days: int
    delivery: DeliveryOut
    events: list[OrderEventOut]
    allowed_actions: list[str] = Field(
        description="What the caller may do now: cancel, ship, confirm-receipt, extend, dispute."
    )
    created_at: datetime


class OrderPageOut(Schema):
    items: list[OrderOut]
    page: int
    per_page: int
    has_next: bool
    total: int


class PaymentOut(Schema):
    reference: str = Field(description="Quote it at a service centre or to support.")
    method: str
    status: str = Field(description="pending, succeeded, failed, expired or refunded.")
    status_label: str
    amount: MoneyOut
    message: str = Field(description="The provider's reason when the payment failed.")
    instructions: str = Field(description="What the payer should do now, in plain words.")


class CheckoutOut(Schema):
    checkout_id: int
    total: MoneyOut = Field(description="What the buyer pays, in the checkout's currency.")
    reserved_until: datetime = Field(description="The stock is held for payment until then.")
    orders: list[OrderOut]
    payment: PaymentOut | None = Field(description="The latest payment attempt.")
    payment_error: ErrorOut | None = Field(
        None, description="Why the payment asked for in this request could not be started."
    )


# -- order actions ------------------------------------------------------------------------------


class OrderCancelIn(Schema):
    reason: str = Field("", max_length=400)

    _check_reason = field_validator("reason")(_lines)


class OrderShipIn(Schema):
    tracking_ref: str = Field(
        max_length=200, description="Up to 80 characters once trimmed.", examples=["KE-4471-2231"]
    )

    _check_ref = field_validator("tracking_ref")(_text)


class OrderExtendIn(Schema):
    days: StrictInt = Field(description="3, 5, 7 or 10.", examples=[5])


class OrderDisputeIn(Schema):
    reason: Literal["not_received", "not_as_described", "damaged", "other"]
    details: str = Field(max_length=2000, examples=["The parcel never came."])

    _check_details = field_validator("details")(_lines)


# -- the wallet ---------------------------------------------------------------------------------


class WalletMovementOut(Schema):
    at: datetime
    description: str
    amount: MoneyOut = Field(description="Positive into the wallet, negative out of it.")
    reference: str


class PayoutOut(Schema):
    id: int
    amount: MoneyOut
    phone: str
    status: str = Field(description="requested, paid or failed.")
    status_label: str
    message: str
    created_at: datetime


class WalletOut(Schema):
    balances: list[MoneyOut]
    movements: list[WalletMovementOut] = Field(description="The latest 50, newest first.")
    payouts: list[PayoutOut] = Field(description="The latest 50, newest first.")


class PayoutRequestIn(Schema):
    amount_minor: StrictInt = Field(ge=1, le=10**15, examples=[10_000])
    currency: CurrencyCode = Field(examples=["KES"])
    phone: str = Field(
        max_length=32,
        description="The mobile-money number to send it to.",
        examples=["+254712000099"],
    )

    _check_phone = field_validator("phone")(_text)
