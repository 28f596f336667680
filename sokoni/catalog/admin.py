"""Staff tools: approve shops, verify certifications, look after the category tree.

Every status change goes through the catalogue services, so the admin cannot skip a rule or
the audit trail. Refusals ask for a reason on an intermediate page; the seller reads it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sokoni.catalog import services
from sokoni.catalog.models import (
    Category,
    Certification,
    Product,
    ProductImage,
    Shop,
    ShopEvent,
)
from sokoni.core.admin_actions import run_each, run_each_with_reason
from sokoni.core.admin_readonly import ReadOnlyInline
from sokoni.core.money import format_money


class ShopEventInline(ReadOnlyInline):
    model = ShopEvent
    fields = ("at", "actor", "from_status", "to_status", "reason")
    ordering = ("at", "pk")


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ("name", "village", "owner", "currency", "status", "created_at")
    list_filter = ("status", "currency", "village__country")
    search_fields = ("name", "slug", "owner__phone", "owner__name", "village__name")
    list_select_related = ("village", "owner")
    fields = (
        "name",
        "slug",
        "description",
        "village",
        "owner",
        "currency",
        "status",
        "status_changed_at",
        "rejection_reason",
        "created_at",
    )
    readonly_fields = (
        "slug",
        "village",
        "owner",
        "currency",
        "status",
        "status_changed_at",
        "rejection_reason",
        "created_at",
    )
    inlines = (ShopEventInline,)
    actions = ("approve", "reject", "suspend")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # sellers open shops from the seller area

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # reject or suspend instead: the history stays

    def save_model(self, request: HttpRequest, obj: Shop, form: ModelForm, change: bool) -> None:
        original = Shop.objects.get(pk=obj.pk)
        services.shop_update(shop=original, name=obj.name, description=obj.description)

    @admin.action(description=gettext_lazy("Approve the selected shops"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Shop]) -> None:
        run_each(
            request, self, queryset, lambda s: services.shop_approve(shop=s, actor=request.user)
        )

    @admin.action(description=gettext_lazy("Reject the selected shops (give a reason)"))
    def reject(self, request: HttpRequest, queryset: QuerySet[Shop]) -> HttpResponse | None:
        return run_each_with_reason(
            request,
            self,
            queryset,
            action="reject",
            title=_("Reject shops"),
            submit=_("Reject"),
            help_text=_("The seller will read this."),
            apply=lambda s, reason: services.shop_reject(shop=s, actor=request.user, reason=reason),
        )

    @admin.action(description=gettext_lazy("Suspend the selected shops (give a reason)"))
    def suspend(self, request: HttpRequest, queryset: QuerySet[Shop]) -> HttpResponse | None:
        return run_each_with_reason(
            request,
            self,
            queryset,
            action="suspend",
            title=_("Suspend shops"),
            submit=_("Suspend"),
            help_text=_("The seller will read this."),
            apply=lambda s, reason: services.shop_suspend(
                shop=s, actor=request.user, reason=reason
            ),
        )


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0
    fields = ("key", "alt", "width", "height", "position")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0
    can_delete = False
    fields = ("kind", "issuer", "reference", "status", "reviewed_by", "reviewed_at", "note")
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("name", "shop", "village", "category", "price", "stock", "is_published")
    list_filter = ("is_published", "kind", "shop__status", "village__country", "category")
    search_fields = ("name", "shop__name", "village__name")
    list_select_related = ("shop", "village", "category")
    fields = (
        "name",
        "slug",
        "shop",
        "village",
        "category",
        "kind",
        "description",
        "price_minor",
        "currency",
        "unit",
        "stock",
        "is_published",
        "published_at",
        "created_at",
    )
    readonly_fields = fields
    inlines = (ProductImageInline, CertificationInline)
    actions = ("unpublish",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # sellers add products from the seller area

    @admin.display(description=gettext_lazy("price"), ordering="price_minor")
    def price(self, obj: Product) -> str:
        return format_money(obj.price_minor, obj.currency)

    @admin.action(description=gettext_lazy("Unpublish the selected products"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Product]) -> None:
        run_each(request, self, queryset, lambda p: services.product_unpublish(product=p))


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "parent", "icon", "position")
    list_filter = (("parent", admin.EmptyFieldListFilter),)
    search_fields = ("name", "slug")
    list_select_related = ("parent",)
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)

    def save_model(
        self, request: HttpRequest, obj: Category, form: ModelForm, change: bool
    ) -> None:
        super().save_model(request, obj, form, change)
        if change and {"name", "names", "parent"} & set(form.changed_data):
            services.category_changed(category=obj)


@admin.register(Certification)
class CertificationAdmin(admin.ModelAdmin):
    list_display = (
        "product",
        "kind",
        "issuer",
        "reference",
        "status",
        "reviewed_by",
        "reviewed_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("product__name", "product__shop__name", "issuer", "reference")
    list_select_related = ("product", "reviewed_by")
    fields = (
        "product",
        "kind",
        "issuer",
        "reference",
        "status",
        "reviewed_by",
        "reviewed_at",
        "note",
        "created_at",
    )
    readonly_fields = fields
    actions = ("verify", "reject")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # sellers claim; staff verify or reject

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("Verify the selected certifications"))
    def verify(self, request: HttpRequest, queryset: QuerySet[Certification]) -> None:
        run_each(
            request,
            self,
            queryset,
            lambda c: services.certification_verify(certification=c, actor=request.user),
        )

    @admin.action(description=gettext_lazy("Reject the selected certifications (give a reason)"))
    def reject(
        self, request: HttpRequest, queryset: QuerySet[Certification]
    ) -> HttpResponse | None:
        return run_each_with_reason(
            request,
            self,
            queryset,
            action="reject",
            title=_("Reject certifications"),
            submit=_("Reject"),
            help_text=_("The seller will read this."),
            apply=lambda c, reason: services.certification_reject(
                certification=c, actor=request.user, note=reason
            ),
        )
