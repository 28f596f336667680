"""Parcels at the centre: check in what arrives (the recipient gets a code by SMS), hand over
against the code (the buyer's receipt: the escrow is released), send a new code."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from sokoni.accounts.phones import display_phone
from sokoni.agents import selectors, services
from sokoni.agents.forms import HandOverForm
from sokoni.agents.selectors import Desk
from sokoni.agents.views.common import operator_page, visible
from sokoni.core.errors import DomainError
from sokoni.logistics.errors import CodeLocked, CodeWrong
from sokoni.logistics.states import PickupStatus


@require_http_methods(["GET", "HEAD"])
@operator_page
def parcels_expected(request: HttpRequest, desk: Desk) -> HttpResponse:
    return render(
        request,
        "agents/parcels_expected.html",
        {"desk": desk, "orders": list(selectors.parcels_expected(desk))},
    )


@require_POST
@operator_page
def parcel_check_in(request: HttpRequest, desk: Desk, pk: int) -> HttpResponse:
    parcel = visible(lambda: selectors.parcel_get(desk, pk))
    try:
        pickup = services.parcel_check_in(operator=desk.operator, order_id=parcel.order.pk)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("agents:parcels_expected")
    messages.success(
        request,
        _("Parcel %(number)s checked in. The pickup code went by text message to %(phone)s.")
        % {
            "number": parcel.order.number,
            "phone": display_phone(parcel.order.checkout.recipient_phone),
        },
    )
    return redirect("agents:parcel_detail", pk=pickup.order_id)


@require_http_methods(["GET", "HEAD"])
@operator_page
def parcels_waiting(request: HttpRequest, desk: Desk) -> HttpResponse:
    return render(
        request,
        "agents/parcels_waiting.html",
        {"desk": desk, "parcels": selectors.parcels_waiting_rows(desk)},
    )


def _code_error(exc: DomainError) -> str:
    if isinstance(exc, CodeWrong):
        left = int(exc.context.get("tries_left", 0))
        return ngettext(
            "Wrong pickup code. %(count)s try left before the parcel is locked for an hour.",
            "Wrong pickup code. %(count)s tries left before the parcel is locked for an hour.",
            left,
        ) % {"count": left}
    if isinstance(exc, CodeLocked):
        until = exc.context.get("until")
        if until is not None:
            return _(
                "Too many wrong codes: this parcel is locked until %(time)s. Ask the recipient "
                "to check the text message, or send a new code after that."
            ) % {"time": formats.time_format(timezone.localtime(until), "TIME_FORMAT")}
    return str(exc.message)


@require_http_methods(["GET", "HEAD", "POST"])
@operator_page
def parcel_detail(request: HttpRequest, desk: Desk, pk: int) -> HttpResponse:
    """A parcel for pickup at the centre; a POST hands it over against its code."""
    parcel = visible(lambda: selectors.parcel_get(desk, pk))
    form = HandOverForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.parcel_hand_over(
                operator=desk.operator, order_id=parcel.order.pk, code=form.cleaned_data["code"]
            )
        except DomainError as exc:
            form.add_error("code", _code_error(exc))
            parcel = selectors.parcel_get(desk, pk)  # the tries left changed
        else:
            messages.success(
                request,
                _("Parcel %(number)s handed over. The seller is paid.")
                % {"number": parcel.order.number},
            )
            return redirect("agents:parcels_waiting")
    pickup = parcel.pickup
    now = timezone.now()
    return render(
        request,
        "agents/parcel_detail.html",
        {
            "desk": desk,
            "order": parcel.order,
            "checkout": parcel.order.checkout,
            "pickup": pickup,
            "waiting": pickup is not None and pickup.status == PickupStatus.WAITING,
            "locked": pickup is not None
            and pickup.locked_until is not None
            and pickup.locked_until > now,
            "days_left": selectors.days_left(pickup, now) if pickup is not None else None,
            "form": form,
        },
    )


@require_POST
@operator_page
def parcel_resend(request: HttpRequest, desk: Desk, pk: int) -> HttpResponse:
    parcel = visible(lambda: selectors.parcel_get(desk, pk))
    try:
        services.parcel_resend_code(operator=desk.operator, order_id=parcel.order.pk)
    except CodeLocked:
        messages.error(
            request, _("No more new codes can be sent for this parcel. Call Sokoni support.")
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("A new pickup code went by text message to %(phone)s. The old code no longer works.")
            % {"phone": display_phone(parcel.order.checkout.recipient_phone)},
        )
    return redirect("agents:parcel_detail", pk=parcel.order.pk)
