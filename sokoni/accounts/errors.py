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
