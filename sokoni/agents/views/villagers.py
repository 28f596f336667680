"""Villagers at the counter: look one up by phone, register one, make the centre the home of an
existing account (with its owner's consent: a code texted to them), reset a forgotten PIN.

The operator never sets or sees a PIN: the villager sets it by dialling the USSD code.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from sokoni.accounts.errors import PhoneTaken
from sokoni.accounts.phones import display_phone
from sokoni.agents import selectors, services
from sokoni.agents.errors import AttachCodeWrong
from sokoni.agents.forms import (
    AttachConfirmForm,
    AttachForm,
    PhoneLookupForm,
    PinResetForm,
    VillagerRegisterForm,
)
from sokoni.agents.selectors import Desk
from sokoni.agents.views.common import operator_page, visible
from sokoni.catalog.forms import apply_domain_error
from sokoni.core.errors import DomainError
from sokoni.orders.views.common import page_of


def _register_form(desk: Desk, phone: str = "") -> VillagerRegisterForm:
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    return VillagerRegisterForm(
        centres=desk.centres, initial={"phone": phone, "language": language}
    )


@require_http_methods(["GET", "HEAD"])
@operator_page
def villager_find(request: HttpRequest, desk: Desk) -> HttpResponse:
    """Look a phone number up: the operator's villager opens; anyone else is explained."""
    form = PhoneLookupForm(request.GET if "phone" in request.GET else None, centres=desk.centres)
    lookup = None
    register = None
    if form.is_bound and form.is_valid():
        lookup = selectors.villager_lookup(desk, form.cleaned_data["phone"])
        if lookup.resident is not None:
            return redirect("agents:villager_detail", pk=lookup.resident.user_id)
        if lookup.user is None:
            register = _register_form(desk, lookup.phone)
    return render(
        request,
        "agents/villager_find.html",
        {
            "desk": desk,
            "form": form,
            "lookup": lookup,
            "register": register,
            "attach": AttachForm(centres=desk.centres, initial={"phone": lookup.phone})
            if lookup is not None and lookup.may_attach
            else None,
            "villagers": page_of(request, selectors.villagers_list(desk)),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@operator_page
def villager_register(request: HttpRequest, desk: Desk) -> HttpResponse:
    if request.method != "POST":
        form = _register_form(desk, request.GET.get("phone", "")[:32])
    else:
        form = VillagerRegisterForm(request.POST, centres=desk.centres)
        if form.is_valid():
            data = form.cleaned_data
            try:
                resident = services.villager_register_at_centre(
                    operator=desk.operator,
                    centre_id=form.centre_id(),
                    phone=data["phone"],
                    name=data["name"],
                    language=data["language"],
                )
            except PhoneTaken:
                form.add_error(
                    "phone",
                    _("This number already has an account: look it up instead."),
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _(
                        "Registered. Ask the villager to dial %(code)s on this phone to set "
                        "their PIN."
                    )
                    % {"code": settings.USSD_CODE},
                )
                return redirect("agents:villager_detail", pk=resident.user_id)
    return render(request, "agents/villager_register.html", {"desk": desk, "form": form})


def _confirm_url(phone: str, centre_id: int) -> str:
    query = urlencode({"phone": phone, "centre": str(centre_id)})
    return f"{reverse('agents:villager_attach_confirm')}?{query}"


@require_POST
@operator_page
def villager_attach(request: HttpRequest, desk: Desk) -> HttpResponse:
    """Text the account's owner a code that lets this centre become their home (sent again,
    a new code replaces the old one); the operator types it on the next page."""
    form = AttachForm(request.POST, centres=desk.centres)
    if not form.is_valid():
        messages.error(request, _("Look the number up again."))
        return redirect("agents:villager_find")
    try:
        asked = services.villager_attach_request(
            operator=desk.operator, centre_id=form.centre_id(), phone=form.cleaned_data["phone"]
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("agents:villager_find")
    messages.success(
        request,
        _(
            "A code went by text message to %(phone)s. Ask the account's owner to read it to "
            "you only if they agree to make this their service centre."
        )
        % {"phone": display_phone(asked.villager.phone)},
    )
    return redirect(_confirm_url(asked.villager.phone, asked.centre_id))


def _code_error(exc: DomainError) -> str:
    if isinstance(exc, AttachCodeWrong):
        left = int(exc.context.get("tries_left", 0))
        return ngettext(
            "Wrong code. %(count)s try left before the code stops working.",
            "Wrong code. %(count)s tries left before the code stops working.",
            left,
        ) % {"count": left}
    return str(exc.message)


@require_http_methods(["GET", "HEAD", "POST"])
@operator_page
def villager_attach_confirm(request: HttpRequest, desk: Desk) -> HttpResponse:
    """Type the code the account's owner read out: only then is the centre their home."""
    posted = request.method == "POST"
    start = AttachForm(request.POST if posted else request.GET, centres=desk.centres)
    if not start.is_valid():
        messages.error(request, _("Look the number up again."))
        return redirect("agents:villager_find")
    phone, centre_id = start.cleaned_data["phone"], start.centre_id()
    form = AttachConfirmForm(
        request.POST if posted else None,
        centres=desk.centres,
        hide_centre=True,
        initial={"phone": phone, "centre": centre_id},
    )
    if posted and form.is_valid():
        try:
            resident = services.villager_attach_confirm(
                operator=desk.operator,
                centre_id=centre_id,
                phone=phone,
                code=form.cleaned_data["code"],
            )
        except DomainError as exc:
            if exc.field == "code":
                form.add_error("code", _code_error(exc))
            else:
                apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s now belongs to %(centre)s.")
                % {
                    "name": resident.user.name or display_phone(resident.user.phone),
                    "centre": resident.centre.name,
                },
            )
            return redirect("agents:villager_detail", pk=resident.user_id)
    pending = selectors.attach_request_pending(desk, centre_id, phone)
    if pending is None and not posted:
        messages.error(
            request, _("No code is waiting for this number: look it up and send a code.")
        )
        return redirect("agents:villager_find")
    return render(
        request,
        "agents/villager_attach_confirm.html",
        {
            "desk": desk,
            "phone": phone,
            "pending": pending,
            "form": form,
            "resend": AttachForm(
                centres=desk.centres,
                hide_centre=True,
                initial={"phone": phone, "centre": centre_id},
            ),
            "code_minutes": settings.ATTACH_CODE_MINUTES,
        },
    )


@require_http_methods(["GET", "HEAD"])
@operator_page
def villager_detail(request: HttpRequest, desk: Desk, pk: int) -> HttpResponse:
    resident = visible(lambda: selectors.villager_get(desk, pk))
    return render(
        request,
        "agents/villager_detail.html",
        {
            "desk": desk,
            "resident": resident,
            "villager": resident.user,
            "has_pin": selectors.villager_has_pin(resident),
            "ussd_code": settings.USSD_CODE,
            "orders": selectors.assisted_orders_of(desk, resident.user),
            "cart_lines": len(services.assisted_cart(request.session, resident.user.pk)),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@operator_page
def villager_pin_reset(request: HttpRequest, desk: Desk, pk: int) -> HttpResponse:
    """Ask for confirmation, then forget the villager's PIN."""
    resident = visible(lambda: selectors.villager_get(desk, pk))
    form = PinResetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.villager_pin_reset(operator=desk.operator, villager_id=resident.user.pk)
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("The PIN is reset. The villager sets a new one by dialling %(code)s.")
                % {"code": settings.USSD_CODE},
            )
            return redirect("agents:villager_detail", pk=resident.user_id)
    return render(
        request,
        "agents/villager_pin_reset.html",
        {
            "desk": desk,
            "resident": resident,
            "villager": resident.user,
            "has_pin": selectors.villager_has_pin(resident),
            "ussd_code": settings.USSD_CODE,
            "form": form,
        },
    )
