from django.utils.translation import gettext_lazy as _

from sokoni.core.errors import DomainError, InvalidInput


class NoRoute(DomainError):
    """No carrier takes this parcel from here to there; the message says which part is missing."""

    code = "shipping.no_route"
    default_message = _("We cannot deliver there from this village yet.")


class RateTableInvalid(InvalidInput):
    code = "shipping.rate_table_invalid"
    default_message = _("The rate table has gaps or overlaps.")
