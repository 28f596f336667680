from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from sokoni.accounts.models import User
from sokoni.accounts.phones import normalize_phone


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("phone",)

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"])


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    ordering = ("phone",)
    list_display = ("phone", "name", "language", "currency", "is_staff", "is_active")
    search_fields = ("phone", "name", "email")
    list_filter = ("is_staff", "is_active", "language")
    fieldsets = (
        (None, {"fields": ("phone", "password")}),
        (_("Profile"), {"fields": ("name", "email", "language", "currency")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("phone", "password1", "password2")}),)
