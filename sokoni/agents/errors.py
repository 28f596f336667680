from django.utils.translation import gettext_lazy as _

from sokoni.core.errors import DomainError, InvalidInput


class VillagerElsewhere(DomainError):
    code = "agents.villager_elsewhere"
    default_message = _(
        "This number belongs to a villager of another service centre: they are served there."
    )


class NotAVillager(InvalidInput):
    code = "agents.not_a_villager"
    default_message = _("You cannot order for yourself here: use the shop pages.")


class StaffNotVillager(InvalidInput):
    """Sokoni staff and the operators of open centres are no one's villagers: an operator who
    added them could order in their name and forget their PIN."""

    code = "agents.staff_not_villager"
    default_message = _("This number belongs to Sokoni staff or a centre's operator.")


class FutureDay(InvalidInput):
    code = "agents.future_day"
    default_message = _("That day has not come yet: count the cash at the end of the day.")


class NoCashWaiting(DomainError):
    code = "agents.no_cash_waiting"
    default_message = _("No cash payment is waiting for this order.")
