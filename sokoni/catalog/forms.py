"""Seller forms: parse and validate input at the edge; the services decide the rest."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sokoni.catalog.selectors import category_choices
from sokoni.catalog.services import (
    HS_CODE,
    MAX_PHOTOS,
    MAX_PRICE_MINOR,
    MAX_SIDE_CM,
    MAX_STOCK,
    MAX_WEIGHT_G,
    normalize_hs_code,
)
from sokoni.catalog.states import CertificationKind, ProductKind, Unit
from sokoni.core.errors import DomainError
from sokoni.core.forms import PhotosField
from sokoni.core.money import InvalidAmount, Money, currency_exponent
from sokoni.core.text import validate_no_control_characters
from sokoni.villages.countries import country_choices
from sokoni.villages.models import Village
from sokoni.villages.selectors import village_list_public


def apply_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's refusal next to the field it names (or above the form)."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Village) -> str:
        return f"{obj.name} ({obj.region}, {obj.country_name})"


def parse_price(raw: str, currency: str) -> int:
    """Read an amount typed in ``currency`` into minor units, or raise a clear ValidationError."""
    text = raw.strip()
    places = currency_exponent(currency)
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise ValidationError(_("Enter a number, such as 12.50."), code="invalid")
    if value < 0:
        raise ValidationError(_("Enter a price of zero or more."), code="negative")
    if value.adjusted() > 14:
        raise ValidationError(_("This price is too high."), code="too_high")
    try:
        money = Money.from_decimal_string(text, currency)
    except InvalidAmount as exc:
        if places == 0:
            message = _(
                "Prices in %(currency)s have no decimals: enter a whole number, such as 1200."
            ) % {"currency": currency}
        else:
            message = _("Prices in %(currency)s have at most %(places)s decimal places.") % {
                "currency": currency,
                "places": places,
            }
        raise ValidationError(message, code="decimals") from exc
    if money.minor > MAX_PRICE_MINOR:
        raise ValidationError(_("This price is too high."), code="too_high")
    return money.minor


class ShopEditForm(forms.Form):
    """What a seller may change about a shop."""

    name = forms.CharField(
        label=_("Shop name"), max_length=120, validators=[validate_no_control_characters]
    )
    description = forms.CharField(
        label=_("About the shop"),
        max_length=3000,
        required=False,
        widget=forms.Textarea,
        validators=[validate_no_control_characters],
        help_text=_("What you make or grow, and how."),
    )
    free_shipping_over = forms.CharField(
        label=_("Free delivery for orders over"),
        max_length=24,
        required=False,
    )

    def __init__(self, *args: Any, currency: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fee_currency = currency
        if currency is None:
            del self.fields["free_shipping_over"]
        else:
            self.fields["free_shipping_over"].help_text = _(
                "In %(currency)s. Delivery is priced by distance and weight; over this amount "
                "your shop pays it and the buyer sees free delivery. Leave empty for none."
            ) % {"currency": currency}
            self.fields["free_shipping_over"].widget.attrs.update({"inputmode": "decimal"})

    def clean_free_shipping_over(self) -> int | None:
        text = self.cleaned_data.get("free_shipping_over", "").strip()
        if not text or self.fee_currency is None:
            return None
        return parse_price(text, self.fee_currency)


class ShopOpenForm(ShopEditForm):
    """A new shop: its name and description, and the village and currency, fixed from then on."""

    village = VillageChoiceField(
        label=_("Village"),
        queryset=Village.objects.none(),
        help_text=_("Only villages that have joined Sokoni are listed."),
    )
    currency = forms.ChoiceField(
        label=_("Currency of your prices"),
        choices=(),
        help_text=_("It cannot be changed later."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        village_field = self.fields["village"]
        assert isinstance(village_field, forms.ModelChoiceField)  # noqa: S101 - declared above
        village_field.queryset = village_list_public().order_by("country", "name")
        currency_field = self.fields["currency"]
        assert isinstance(currency_field, forms.ChoiceField)  # noqa: S101 - declared above
        currency_field.choices = [(code, code) for code in settings.CURRENCIES]
        currency_field.initial = settings.DEFAULT_CURRENCY


class ProductForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ProductKind.choices)
    name = forms.CharField(
        label=_("Product name"), max_length=150, validators=[validate_no_control_characters]
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=5000,
        required=False,
        widget=forms.Textarea,
        validators=[validate_no_control_characters],
    )
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, choices=())
    price = forms.CharField(label=_("Price"), max_length=24)
    unit = forms.ChoiceField(
        label=_("Sold per"),
        choices=Unit.choices,
        help_text=_("Produce is sold by kg, g, litre, dozen or bundle."),
    )
    stock = forms.IntegerField(label=_("In stock"), min_value=0, max_value=MAX_STOCK, initial=0)
    weight_g = forms.IntegerField(
        label=_("Weight of one unit, packed (g)"),
        min_value=1,
        max_value=MAX_WEIGHT_G,
        required=False,
        initial=500,
        help_text=_("With its packaging, in grams (1 kg = 1000 g). Delivery is priced on it."),
    )
    length_cm = forms.IntegerField(
        label=_("Packed length (cm)"), min_value=0, max_value=MAX_SIDE_CM, required=False
    )
    width_cm = forms.IntegerField(
        label=_("Packed width (cm)"), min_value=0, max_value=MAX_SIDE_CM, required=False
    )
    height_cm = forms.IntegerField(
        label=_("Packed height (cm)"),
        min_value=0,
        max_value=MAX_SIDE_CM,
        required=False,
        help_text=_("0 if you do not know: delivery then estimates the size from the weight."),
    )
    hs_code = forms.CharField(
        label=_("HS code"),
        max_length=16,
        required=False,
        help_text=_(
            "Needed to sell abroad: the customs code of the goods, 6 to 10 digits, e.g. "
            "0901.11 for coffee beans. Your country's customs tariff lists them."
        ),
    )
    origin_country = forms.ChoiceField(
        label=_("Country of origin"),
        required=False,
        choices=(),
        help_text=_("Where the goods were made or grown, for customs."),
    )
    photos = PhotosField(max_photos=MAX_PHOTOS)
    photo_alt = forms.CharField(
        label=_("What the photos show"),
        max_length=200,
        required=False,
        validators=[validate_no_control_characters],
        help_text=_("For people who cannot see them, e.g. “Red clay pot with a lid”."),
    )

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        category_field = self.fields["category"]
        assert isinstance(category_field, forms.ChoiceField)  # noqa: S101 - declared above
        category_field.choices = [("", "—"), *category_choices()]
        example = "1200" if currency_exponent(currency) == 0 else "12.50"
        self.fields["price"].help_text = _("In %(currency)s, e.g. %(example)s.") % {
            "currency": currency,
            "example": example,
        }
        self.fields["price"].widget.attrs.update({"inputmode": "decimal"})
        origin_field = self.fields["origin_country"]
        assert isinstance(origin_field, forms.ChoiceField)  # noqa: S101 - declared above
        origin_field.choices = [("", _("The shop's country")), *country_choices()]
        self.fields["hs_code"].widget.attrs.update({"inputmode": "decimal"})

    def clean_price(self) -> int:
        return parse_price(self.cleaned_data["price"], self.currency)

    def clean_hs_code(self) -> str:
        code = normalize_hs_code(self.cleaned_data.get("hs_code"))
        if code and not HS_CODE.fullmatch(code):
            raise ValidationError(_("An HS code has 6 to 10 digits, e.g. 0901.11."), code="hs_code")
        return code


class CertificationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Certification"), choices=CertificationKind.choices)
    issuer = forms.CharField(
        label=_("Certifying body"), max_length=120, validators=[validate_no_control_characters]
    )
    reference = forms.CharField(
        label=_("Certificate number"),
        max_length=80,
        required=False,
        validators=[validate_no_control_characters],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "cert")
        super().__init__(*args, **kwargs)
