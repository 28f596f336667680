"""Village application and administration: parse, call a service, render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sokoni.accounts.models import User
from sokoni.core.errors import DomainError, NotFound
from sokoni.villages import selectors, services
from sokoni.villages.forms import (
    ServiceCentreEditForm,
    ServiceCentreForm,
    VillageApplicationForm,
    VillageEditForm,
    VillagePhotosForm,
)
from sokoni.villages.models import ServiceCentre, Village


def form_errors(form: forms.Form, exc: ValidationError | DomainError) -> None:
    """Put a service's refusal next to the field it concerns (or above the form)."""
    if isinstance(exc, DomainError):
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, str(exc.message))
        return
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    form.add_error(None, exc.messages)


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required ran first
        raise Http404
    return user


def _village(request: HttpRequest, slug: str) -> Village:
    try:
        return selectors.village_get_for_admin(slug=slug, user=request.user)
    except NotFound as exc:
        raise Http404 from exc


def _centre(village: Village, pk: int) -> ServiceCentre:
    try:
        return selectors.service_centre_get_for_admin(village=village, centre_id=pk)
    except NotFound as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = VillageApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            village = services.village_apply(applicant=user, **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            form_errors(form, exc)
        else:
            messages.success(
                request,
                _("Thank you! %(name)s is waiting for review; we will tell you the outcome here.")
                % {"name": village.name},
            )
            return redirect("villages:mine")
    return render(request, "villages/apply.html", {"form": form})


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    villages = selectors.village_list_for_applicant(user=_user(request))
    return render(request, "villages/mine.html", {"villages": villages})


def _edit_page(
    request: HttpRequest,
    village: Village,
    form: forms.Form | None = None,
    photos_form: forms.Form | None = None,
) -> HttpResponse:
    if form is None:
        form = VillageEditForm(
            initial={
                "description": village.description,
                "specialities": village.specialities,
                "attractions": village.attractions,
                "contact_name": village.contact_name,
                "contact_phone": village.contact_phone,
            }
        )
    context: dict[str, Any] = {
        "village": village,
        "form": form,
        "photos_form": photos_form or VillagePhotosForm(),
        "photos": selectors.village_photos(village=village),
        "max_photos": services.MAX_PHOTOS,
    }
    return render(request, "villages/edit.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    village = _village(request, slug)
    if request.method == "GET":
        return _edit_page(request, village)
    form = VillageEditForm(request.POST)
    if form.is_valid():
        try:
            services.village_update(village=village, by=_user(request), **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The village page is saved."))
            return redirect("villages:edit", slug=village.slug)
    return _edit_page(request, village, form=form)


@login_required
@require_POST
def photo_add(request: HttpRequest, slug: str) -> HttpResponse:
    village = _village(request, slug)
    form = VillagePhotosForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.village_photo_add(
                village=village,
                by=_user(request),
                photos=form.cleaned_data["photos"],
                caption=form.cleaned_data["caption"],
            )
        except (ValidationError, DomainError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The photos are added."))
            return redirect("villages:edit", slug=village.slug)
    return _edit_page(request, village, photos_form=form)


@login_required
@require_POST
def photo_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    village = _village(request, slug)
    try:
        services.village_photo_remove(village=village, by=_user(request), photo_id=pk)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, _("The photo is removed."))
    return redirect("villages:edit", slug=village.slug)


@login_required
@require_http_methods(["GET", "POST"])
def centres(request: HttpRequest, slug: str) -> HttpResponse:
    village = _village(request, slug)
    form = ServiceCentreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            centre = services.service_centre_create(
                village=village, by=_user(request), **form.cleaned_data
            )
        except (ValidationError, DomainError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is open.") % {"name": centre.name})
            return redirect("villages:centres", slug=village.slug)
    return render(
        request,
        "villages/centres.html",
        {
            "village": village,
            "centres": selectors.service_centre_list_for_admin(village=village),
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def centre_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    village = _village(request, slug)
    centre = _centre(village, pk)
    form = ServiceCentreEditForm(
        request.POST or None,
        initial={
            "name": centre.name,
            "address": centre.address,
            "hours": centre.hours,
            "phone": centre.phone,
            "operator_phone": centre.operator.phone if centre.operator else "",
            "latitude": centre.latitude,
            "longitude": centre.longitude,
            "is_active": centre.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.service_centre_update(centre=centre, by=_user(request), **form.cleaned_data)
        except (ValidationError, DomainError) as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is saved.") % {"name": centre.name})
            return redirect("villages:centres", slug=village.slug)
    return render(
        request, "villages/centre_edit.html", {"village": village, "centre": centre, "form": form}
    )


@login_required
@require_POST
def centre_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    village = _village(request, slug)
    centre = _centre(village, pk)
    services.service_centre_close(centre=centre, by=_user(request))
    messages.success(request, _("%(name)s is closed.") % {"name": centre.name})
    return redirect("villages:centres", slug=village.slug)
