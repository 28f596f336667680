"""Refusals of the villages app, each with a dotted code."""

from django.utils.translation import gettext_lazy as _

from sokoni.core.errors import DomainError, NotFound, PermissionDenied


class VillageNotFound(NotFound):
    code = "villages.not_found"
    default_message = _("No such village.")


class ServiceCentreNotFound(NotFound):
    code = "villages.service_centre_not_found"
    default_message = _("No such service centre in this village.")


class PhotoNotFound(NotFound):
    code = "villages.photo_not_found"
    default_message = _("No such photo of this village.")


class NotVillageAdmin(PermissionDenied):
    code = "villages.not_admin"
    default_message = _("Only the village's administrators or staff may change it.")


class NotStaff(PermissionDenied):
    code = "villages.not_staff"
    default_message = _("Only platform staff may review villages.")


class TransitionNotAllowed(DomainError):
    code = "villages.transition_not_allowed"
    default_message = _("The village's status does not allow this.")


class ReasonRequired(DomainError):
    code = "villages.reason_required"
    default_message = _("Give the reason, so the applicant knows what to change.")


class OperatorNotFound(DomainError):
    code = "villages.operator_not_found"
    default_message = _("No Sokoni account has this phone number. The operator must sign up first.")


class TooManyPhotos(DomainError):
    code = "villages.too_many_photos"
    default_message = _("A village may show at most %(limit)s photos.")
