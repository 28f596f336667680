"""Exports: the seller's customs page and printable commercial invoice, and the international
courier's webhook.

The courier's ``POST /logistics/courier/<gateway>/events/`` answers JSON: 200 for an event
handled, already handled, or ignored (late, out of order, a move the parcel cannot make);
401 for a missing or wrong signature; 400 for a stale timestamp or a body that is not an
event; 404 for an unknown gateway or tracking number; 413 for a body too large.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from sokoni.core.errors import DomainError, NotFound
from sokoni.core.security import log_refusal, webhook_body
from sokoni.logistics.courier import (
    courier_book_request,
    courier_webhook_receive,
    customs_for,
    export_get_for_user,
    line_problems,
)
from sokoni.logistics.gateways import gateway_get
from sokoni.logistics.gateways.base import CourierSignatureInvalid
from sokoni.logistics.states import FINISHED
from sokoni.orders.models import Order
from sokoni.orders.views.common import user_of, visible
from sokoni.villages.countries import country_name

MAX_BODY = 64 * 1024


def _order(request: HttpRequest, order_id: int) -> Order:
    user = user_of(request)
    return visible(lambda: export_get_for_user(user, order_id))


def _context(order: Order) -> dict[str, object]:
    customs = customs_for(order)
    rows = []
    for line in customs.lines:
        problems = line_problems(line)
        # A missing HS code is flagged in its own column; the others next to the goods.
        rows.append((line, problems, problems[1:] if not line.hs_code else problems))
    return {
        "order": order,
        "shipment": order.shipment,
        "customs": customs,
        "rows": rows,
        "has_problems": any(problems for _line, problems, _others in rows),
        "exporter_country": country_name(customs.exporter.country),
        "consignee_country": country_name(customs.consignee.country),
    }


@login_required
@require_http_methods(["GET", "HEAD"])
def invoice(request: HttpRequest, order_id: int) -> HttpResponse:
    """The commercial invoice of an export order, to print and put in the parcel's pouch."""
    order = _order(request, order_id)
    return render(request, "logistics/invoice.html", _context(order))


@login_required
@require_http_methods(["GET", "HEAD"])
def customs(request: HttpRequest, order_id: int) -> HttpResponse:
    """What customs will read about an export, what is missing, and the courier's booking."""
    order = _order(request, order_id)
    context = _context(order)
    shipment = order.shipment
    context["is_owner"] = order.shop.owner_id == request.user.pk
    context["can_book"] = (
        not shipment.courier_tracking
        and shipment.status not in FINISHED
        and not context["has_problems"]
    )
    product_ids = {line.product_id: line.name for line in order.lines.all()}
    context["products"] = sorted(product_ids.items(), key=lambda item: item[1])
    return render(request, "logistics/customs.html", context)


@login_required
@require_POST
def book(request: HttpRequest, order_id: int) -> HttpResponse:
    """Ask the courier again to book an export whose customs data the seller has fixed."""
    order = _order(request, order_id)
    try:
        courier_book_request(order=order)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The courier is being asked to book the parcel."))
    return redirect("exports:customs", order_id=order.pk)


# -- the courier's webhook -------------------------------------------------------------------


def _status(error: DomainError) -> int:
    if isinstance(error, NotFound):
        return 404
    if isinstance(error, CourierSignatureInvalid):
        return 401
    return 400


@csrf_exempt  # couriers sign their webhooks instead
@require_POST
def events(request: HttpRequest, gateway: str) -> JsonResponse:
    body = webhook_body(request, MAX_BODY, "logistics")
    if isinstance(body, JsonResponse):
        return body
    try:
        courier = gateway_get(gateway)
        outcome = courier_webhook_receive(
            gateway=courier.code,
            signature=request.headers.get(courier.signature_header),
            body=body,
        )
    except DomainError as error:
        log_refusal(request, error.code, _status(error))
        return JsonResponse(
            {"detail": str(error.message), "code": error.code}, status=_status(error)
        )
    return JsonResponse({"status": outcome})
