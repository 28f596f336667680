"""Refusals particular to the API; the handler in api.py maps codes to HTTP statuses."""

from django.utils.translation import gettext_lazy as _

from sokoni.core.errors import DomainError


class UnknownFilter(DomainError):
    code = "api.unknown_filter"
    default_message = _("There is no such category or village.")
