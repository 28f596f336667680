"""Forms of the operator area: parse and check what is typed at the counter; the services decide
the rest. Fields are named as the services name them (``phone``, ``quantity``, ``code``...), so
a refusal lands next to its field (``catalog.forms.apply_domain_error``)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from datetime import date
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sokoni.accounts.phones import normalize_phone
from sokoni.catalog.forms import parse_price
from sokoni.core.text import validate_no_control_characters
from sokoni.orders.services.cart import MAX_QUANTITY
from sokoni.payments.states import PaymentMethod
from sokoni.villages.models import ServiceCentre

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
CODE_PATTERN = re.compile(r"^[0-9]{6}$")
BIG = {"class": "big"}


class HiddenDateInput(forms.DateInput):
    """A day carried by a form, always written as 2026-05-14 whatever the language."""

    input_type = "hidden"


def new_form_key() -> str:
    """A fresh token for a checkout form: the same form sent twice makes one checkout."""
    return secrets.token_urlsafe(24)


def _centre_field(centres: Iterable[ServiceCentre]) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Service centre"),
        coerce=int,
        empty_value=None,
        choices=[(c.pk, f"{c.name} ({c.village.name})") for c in centres],
    )


class _CentreForm(forms.Form):
    """A form with a centre choice, shown only to an operator who runs more than one."""

    centre_required = True

    def __init__(self, *args: Any, centres: list[ServiceCentre], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.centres = centres
        if len(centres) > 1:
            self.fields["centre"] = _centre_field(centres)
            self.fields["centre"].required = self.centre_required

    def centre_id(self) -> int:
        return int(self.cleaned_data.get("centre") or self.centres[0].pk)

    def region(self) -> str:
        """The country to read a local phone number in: the chosen (or only) centre's."""
        chosen = self.data.get(self.add_prefix("centre")) if self.is_bound else None
        for centre in self.centres:
            if str(centre.pk) == str(chosen):
                return centre.village.country
        return self.centres[0].village.country


class PhoneLookupForm(_CentreForm):
    """A number to look up; the centre (when several) only says which country to read it in."""

    centre_required = False

    phone = forms.CharField(
        label=_("Villager's phone number"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", **BIG}),
    )

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"], region=self.region())


class VillagerRegisterForm(_CentreForm):
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off", **BIG}),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        required=False,
        validators=[validate_no_control_characters],
        help_text=_("As the villager says it; it is written on their parcels."),
        widget=forms.TextInput(attrs={"autocomplete": "off", **BIG}),
    )
    language = forms.ChoiceField(
        label=_("Language for text messages"),
        choices=settings.LANGUAGES,
        widget=forms.Select(attrs=BIG),
    )

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data["phone"], region=self.region())


class AttachForm(_CentreForm):
    """Send the consent code to the account's phone (the number as looked up)."""

    phone = forms.CharField(max_length=32, widget=forms.HiddenInput)

    def __init__(self, *args: Any, hide_centre: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if hide_centre and "centre" in self.fields:
            self.fields["centre"].widget = forms.HiddenInput()


class AttachConfirmForm(AttachForm):
    """The code the account's owner got by text message and reads out at the counter."""

    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=12,
        help_text=_("The 6 digits the villager got by text message, read out by them."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", **BIG}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not CODE_PATTERN.fullmatch(code):
            raise ValidationError(_("Enter the 6 digits of the code."), code="format")
        return code


class PinResetForm(forms.Form):
    checked = forms.BooleanField(
        label=_("I checked the villager's identity document, and they are here in person."),
        error_messages={"required": _("Check who they are first, then tick this box.")},
    )


class CatalogueSearchForm(forms.Form):
    """Search and browse the whole catalogue for a villager (every field optional)."""

    q = forms.CharField(
        label=_("Search products"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", **BIG}),
    )
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, required=False, empty_value=None, choices=()
    )

    def __init__(self, *args: Any, categories: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["category"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [("", _("All categories")), *categories]


class CartLineForm(forms.Form):
    product_id = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY)


class CartRemoveForm(forms.Form):
    product_id = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)


def _method_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("How does the villager pay?"),
        choices=[
            (PaymentMethod.CASH, _("Cash, here at the centre")),
            (PaymentMethod.MOBILE_MONEY, _("Mobile money on the villager's phone")),
        ],
        widget=forms.RadioSelect,
        initial=PaymentMethod.CASH,
    )


class CheckoutForm(forms.Form):
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    method = _method_field()

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if not KEY_PATTERN.fullmatch(key):
            raise ValidationError(_("This form is out of date: reload the page."), code="key")
        return str(key)


class PayForm(forms.Form):
    method = _method_field()


class CashForm(forms.Form):
    """The cash the operator took: parsed in the checkout's currency."""

    amount = forms.CharField(
        label=_("Cash received"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", **BIG}),
    )

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency

    def clean_amount(self) -> int:
        return parse_price(self.cleaned_data["amount"], self.currency)


class HandOverForm(forms.Form):
    code = forms.CharField(
        label=_("Pickup code"),
        max_length=12,
        help_text=_("The 6 digits the recipient got by text message."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", **BIG}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not CODE_PATTERN.fullmatch(code):
            raise ValidationError(_("Enter the 6 digits of the pickup code."), code="format")
        return code


class DayForm(forms.Form):
    """The day a page shows (default today, in the server's time zone)."""

    day = forms.DateField(
        label=_("Day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )
    currency = forms.ChoiceField(label=_("Currency"), required=False, choices=())

    def __init__(self, *args: Any, currencies: list[str] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"day": timezone.localdate()})
        super().__init__(*args, **kwargs)
        field = self.fields["currency"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        if currencies and len(currencies) > 1:
            field.choices = [(c, c) for c in currencies]
        else:
            del self.fields["currency"]
        self.currencies = currencies or []

    def clean_day(self) -> date:
        day = self.cleaned_data.get("day") or timezone.localdate()
        if day > timezone.localdate():
            raise ValidationError(_("Choose today or a day before."), code="future")
        return day

    def chosen_day(self) -> date:
        if self.is_valid():
            return self.cleaned_data["day"]
        return timezone.localdate()

    def chosen_currency(self) -> str:
        if self.is_valid() and self.cleaned_data.get("currency"):
            return str(self.cleaned_data["currency"])
        return self.currencies[0] if self.currencies else str(settings.DEFAULT_CURRENCY)


class CashCountForm(_CentreForm):
    day = forms.DateField(widget=HiddenDateInput(format="%Y-%m-%d"), input_formats=["%Y-%m-%d"])
    currency = forms.CharField(widget=forms.HiddenInput, max_length=3)
    counted = forms.CharField(
        label=_("Cash counted"),
        max_length=24,
        help_text=_("All the cash taken for Sokoni that day, counted by hand."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", **BIG}),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        validators=[validate_no_control_characters],
        help_text=_("If the count differs, say why."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        currency, text = data.get("currency"), data.get("counted")
        if currency not in settings.CURRENCIES:
            self.add_error(None, _("This form is out of date: reload the page."))
        elif text is not None:
            try:
                data["counted"] = parse_price(text, currency)
            except ValidationError as error:
                self.add_error("counted", error)
        return data
