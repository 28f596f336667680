"""Forms of the villages app: they parse and check input; services decide and write."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sokoni.accounts.forms import PhoneField
from sokoni.core.forms import PhotosField
from sokoni.core.text import validate_no_control_characters
from sokoni.villages.countries import country_choices
from sokoni.villages.services import MAX_PHOTOS

SIX_PLACES = Decimal("0.000001")


class CoordinateField(forms.DecimalField):
    """A latitude or longitude in decimal degrees, range-checked, kept to six places."""

    def __init__(self, *, limit: int, message: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        super().__init__(**kwargs)
        self.limit = limit
        self.message = message

    def clean(self, value: Any) -> Decimal | None:
        number = super().clean(value)
        if number is None:
            return None
        if not -self.limit <= number <= self.limit:
            raise ValidationError(self.message, code="range")
        return number.quantize(SIX_PLACES, rounding=ROUND_HALF_UP)


def latitude_field(**kwargs: Any) -> CoordinateField:
    return CoordinateField(
        label=_("Latitude"),
        limit=90,
        message=_("Latitude must be between -90 and 90 degrees (north is positive)."),
        help_text=_("Decimal degrees, e.g. -0.4203 (south of the equator is negative)."),
        **kwargs,
    )


def longitude_field(**kwargs: Any) -> CoordinateField:
    return CoordinateField(
        label=_("Longitude"),
        limit=180,
        message=_("Longitude must be between -180 and 180 degrees (east is positive)."),
        help_text=_("Decimal degrees, e.g. 36.9512 (west of Greenwich is negative)."),
        **kwargs,
    )


def _text(label: Any, max_length: int, *, required: bool = True, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        validators=[validate_no_control_characters],
        **kwargs,
    )


def _area(label: Any, max_length: int, *, required: bool = True, **kwargs: Any) -> forms.CharField:
    return _text(
        label, max_length, required=required, widget=forms.Textarea(attrs={"rows": 4}), **kwargs
    )


class VillagePageFields(forms.Form):
    """The public text of a village page, shared by the application and the edit form."""

    description = _area(
        _("Description"), 5000, help_text=_("What is the village like? Who lives there?")
    )
    specialities = _area(
        _("Specialities"),
        2000,
        help_text=_("One per line: what the village makes or grows, e.g. tea, honey, baskets."),
    )
    attractions = _area(
        _("Attractions"),
        2000,
        required=False,
        help_text=_("One per line: what visitors come for, e.g. a waterfall, a craft market."),
    )
    contact_name = _text(_("Contact person"), 120)
    contact_phone = PhoneField(label=_("Contact phone number"))


class VillageApplicationForm(VillagePageFields):
    name = _text(_("Name of the village"), 120)
    country = forms.ChoiceField(label=_("Country"), choices=())
    region = _text(_("Region or province"), 120)
    district = _text(_("District or county"), 120, required=False)
    latitude = latitude_field()
    longitude = longitude_field()
    households = forms.IntegerField(
        label=_("Number of households"),
        min_value=1,
        max_value=1_000_000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    photos = PhotosField(max_photos=MAX_PHOTOS)

    field_order = [
        "name", "country", "region", "district", "latitude", "longitude", "households",
        "description", "specialities", "attractions", "photos", "contact_name", "contact_phone",
    ]  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        assert isinstance(country, forms.ChoiceField)  # noqa: S101 - declared above
        country.choices = [("", _("Choose a country")), *country_choices()]


class VillageEditForm(VillagePageFields):
    pass


class VillagePhotosForm(forms.Form):
    photos = PhotosField(max_photos=MAX_PHOTOS, required=True, label=_("Add photos"))
    caption = _text(
        _("Caption"),
        200,
        required=False,
        help_text=_("Optional: what the photos show, for people who cannot see them."),
    )


class ServiceCentreForm(forms.Form):
    name = _text(_("Name"), 120)
    address = _area(_("Address"), 500, help_text=_("How to find it: street, landmark."))
    hours = _text(_("Opening hours"), 200, help_text=_("e.g. Mon-Sat 8:00-18:00"))
    phone = PhoneField(label=_("Phone number of the centre"), required=False)
    operator_phone = forms.CharField(
        label=_("Operator's phone number"),
        max_length=32,
        required=False,
        help_text=_("The person who runs the centre; they need a Sokoni account."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    latitude = latitude_field(required=False)
    longitude = longitude_field(required=False)


class ServiceCentreEditForm(ServiceCentreForm):
    is_active = forms.BooleanField(
        label=_("Open"), required=False, help_text=_("Untick to close the centre.")
    )
