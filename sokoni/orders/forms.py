"""Forms of the order pages: parse and check input at the edge; the services decide the rest.

Service refusals land on the field they name (``apply_domain_error``), so the form fields are
named as the services name them: ``phone``, ``card_number``, ``centre``, ``recipient_phone``...
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sokoni.accounts.phones import normalize_phone
from sokoni.catalog.forms import parse_price
from sokoni.core.forms import PhotosField
from sokoni.core.text import validate_no_control_characters, validate_no_hidden_characters
from sokoni.orders.models import MAX_STATEMENT, MAX_STATEMENT_PHOTOS
from sokoni.orders.states import DeliveryMethod, DisputeDecision, DisputeReason, OrderStatus
from sokoni.payments.states import PaymentMethod
from sokoni.shipping.selectors import destination_choices
from sokoni.villages.models import ServiceCentre

KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
MAX_TEXT_QUANTITY = 9_999  # above the cart's own bound, so the service says what is allowed

CentreChoices = list[tuple[str, list[tuple[int, str]]]]


def centre_choices(centres: Iterable[ServiceCentre]) -> CentreChoices:
    """Service centres grouped by village, for a select with one option group per village."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for centre in centres:
        groups.setdefault(centre.village.name, []).append((centre.pk, centre.name))
    return list(groups.items())


class CartLineForm(forms.Form):
    """A product and a quantity (add to the cart, or change a line)."""

    product_id = forms.IntegerField(min_value=1, max_value=2**63 - 1)
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=-MAX_TEXT_QUANTITY, max_value=MAX_TEXT_QUANTITY
    )


