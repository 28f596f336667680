"""Forms of the parcel pages: parse and check input at the edge; ``shipment_record`` decides
whether the event may happen (its refusals land on the field they name)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from sokoni.core.text import validate_no_control_characters
from sokoni.logistics.models import Shipment
from sokoni.logistics.selectors import next_hub, route_hubs, scan_choices
from sokoni.logistics.shipments import normalize_code
from sokoni.logistics.states import SCANNABLE, FailureReason, ShipmentStatus
from sokoni.shipping.models import Hub

# How the event page was reached: the label's QR code, or typed/picked on the site.
VIA_CHOICES = [("qr", "qr"), ("web", "web")]


class ScanCodeForm(forms.Form):
    """The code printed on a parcel's label, as a courier types it."""

    code = forms.CharField(
        label=_("Parcel code"),
        max_length=40,
        help_text=_("The code under the QR code on the label, such as SKAC3DEF4G."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("Type the code printed on the label."), code="empty")
        return code


class EventField(forms.ChoiceField):
    """Shows the events allowed now; accepts any event a courier records, so that a double
    submit or a page left open reaches the service, which answers it (a repeat changes
    nothing, a move the table forbids is refused with the parcel's status)."""

    def valid_value(self, value: Any) -> bool:
        return str(value) in SCANNABLE


class HubField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Hub) -> str:
        return obj.name


class ParcelEventForm(forms.Form):
    """One event on one parcel: what happened, why a delivery failed, at which hub, a note."""

    event = EventField(label=_("What happened?"), widget=forms.RadioSelect)
    failure = forms.ChoiceField(
        label=_("If the delivery failed: why?"),
        choices=[("", "—"), *FailureReason.choices],
        required=False,
    )
    hub = HubField(
        label=_("If it is at a hub: which one?"),
        queryset=Hub.objects.none(),
        required=False,
        empty_label="—",
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=200,
        required=False,
        validators=[validate_no_control_characters],
    )
    via = forms.ChoiceField(choices=VIA_CHOICES, widget=forms.HiddenInput, initial="qr")

    def __init__(
        self, *args: Any, shipment: Shipment, hub: Hub | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.offered = scan_choices(shipment)
        event = self.fields["event"]
        assert isinstance(event, EventField)  # noqa: S101 - declared above
        event.choices = self.offered
        if len(self.offered) == 1:
            event.initial = self.offered[0][0]
        field = self.fields["hub"]
        assert isinstance(field, HubField)  # noqa: S101 - declared above
        field.queryset = route_hubs(shipment)
        field.initial = hub or next_hub(shipment)

    def offers(self, kind: str) -> bool:
        return any(value == kind for value, _label in self.offered)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        event = data.get("event")
        # One form serves every event: a reason or a hub picked for another event is ignored.
        if event == ShipmentStatus.FAILED_ATTEMPT:
            if not data.get("failure"):
                self.add_error("failure", _("Say why the delivery failed."))
        else:
            data["failure"] = ""
        if event == ShipmentStatus.AT_HUB:
            if data.get("hub") is None and "hub" not in self.errors:
                self.add_error("hub", _("Choose the hub where the parcel is."))
        else:
            data["hub"] = None
        return data
