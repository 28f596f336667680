"""Staff review villages in Django's admin: approve, reject with a reason, suspend.

Status never changes through the change form: the actions call the same services as every
other channel, so the transition table, the conditional update and the audit trail hold.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sokoni.accounts.models import User
from sokoni.core.errors import DomainError
from sokoni.villages import services
from sokoni.villages.forms import RejectForm
from sokoni.villages.models import ServiceCentre, Village, VillageEvent, VillagePhoto


class VillagePhotoInline(admin.TabularInline):
    model = VillagePhoto
    extra = 0
    fields = ("key", "caption", "width", "height", "position")
    readonly_fields = ("key", "width", "height")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class VillageEventInline(admin.TabularInline):
    model = VillageEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor", "action", "from_status", "to_status", "reason", "detail")
    readonly_fields = fields
    ordering = ("at", "pk")
    verbose_name_plural = gettext_lazy("History")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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

    def _each(
        self,
        request: HttpRequest,
        queryset: QuerySet[Village],
        act: Callable[[Village], object],
        done: str,
    ) -> None:
        moved: list[str] = []
        for village in queryset.order_by("pk"):
            try:
                act(village)
            except (DomainError, ValidationError) as exc:
                text = exc.message if isinstance(exc, DomainError) else "; ".join(exc.messages)
                self.message_user(request, f"{village.name}: {text}", messages.WARNING)
            else:
                moved.append(village.name)
        if moved:
            self.message_user(request, f"{done}: {', '.join(moved)}", messages.SUCCESS)

    @admin.action(description=gettext_lazy("Approve the selected villages"), permissions=["change"])
    def approve(self, request: HttpRequest, queryset: QuerySet[Village]) -> None:
        by = _staff(request)
        self._each(
            request,
            queryset,
            lambda village: services.village_approve(village=village, by=by),
            _("Approved"),
        )

    @admin.action(
        description=gettext_lazy("Reject the selected applications (with a reason)"),
        permissions=["change"],
    )
    def reject(self, request: HttpRequest, queryset: QuerySet[Village]) -> HttpResponse | None:
        by = _staff(request)
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            self._each(
                request,
                queryset,
                lambda village: services.village_reject(village=village, by=by, reason=reason),
                _("Rejected"),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Reject villages"),
            "opts": self.model._meta,
            "queryset": queryset,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "villages/admin_reject.html", context)

    @admin.action(description=gettext_lazy("Suspend the selected villages"), permissions=["change"])
    def suspend(self, request: HttpRequest, queryset: QuerySet[Village]) -> None:
        by = _staff(request)
        self._each(
            request,
            queryset,
            lambda village: services.village_suspend(village=village, by=by),
            _("Suspended"),
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
