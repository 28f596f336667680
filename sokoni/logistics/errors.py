from django.utils.translation import gettext_lazy as _

from sokoni.core.errors import DomainError, InvalidInput, StaleState


class NotForPickup(StaleState):
    code = "logistics.not_for_pickup"
    default_message = _("This order is not a shipped parcel for pickup at your centre.")


class CodeWrong(InvalidInput):
    code = "logistics.code_wrong"
    default_message = _("Wrong pickup code.")


class CodeLocked(DomainError):
    code = "logistics.code_locked"
    default_message = _("Too many wrong codes for this parcel. Try again in an hour.")


class AlreadyCollected(StaleState):
    code = "logistics.already_collected"
    default_message = _("This parcel was already handed over or sent back.")


class CollectAtCentre(DomainError):
    code = "logistics.collect_at_centre"
    default_message = _(
        "Your parcel waits at the service centre: collecting it there with your pickup code "
        "confirms receipt."
    )


class ShipmentMoveNotAllowed(StaleState):
    code = "logistics.shipment_move_not_allowed"
    default_message = _("That cannot happen to this parcel now.")
