"""The seller area: open a shop, list and edit its products. Parse -> service -> render.

Every view that names a shop or product first asks the owner selector, which answers 404 to
anyone but the owner or staff, before looking at the method or the input.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sokoni.catalog import selectors, services
from sokoni.catalog.forms import (
    CertificationForm,
    ProductForm,
    ShopEditForm,
    ShopOpenForm,
    apply_domain_error,
)
from sokoni.catalog.models import Category, Product, Shop
from sokoni.catalog.states import ShopStatus
from sokoni.core.errors import DomainError, NotFound
from sokoni.core.money import Money
from sokoni.core.text import parse_positive_int


def _shop(request: HttpRequest, slug: str) -> Shop:
    try:
        return selectors.shop_get_for_owner(slug=slug, user=request.user)
    except NotFound as exc:
        raise Http404 from exc


def _product(request: HttpRequest, pk: int) -> Product:
    try:
        return selectors.product_get_for_owner(pk=pk, user=request.user)
    except NotFound as exc:
        raise Http404 from exc


def _manage_url(product: Product) -> str:
    return reverse("catalog:product_edit", args=[product.pk])


@login_required
@require_http_methods(["GET", "HEAD"])
def seller_home(request: HttpRequest) -> HttpResponse:
    shops = list(selectors.shop_list_for_owner(request.user))
    return render(request, "catalog/seller_home.html", {"shops": shops})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def shop_new(request: HttpRequest) -> HttpResponse:
    form = ShopOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            shop = services.shop_open(
                owner=request.user,
                village=form.cleaned_data["village"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                currency=form.cleaned_data["currency"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(
                request, _("Your shop is open for preparation. Staff will review it soon.")
            )
            return redirect("catalog:shop_manage", slug=shop.slug)
    return render(request, "catalog/shop_form.html", {"form": form, "shop": None})


@login_required
@require_http_methods(["GET", "HEAD"])
def shop_manage(request: HttpRequest, slug: str) -> HttpResponse:
    shop = _shop(request, slug)
    page = Paginator(selectors.product_list_for_shop(shop), 50).get_page(
        parse_positive_int(request.GET.get("page"), 1)
    )
    return render(
        request,
        "catalog/shop_manage.html",
        {"shop": shop, "page": page, "can_publish": shop.status == ShopStatus.APPROVED},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def shop_edit(request: HttpRequest, slug: str) -> HttpResponse:
    shop = _shop(request, slug)
    form = ShopEditForm(
        request.POST or None,
        currency=shop.currency,
        initial={
            "name": shop.name,
            "description": shop.description,
            "free_shipping_over": Money(shop.free_shipping_over_minor, shop.currency).to_decimal()
            if shop.free_shipping_over_minor is not None
            else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.shop_update(
                shop=shop,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                free_shipping_over_minor=form.cleaned_data["free_shipping_over"],
            )
        except DomainError as exc:
            apply_domain_error(form, exc)
        else:
            messages.success(request, _("The shop is saved."))
            return redirect("catalog:shop_manage", slug=shop.slug)
    return render(request, "catalog/shop_form.html", {"form": form, "shop": shop})


def _category(pk: int) -> Category:
    category = Category.objects.filter(pk=pk).first()
    if category is None:
        raise Http404
    return category


def _product_values(form: ProductForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "kind": data["kind"],
        "name": data["name"],
        "description": data["description"],
        "price_minor": data["price"],
        "stock": data["stock"],
        "unit": data["unit"],
        "photos": data["photos"],
        "photo_alt": data["photo_alt"],
        "weight_g": data["weight_g"],
        "length_cm": data["length_cm"],
        "width_cm": data["width_cm"],
        "height_cm": data["height_cm"],
        "hs_code": data["hs_code"],
        "origin_country": data["origin_country"],
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def product_new(request: HttpRequest, slug: str) -> HttpResponse:
    shop = _shop(request, slug)
    form = ProductForm(request.POST or None, request.FILES or None, currency=shop.currency)
    if request.method == "POST" and form.is_valid():
        category = Category.objects.filter(pk=form.cleaned_data["category"]).first()
        if category is None:
            form.add_error("category", _("Choose a category from the list."))
        else:
            try:
                product = services.product_create(
                    shop=shop, category=category, **_product_values(form)
                )
            except DomainError as exc:
                apply_domain_error(form, exc)
            else:
                messages.success(request, _("The product is saved. Publish it when it is ready."))
                return HttpResponseRedirect(_manage_url(product))
    return render(
        request, "catalog/product_form.html", {"form": form, "shop": shop, "product": None}
    )


def _edit_page(
    request: HttpRequest,
    product: Product,
    form: ProductForm | None = None,
    claim_form: CertificationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if form is None:
        form = ProductForm(
            initial={
                "kind": product.kind,
                "name": product.name,
                "description": product.description,
                "category": product.category_id,
                "price": str(Money(product.price_minor, product.currency).to_decimal()),
                "unit": product.unit,
                "stock": product.stock,
                "weight_g": product.weight_g,
                "length_cm": product.length_cm,
                "width_cm": product.width_cm,
                "height_cm": product.height_cm,
                "hs_code": product.hs_code,
                "origin_country": product.origin_country,
            },
            currency=product.currency,
        )
    return render(
        request,
        "catalog/product_form.html",
        {
            "form": form,
            "claim_form": claim_form or CertificationForm(),
            "shop": product.shop,
            "product": product,
            "images": list(product.images.all()),
            "certifications": list(product.certifications.all()),
            "can_publish": product.shop.status == ShopStatus.APPROVED,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk)
    if request.method != "POST":
        return _edit_page(request, product)
    form = ProductForm(request.POST, request.FILES, currency=product.currency)
    if form.is_valid():
        category = Category.objects.filter(pk=form.cleaned_data["category"]).first()
        if category is None:
            form.add_error("category", _("Choose a category from the list."))
        else:
            try:
                services.product_update(product=product, category=category, **_product_values(form))
            except DomainError as exc:
                apply_domain_error(form, exc)
                product = _product(request, pk)  # drop the refused values
            else:
                messages.success(request, _("The product is saved."))
                return HttpResponseRedirect(_manage_url(product))
    return _edit_page(request, product, form=form)


def _post_only(request: HttpRequest) -> HttpResponse | None:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


@login_required
def product_publish(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk)
    if refused := _post_only(request):
        return refused
    try:
        services.product_publish(product=product)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The product is on sale."))
    return HttpResponseRedirect(_manage_url(product))


@login_required
def product_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk)
    if refused := _post_only(request):
        return refused
    services.product_unpublish(product=product)
    messages.success(request, _("The product is no longer on sale."))
    return HttpResponseRedirect(_manage_url(product))


@login_required
def photo_delete(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    product = _product(request, pk)
    if refused := _post_only(request):
        return refused
    try:
        services.product_photo_remove(product=product, image_id=image_pk)
    except NotFound as exc:
        raise Http404 from exc
    messages.success(request, _("The photo is deleted."))
    return HttpResponseRedirect(_manage_url(product))


@login_required
def certification_add(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk)
    if refused := _post_only(request):
        return refused
    claim_form = CertificationForm(request.POST)
    if claim_form.is_valid():
        try:
            services.certification_claim(
                product=product,
                kind=claim_form.cleaned_data["kind"],
                issuer=claim_form.cleaned_data["issuer"],
                reference=claim_form.cleaned_data["reference"],
            )
        except DomainError as exc:
            apply_domain_error(claim_form, exc)
        else:
            messages.success(
                request, _("The certification is claimed. Buyers see it once staff verify it.")
            )
            return HttpResponseRedirect(_manage_url(product))
    return _edit_page(request, _product(request, pk), claim_form=claim_form)
