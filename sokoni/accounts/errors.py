from django.utils.translation import gettext_lazy as _

from sokoni.core.errors import DomainError


class PhoneTaken(DomainError):
    code = "accounts.phone_taken"
    default_message = _("An account with this phone number already exists. Log in instead.")


class LoginThrottled(DomainError):
    code = "accounts.login_throttled"
    default_message = _("Too many failed attempts. Wait 15 minutes and try again.")


class InvalidCredentials(DomainError):
    code = "accounts.invalid_credentials"
    default_message = _("The phone number or password is not correct.")


class PinInvalid(DomainError):
    code = "accounts.pin_invalid"
    default_message = _("A PIN has 4 to 6 digits, not all the same and not in a row.")


class PinNotSet(DomainError):
    code = "accounts.pin_not_set"
    default_message = _("You have no PIN yet. Dial the USSD code to set one.")


class PinAlreadySet(DomainError):
    code = "accounts.pin_already_set"
    default_message = _("You already have a PIN. Enter it to change it.")


class PinWrong(DomainError):
    code = "accounts.pin_wrong"
    default_message = _("Wrong PIN.")


class PinLocked(DomainError):
    code = "accounts.pin_locked"
    default_message = _("Too many wrong PINs. Try again in an hour.")
