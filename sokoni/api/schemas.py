"""Shapes of the API v1 requests and responses (``<Entity>Out``, ``<Entity><Action>In``)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ninja import Field, Schema
from pydantic import field_validator

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, in the reader's language.")
    code: str | None = Field(None, description="A stable dotted code, such as core.not_found.")


class FieldErrorOut(Schema):
    type: str = Field(description="What kind of problem, e.g. int_parsing or missing.")
    loc: list[str | int] = Field(description='Where: e.g. ["query", "page"].')
    msg: str
    ctx: dict[str, Any] | None = None


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut] = Field(description="One entry per malformed field.")


def errors(*statuses: int) -> dict[int, Any]:
    """An operation's answers other than its success, by status, for ``response=``.

    A 422 is either a domain refusal (``ErrorOut``) or a request whose fields do not fit the
    schema (ninja's list of problems); every other error is ``ErrorOut``. Every operation may
    answer 429: the whole API is rate limited per address and per account (api.py).
    """
    return {
        status: ErrorOut | ValidationErrorOut if status == 422 else ErrorOut
        for status in sorted({*statuses, 429})
    }


class MoneyOut(Schema):
    amount_minor: int = Field(description="Integer amount in the currency's minor units.")
    currency: str = Field(description="ISO 4217 code.")
    formatted: str = Field(description="The amount formatted for the reader's language.")


class VillageRefOut(Schema):
    slug: str
    name: str


class ShopRefOut(Schema):
    slug: str
    name: str


class CategoryRefOut(Schema):
    slug: str
    name: str = Field(description="The name in the reader's language.")


class VillageOut(Schema):
    slug: str
    name: str
    country: str = Field(description="ISO 3166 country code.")
    country_name: str
    region: str
    district: str
    latitude: float
    longitude: float
    households: int
    description: str
    specialities: list[str]
    attractions: list[str]
    url: str = Field(description="The village's page on the site.")


class VillagePageOut(Schema):
    items: list[VillageOut]
    page: int
    per_page: int
    has_next: bool
    total: int


class ProductOut(Schema):
    id: int
    name: str
    slug: str
    kind: str
    unit: str
    price: MoneyOut
    in_stock: bool
    shop: ShopRefOut
    village: VillageRefOut
    image: str | None = Field(description="A small thumbnail (WebP), if the product has photos.")
    url: str = Field(description="The product's page on the site.")


class ProductDetailOut(ProductOut):
    description: str
    stock: int
    category: CategoryRefOut
    images: list[str] = Field(description="Photos (WebP, 480 pixels wide).")
    certifications: list[str] = Field(
        description="Certification kinds verified by staff (organic, gi, fair_trade)."
    )


class ProductPageOut(Schema):
    items: list[ProductOut]
    page: int
    per_page: int
    has_next: bool
    total: int = Field(description="Exact up to 1000; see total_is_capped.")
    total_is_capped: bool = Field(description="More products matched than total says.")
    query: str = Field(description="The query as searched (cleaned).")
    corrected_query: str = Field(description="Set when a misspelt query was corrected.")


def _printable(value: str) -> str:
    """Refuse control characters and lone surrogates (the database cannot store them)."""
    if _CONTROL.search(value):
        raise ValueError("Remove the control characters.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("Not valid text.") from exc
    return value


class TokenCreateIn(Schema):
    phone: str = Field(max_length=40, description="Phone number, in any usual form.")
    password: str = Field(max_length=256)

    _check_phone = field_validator("phone")(_printable)
    _check_password = field_validator("password")(_printable)


class TokenOut(Schema):
    token: str = Field(description='Send it as "Authorization: Bearer <token>".')
    token_type: str = "bearer"  # noqa: S105 - the scheme's name, not a secret
    expires_at: datetime


class MeOut(Schema):
    id: int
    phone: str
    name: str
    language: str
    currency: str


# -- OpenAPI links: what a client (and schemathesis's stateful phase) can call next ----------------


def link(
    operation_id: str, body: dict[str, Any] | None = None, **parameters: str
) -> dict[str, Any]:
    """One link to the operation ``operation_id`` (ninja's default ids, ``sokoni_api_<module>_
    <function>``), its parameters and body fields taken from the answer by runtime expressions
    such as ``$response.body#/id``."""
    found: dict[str, Any] = {"operationId": operation_id, "parameters": parameters}
    if body is not None:
        found["requestBody"] = body
    return found


def links(*statuses: int, **targets: dict[str, Any]) -> dict[str, Any]:
    """``openapi_extra`` declaring ``targets`` (name: ``link(...)``) on answers ``statuses``."""
    return {"responses": {status: {"links": targets} for status in statuses}}
