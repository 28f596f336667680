"""Where the visitor wants things delivered, remembered in the session, so the product and
cart pages can show the delivery price and date before checkout (and checkout starts there).

A choice is ``hub:<id>`` (an address in that town), ``country:<code>`` (an address abroad, in
a country with no hub) or ``centre:<id>`` (pickup at a service centre). With no choice yet, a
villager's home service centre is used, else the hub that serves the shop's own village.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from sokoni.accounts.models import User
from sokoni.catalog.models import Shop
from sokoni.shipping.models import Hub, HubVillage
from sokoni.shipping.network import network
from sokoni.shipping.quotes import Destination
from sokoni.shipping.selectors import destination_choices, hub_open, parse_destination
from sokoni.villages.countries import country_name
from sokoni.villages.models import ServiceCentre
from sokoni.villages.selectors import home_centre_of

SESSION_KEY = "deliver_to"


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    destination: Destination


def _centre_choice(centre_id: int) -> Choice | None:
    centre = (
        ServiceCentre.objects.filter(pk=centre_id, is_active=True)
        .select_related("village")
        .only("pk", "name", "village__country", "village__name")
        .first()
    )
    if centre is None:
        return None
    return Choice(
        f"centre:{centre.pk}",
        f"{centre.name} ({centre.village.name})",
        Destination(country=centre.village.country, centre_id=centre.pk, label=centre.name),
    )


def _hub_choice(hub: Hub) -> Choice:
    return Choice(
        f"hub:{hub.pk}", hub.name, Destination(country=hub.country, hub_id=hub.pk, label=hub.name)
    )


def choice_from(value: str) -> Choice | None:
    """The choice a form value names, if it names an open hub, a country or an open centre."""
    kind, _sep, rest = (value or "").partition(":")
    if kind == "centre":
        return _centre_choice(int(rest)) if rest.isdigit() and len(rest) < 10 else None
    parsed = parse_destination(value)
    if parsed is None:
        return None
    hub_id, country = parsed
    if hub_id is not None:
        hub = hub_open(hub_id)
        return _hub_choice(hub) if hub else None
    if Hub.objects.filter(country=country, is_active=True).exists():
        return None  # a country with hubs: choose its town
    name = country_name(country)
    return Choice(f"country:{country}", name, Destination(country=country, label=name))


def destination_remember(request: HttpRequest, value: str) -> Choice | None:
    choice = choice_from(value)
    if choice is not None:
        request.session[SESSION_KEY] = choice.value
    return choice


def destination_chosen(request: HttpRequest, shop: Shop | None = None) -> Choice | None:
    """The visitor's choice, else their home centre, else the hub of ``shop``'s village."""
    remembered = request.session.get(SESSION_KEY)
    if isinstance(remembered, str) and (choice := choice_from(remembered)):
        return choice
    user = request.user
    if isinstance(user, User) and user.is_authenticated:
        centre = home_centre_of(user)
        if centre is not None and (choice := _centre_choice(centre.pk)):
            return choice
    if shop is not None:
        link = HubVillage.objects.filter(village_id=shop.village_id).select_related("hub").first()
        if link is not None and link.hub.is_active:
            return _hub_choice(link.hub)
    return None


_options: dict[str, tuple[object, str]] = {}


def destination_options(selected: str = "") -> SafeString:
    """The <optgroup>s and <option>s of the "deliver to" select, ``selected`` marked.

    Built once per language for each copy of the network (a template loop over some eighty
    places costs more than the rest of the product page).
    """
    net = network()
    language = translation.get_language() or "en"
    cached = _options.get(language)
    if cached is None or cached[0] is not net:
        groups: dict[str, list[str]] = {}
        for place in destination_choices():
            groups.setdefault(place.group, []).append(
                format_html('<option value="{}">{}</option>', place.value, place.label)
            )
        html = "".join(
            format_html('<optgroup label="{}">', group) + "".join(options) + "</optgroup>"
            for group, options in groups.items()
        )
        cached = _options[language] = (net, html)
    html = cached[1]
    if selected:
        marker = format_html('<option value="{}">', selected)
        html = html.replace(marker, marker[:-1] + " selected>", 1)
    return mark_safe(html)  # noqa: S308 - built from escaped parts above
