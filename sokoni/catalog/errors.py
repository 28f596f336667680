"""Refusals of the catalogue services; each interface maps the code to its own message."""

from django.utils.translation import gettext_lazy as _

from sokoni.core.errors import DomainError


class TransitionNotAllowed(DomainError):
    code = "catalog.transition_not_allowed"
    default_message = _("This change of status is not allowed.")


class VillageNotApproved(DomainError):
    code = "catalog.village_not_approved"
    default_message = _("Shops can only be opened in approved villages.")


class CurrencyNotSupported(DomainError):
    code = "catalog.currency_not_supported"
    default_message = _("Choose one of the listed currencies.")


class ReasonRequired(DomainError):
    code = "catalog.reason_required"
    default_message = _("Give a reason: the seller will read it.")


class ShopNotApproved(DomainError):
    code = "catalog.shop_not_approved"
    default_message = _("Products can be published once the shop is approved.")


class PriceRequired(DomainError):
    code = "catalog.price_required"
    default_message = _("Set a price above zero before publishing.")


class InvalidPrice(DomainError):
    code = "catalog.invalid_price"
    default_message = _("Enter a price of zero or more.")


class UnitNotAllowed(DomainError):
    code = "catalog.unit_not_allowed"
    default_message = _(
        "Produce is sold by weight or volume: choose kg, g, litre, dozen or bundle."
    )


class InvalidStock(DomainError):
    code = "catalog.invalid_stock"
    default_message = _("Enter a stock of zero or more.")


class CertificationAlreadyReviewed(DomainError):
    code = "catalog.certification_reviewed"
    default_message = _("Staff have already reviewed this certification; it cannot be changed.")


class PhotoLimitReached(DomainError):
    code = "catalog.photo_limit"
    default_message = _("A product can have at most 8 photos. Delete one first.")


class InvalidPhoto(DomainError):
    code = "catalog.invalid_photo"
    default_message = _("This file is not a photo we can read.")
