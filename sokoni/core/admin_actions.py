"""Admin actions that call a service on each selected object, optionally asking for a reason.

Staff decisions (approve, reject, suspend, verify) go through the same services as every
other channel; a refusal for one object is reported next to its name and the others proceed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sokoni.core.errors import DomainError
from sokoni.core.text import validate_no_control_characters

REASON_MAX_LENGTH = 2000


class ReasonForm(forms.Form):
    """The reason staff give when refusing or suspending; the applicant or seller reads it."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea,
        validators=[validate_no_control_characters],
    )


def run_each(
    request: HttpRequest,
    modeladmin: admin.ModelAdmin,
    queryset: QuerySet[Any],
    apply: Callable[[Any], object],
) -> None:
    """Apply a service to each selected object; report successes and refusals separately."""
    done = 0
    for obj in queryset.order_by("pk"):
        try:
            apply(obj)
        except (DomainError, ValidationError) as exc:
            text = exc.message if isinstance(exc, DomainError) else "; ".join(exc.messages)
            modeladmin.message_user(request, f"{obj}: {text}", messages.ERROR)
        else:
            done += 1
    if done:
        modeladmin.message_user(
            request, _("%(count)s changed.") % {"count": done}, messages.SUCCESS
        )


def run_each_with_reason(
    request: HttpRequest,
    modeladmin: admin.ModelAdmin,
    queryset: QuerySet[Any],
    *,
    action: str,
    title: str,
    submit: str,
    help_text: str = "",
    apply: Callable[[Any, str], object],
) -> HttpResponse | None:
    """Ask for a reason on an intermediate page, then apply the service with it to each object."""
    form = ReasonForm(request.POST if request.POST.get("apply") else None)
    if form.is_bound and form.is_valid():
        reason = form.cleaned_data["reason"]
        run_each(request, modeladmin, queryset, lambda obj: apply(obj, reason))
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": _("Give the reason for:"),
        "help": help_text,
        "submit": submit,
        "objects": list(queryset),
        "form": form,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, "core/admin/reason.html", context)
