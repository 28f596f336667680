"""Parcel pages: couriers and hub staff record what happens to a parcel (typed code, the label's
QR code, their list of parcels); buyers and sellers follow it; sellers print its label and
packing slip.

Every page is for a signed-in person and checks who may see the parcel: a courier sees only
parcels of their carriers and hubs (``shipment_for_scanner``), a buyer or seller only their
own order's; anyone else gets a 404. Recording goes through ``shipment_record``, the one
service every channel uses.
"""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sokoni.accounts.models import User
from sokoni.catalog.forms import apply_domain_error
from sokoni.core.errors import DomainError, NotFound
from sokoni.logistics.forms import ParcelEventForm, ScanCodeForm
from sokoni.logistics.models import Shipment
from sokoni.logistics.selectors import (
    hub_of,
    is_courier,
    shipment_get_for_seller,
    shipment_get_for_tracking,
    shipment_legs,
    shipment_list_for_courier,
    shipment_timeline,
)
from sokoni.logistics.shipments import may_scan, shipment_for_scanner, shipment_record
from sokoni.logistics.states import FINISHED, ShipmentStatus
from sokoni.orders.views.common import page_of, user_of, visible
from sokoni.shipping.promise import promise_label
from sokoni.villages.countries import country_name

QR_SCALE = 4


def parcel_path(code: str) -> str:
    """The address of a parcel's event page as the label's QR code holds it: without a
    language prefix, so the phone that opens it picks its own language."""
    with translation.override(settings.LANGUAGE_CODE):
        return reverse("parcels:parcel", args=[code])


def qr_svg(url: str, *, title: str) -> SafeString:
    """The QR code of ``url`` as inline SVG (medium error correction: labels get scuffed),
    sized by the page's CSS (a viewBox, no width and height). Always a full QR code: phone
    cameras do not read the Micro QR codes segno picks for short texts."""
    svg = segno.make_qr(url, error="m").svg_inline(
        scale=QR_SCALE, svgclass="qr", title=title, omitsize=True
    )
    return mark_safe(svg)  # noqa: S308 - segno's own markup; the title is a parcel code


def _parcel_context(shipment: Shipment) -> dict[str, Any]:
    """What every page about one parcel shows: its order, where it goes, its route."""
    return {
        "shipment": shipment,
        "order": shipment.order,
        "checkout": shipment.order.checkout,
        "country": country_name(shipment.destination_country)
        if shipment.destination_country
        else "",
        "legs": shipment_legs(shipment),
        "weight_kg": shipment.weight_g / 1000,
    }


# -- couriers and hub staff -----------------------------------------------------------------------


def _scannable(user: User, code: str) -> Shipment:
    return visible(lambda: shipment_for_scanner(code, user))


@login_required
@require_http_methods(["GET", "HEAD"])
def scan(request: HttpRequest) -> HttpResponse:
    """Type a parcel's code: a courier goes to its event page, its buyer or seller to its
    tracking page; any other code gets the same error, whether it exists or not."""
    user = user_of(request)
    form = ScanCodeForm(request.GET if "code" in request.GET else None)
    if form.is_valid():
        code = form.cleaned_data["code"]
        try:
            shipment = shipment_for_scanner(code, user)
        except NotFound:
            try:
                shipment = shipment_get_for_tracking(user, code)
            except NotFound:
                form.add_error("code", _("No parcel of yours has that code."))
            else:
                return redirect("parcels:track", code=shipment.code)
        else:
            return redirect(reverse("parcels:parcel", args=[shipment.code]) + "?via=web")
    return render(request, "logistics/scan.html", {"form": form, "courier": is_courier(user)})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def parcel(request: HttpRequest, code: str) -> HttpResponse:
    """A parcel as a courier sees it, with the one form that records what happened to it.

    A double submit is harmless: the service answers a repeat with None (nothing recorded
    twice), and a repeat it refuses (a second 'failed attempt') is recognised here by the
    parcel already being in that status.
    """
    user = user_of(request)
    shipment = _scannable(user, code)
    hub = hub_of(user, shipment)
    via = "web" if request.GET.get("via") == "web" else "qr"
    if request.method == "POST":
        form = ParcelEventForm(request.POST, shipment=shipment, hub=hub)
        if form.is_valid():
            data = form.cleaned_data
            event = data["event"]
            try:
                recorded = shipment_record(
                    shipment=shipment,
                    kind=event,
                    actor=user,
                    via=data["via"],
                    failure=data["failure"],
                    note=data["note"],
                    hub=data["hub"],
                )
            except DomainError as exc:
                if _status_now(shipment) != event:
                    apply_domain_error(form, exc)
                    return _parcel_page(request, shipment, form)
                recorded = None
            label = ShipmentStatus(event).label
            if recorded is None:
                messages.info(request, _("Already recorded: %(event)s.") % {"event": label})
            else:
                messages.success(request, _("Recorded: %(event)s.") % {"event": label})
            # Back to the same page (its language prefix and ?via kept): a reload sends nothing.
            return redirect(request.get_full_path())
    else:
        form = ParcelEventForm(shipment=shipment, hub=hub, initial={"via": via})
    return _parcel_page(request, shipment, form)