class CartRemoveForm(forms.Form):
    product_id = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class PayForm(forms.Form):
    """How to pay: mobile money (a phone), a card, or cash at a service centre."""

    method = forms.ChoiceField(
        label=_("How do you want to pay?"),
        choices=PaymentMethod.choices,
        widget=forms.RadioSelect,
        initial=PaymentMethod.MOBILE_MONEY,
    )
    phone = forms.CharField(
        label=_("Mobile-money phone number"),
        max_length=32,
        required=False,
        help_text=_("You get a prompt on this phone to approve the payment."),
    )
    card_number = forms.CharField(
        label=_("Card number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "cc-number"}),
    )
    centre = forms.TypedChoiceField(
        label=_("Service centre where you pay cash"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=(),
    )

    def __init__(
        self, *args: Any, cash_centres: Iterable[ServiceCentre] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["centre"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [("", "—"), *centre_choices(cash_centres)]
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        method = data.get("method")
        if method == PaymentMethod.MOBILE_MONEY:
            try:
                data["phone"] = normalize_phone(data.get("phone", ""))
            except ValidationError as error:
                self.add_error("phone", error)
        elif method == PaymentMethod.CARD:
            text = data.get("card_number", "")
            digits = "".join(ch for ch in text if ch.isdigit())
            if not 12 <= len(digits) <= 19 or re.search(r"[^0-9 -]", text):
                self.add_error("card_number", _("Enter the card number, 12 to 19 digits."))
        elif method == PaymentMethod.CASH and data.get("centre") is None:
            self.add_error("centre", _("Choose the service centre where you pay."))
        return data


class CheckoutForm(PayForm):
    """Delivery, recipient, currency, then how to pay."""

    delivery_method = forms.ChoiceField(
        label=_("Delivery"),
        choices=DeliveryMethod.choices,
        widget=forms.RadioSelect,
        initial=DeliveryMethod.ADDRESS,
    )
    address = forms.CharField(
        label=_("Delivery address"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}),
    )
    town = forms.ChoiceField(
        label=_("Town or country"),
        required=False,
        choices=(),
        help_text=_("Where the address is: delivery is priced to there."),
    )
    service_centre = forms.TypedChoiceField(
        label=_("Pickup at"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=(),
    )
    recipient_name = forms.CharField(label=_("Recipient's name"), max_length=120)
    recipient_phone = forms.CharField(
        label=_("Recipient's phone"),
        max_length=32,
        help_text=_("Sending a gift? Enter the name and phone of the person who receives it."),
    )
    currency = forms.ChoiceField(label=_("Pay in"), choices=())
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    field_order = [
        "delivery_method",
        "address",
        "town",
        "service_centre",
        "recipient_name",
        "recipient_phone",
        "currency",
        "method",
        "phone",
        "card_number",
        "centre",
        "key",
    ]

    def __init__(
        self, *args: Any, pickup_centres: Iterable[ServiceCentre] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        pickup = self.fields["service_centre"]
        assert isinstance(pickup, forms.ChoiceField)  # noqa: S101 - declared above
        pickup.choices = [("", "—"), *centre_choices(pickup_centres)]
        town = self.fields["town"]
        assert isinstance(town, forms.ChoiceField)  # noqa: S101 - declared above
        grouped: dict[str, list[tuple[str, str]]] = {}
        for place in destination_choices():
            grouped.setdefault(place.group, []).append((place.value, place.label))
        town.choices = [("", "—"), *grouped.items()]
        currency = self.fields["currency"]
        assert isinstance(currency, forms.ChoiceField)  # noqa: S101 - declared above
        currency.choices = [(code, code) for code in settings.CURRENCIES]
        self.fields["recipient_name"].widget.attrs.update({"autocomplete": "name"})
        self.fields["recipient_phone"].widget.attrs.update(
            {"inputmode": "tel", "autocomplete": "tel"}
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # The service checks these too; asking here shows every mistake in one round trip.
        method = data.get("delivery_method")
        if method == DeliveryMethod.ADDRESS and not data.get("address", "").strip():
            self.add_error("address", _("Enter the delivery address."))
        if method == DeliveryMethod.ADDRESS and not data.get("town"):
            self.add_error("town", _("Choose the town or the country to deliver to."))
        elif method == DeliveryMethod.PICKUP and data.get("service_centre") is None:
            self.add_error("service_centre", _("Choose a service centre."))
        return data

    def clean_key(self) -> str:
        key = self.cleaned_data.get("key", "")
        return key if KEY_PATTERN.match(key) else ""


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=())
    shop = forms.TypedChoiceField(
        label=_("Shop"), coerce=int, required=False, empty_value=None, choices=()
    )

    def __init__(self, *args: Any, shops: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)  # noqa: S101 - declared above
        status.choices = [("", _("All")), *OrderStatus.choices]
        shop_choices = list(shops)
        shop = self.fields["shop"]
        assert isinstance(shop, forms.ChoiceField)  # noqa: S101 - declared above
        if len(shop_choices) > 1:
            shop.choices = [("", _("All shops")), *shop_choices]
        else:
            del self.fields["shop"]

    def value(self, name: str) -> Any:
        """The cleaned filter, or nothing when the input was not one of the choices."""
        if not self.is_valid():
            return None
        return self.cleaned_data.get(name) or None


class ExtendForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Extend by"),
        coerce=int,
        choices=[(3, _("3 days")), (5, _("5 days")), (7, _("7 days")), (10, _("10 days"))],
    )


class DisputeForm(forms.Form):
    reason = forms.ChoiceField(label=_("What went wrong?"), choices=DisputeReason.choices)
    details = forms.CharField(
        label=_("What happened"),
        max_length=MAX_STATEMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_hidden_characters],
    )
    photos = PhotosField(max_photos=MAX_STATEMENT_PHOTOS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "dispute")
        super().__init__(*args, **kwargs)


class StatementForm(forms.Form):
    """A statement in a dispute (buyer, seller or staff), with up to 3 photos."""

    text = forms.CharField(
        label=_("Your statement"),
        max_length=MAX_STATEMENT,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_hidden_characters],
    )
    photos = PhotosField(max_photos=MAX_STATEMENT_PHOTOS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "statement")
        super().__init__(*args, **kwargs)


class ShipForm(forms.Form):
    tracking_ref = forms.CharField(
        label=_("Tracking reference"),
        max_length=80,
        validators=[validate_no_control_characters],
        help_text=_("The courier's or bus company's reference, so the buyer can follow it."),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=DisputeDecision.choices, widget=forms.RadioSelect
    )
    buyer_share = forms.CharField(
        label=_("To the buyer (only when sharing)"), max_length=24, required=False
    )
    note = forms.CharField(
        label=_("Reason for the decision"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        validators=[validate_no_hidden_characters],
        help_text=_("Both the buyer and the seller can read it."),
    )

    def __init__(self, *args: Any, currency: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.fields["buyer_share"].help_text = _("In %(currency)s.") % {"currency": currency}
        self.fields["buyer_share"].widget.attrs.update({"inputmode": "decimal"})

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        text = data.get("buyer_share", "").strip()
        data["buyer_share"] = None
        if data.get("decision") == DisputeDecision.SPLIT:
            if not text:
                self.add_error("buyer_share", _("Enter the buyer's share."))
            else:
                try:
                    data["buyer_share"] = parse_price(text, self.currency)
                except ValidationError as error:
                    self.add_error("buyer_share", error)
        return data


class PayoutForm(forms.Form):
    currency = forms.ChoiceField(label=_("From the wallet in"), choices=())
    amount = forms.CharField(label=_("Amount"), max_length=24)
    phone = forms.CharField(
        label=_("Send to mobile-money number"),
        max_length=32,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args: Any, currencies: Iterable[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["currency"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared above
        field.choices = [(code, code) for code in currencies]
        self.fields["amount"].widget.attrs.update({"inputmode": "decimal"})

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("phone", ""))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        currency, text = data.get("currency"), data.get("amount")
        if currency and text is not None:
            try:
                data["amount"] = parse_price(text, currency)
            except ValidationError as error:
                self.add_error("amount", error)
        return data


class CashForm(forms.Form):
    reference = forms.CharField(
        label=_("Payment reference"),
        max_length=20,
        help_text=_("The buyer's reference, such as SK7KD2M9QA."),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    amount = forms.CharField(
        label=_("Amount received"),
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
