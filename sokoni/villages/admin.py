"""Staff review villages in Django's admin: approve, reject with a reason, suspend.

Status never changes through the change form: the actions call the same services as every
other channel, so the transition table, the conditional update and the audit trail hold.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sokoni.accounts.models import User
from sokoni.core.admin_actions import run_each, run_each_with_reason
from sokoni.core.admin_readonly import ReadOnlyInline
from sokoni.villages import services
from sokoni.villages.models import ServiceCentre, Village, VillageEvent, VillagePhoto


class VillagePhotoInline(admin.TabularInline):
    model = VillagePhoto
    extra = 0
    fields = ("key", "caption", "width", "height", "position")
    readonly_fields = ("key", "width", "height")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VillageEventInline(ReadOnlyInline):
    model = VillageEvent
    fields = ("at", "actor", "action", "from_status", "to_status", "reason", "detail")
    ordering = ("at", "pk")
    verbose_name_plural = gettext_lazy("History")


def _staff(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - the admin site only admits staff users
    return user


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "region", "status", "applicant", "created_at")
    list_filter = ("status", "country", "is_featured")
    search_fields = ("name", "slug", "region", "district", "applicant__phone")
    list_select_related = ("applicant",)
    readonly_fields = (
        "slug", "status", "status_changed_at", "rejection_reason", "applicant", "created_at",
        "updated_at",
    )  # fmt: skip
    raw_id_fields = ("admins",)
    inlines = (VillagePhotoInline, VillageEventInline)
    actions = ("approve", "reject", "suspend")

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Villages come in through the application form (/villages/apply/)."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Villages are suspended, not deleted: their history and orders stay."""
        return False

    def save_model(self, request: HttpRequest, obj: Village, form: ModelForm, change: bool) -> None:
        services.village_save_by_staff(
            village=obj, by=_staff(request), changed=list(form.changed_data)
        )

    @admin.action(description=gettext_lazy("Approve the selected villages"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Village]) -> None:
        by = _staff(request)
        run_each(
            request,
            self,
            queryset,
            lambda village: services.village_approve(village=village, by=by),
        )

    @admin.action(
        description=gettext_lazy("Reject the selected applications (with a reason)"),
        permissions=["change"],
    )
    def reject(self, request: HttpRequest, queryset: QuerySet[Village]) -> HttpResponse | None:
        by = _staff(request)
        return run_each_with_reason(
            request,
            self,
            queryset,
            action="reject",
            title=_("Reject villages"),
            submit=_("Reject"),
            help_text=_("The applicant sees this: say what is missing or wrong."),
            apply=lambda village, reason: services.village_reject(
                village=village, by=by, reason=reason
            ),
        )

    @admin.action(
        description=gettext_lazy("Suspend the selected villages (with a reason)"),
        permissions=["change"],
    )
    def suspend(self, request: HttpRequest, queryset: QuerySet[Village]) -> HttpResponse | None:
        by = _staff(request)
        return run_each_with_reason(
            request,
            self,
            queryset,
            action="suspend",
            title=_("Suspend villages"),
            submit=_("Suspend"),
            help_text=_("The village's administrators see this."),
            apply=lambda village, reason: services.village_suspend(
                village=village, by=by, reason=reason
            ),
        )


@admin.register(ServiceCentre)
class ServiceCentreAdmin(admin.ModelAdmin):
    list_display = ("name", "village", "operator", "hours", "is_active")
    list_filter = ("is_active", "village__country")
    search_fields = ("name", "village__name", "operator__phone")
    list_select_related = ("village", "operator")
    raw_id_fields = ("village", "operator")


@admin.register(VillageEvent)
class VillageEventAdmin(admin.ModelAdmin):
    """The audit trail, read-only."""

    list_display = ("at", "village", "actor", "action", "from_status", "to_status")
    list_filter = ("action", "to_status")
    search_fields = ("village__name", "actor__phone")
    list_select_related = ("village", "actor")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