def _status_now(shipment: Shipment) -> str:
    return Shipment.objects.values_list("status", flat=True).get(pk=shipment.pk)


def _parcel_page(request: HttpRequest, shipment: Shipment, form: ParcelEventForm) -> HttpResponse:
    shipment.refresh_from_db(fields=["status", "status_changed_at"])
    return render(
        request,
        "logistics/parcel.html",
        {
            **_parcel_context(shipment),
            "events": shipment_timeline(shipment),
            "form": form,
            "can_record": bool(form.offered),
            "offers_failure": form.offers(ShipmentStatus.FAILED_ATTEMPT),
            "offers_hub": form.offers(ShipmentStatus.AT_HUB),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def mine(request: HttpRequest) -> HttpResponse:
    """The courier's parcels still on the way: those of their carriers and of their hubs."""
    user = user_of(request)
    if not is_courier(user):
        raise Http404
    return render(
        request,
        "logistics/mine.html",
        {"page": page_of(request, shipment_list_for_courier(user))},
    )


# -- buyers and sellers ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def track(request: HttpRequest, code: str) -> HttpResponse:
    """Where the parcel is, when it should arrive, and everything that happened to it."""
    user = user_of(request)
    shipment = visible(lambda: shipment_get_for_tracking(user, code))
    order = shipment.order
    on_the_way = shipment.status not in FINISHED and shipment.status != ShipmentStatus.AT_CENTRE
    return render(
        request,
        "logistics/track.html",
        {
            **_parcel_context(shipment),
            "events": shipment_timeline(shipment),
            "promise": promise_label(shipment.promised_from, shipment.promised_to)
            if on_the_way
            else "",
            "is_buyer": order.buyer_id == user.pk,
            "is_seller": order.shop.owner_id == user.pk,
            "can_scan": may_scan(user, shipment),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def label(request: HttpRequest, order_id: int) -> HttpResponse:
    """The parcel's label, A6, print-ready: its code in big letters and as a QR code that
    opens the event page, the addresses, the weight and the carriers of each leg."""
    user = user_of(request)
    shipment = visible(lambda: shipment_get_for_seller(user, order_id))
    url = request.build_absolute_uri(parcel_path(shipment.code))
    return render(
        request,
        "logistics/label.html",
        {**_parcel_context(shipment), "qr": qr_svg(url, title=shipment.code), "scan_url": url},
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def slip(request: HttpRequest, order_id: int) -> HttpResponse:
    """The packing slip that goes in the parcel: what it holds, without prices (the parcel
    may be opened by a recipient who is not the buyer, and it travels through many hands)."""
    user = user_of(request)
    shipment = visible(lambda: shipment_get_for_seller(user, order_id))
    return render(
        request,
        "logistics/slip.html",
        {**_parcel_context(shipment), "lines": list(shipment.order.lines.order_by("pk"))},
    )
