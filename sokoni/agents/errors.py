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


class AlreadyVillagerHere(DomainError):
    code = "agents.already_villager_here"
    default_message = _("This villager already belongs to your service centre.")


class AttachCodesExhausted(DomainError):
    """Codes texted to one person are capped per hour (``ATTACH_CODES_PER_HOUR``), and so are
    the codes one operator sends (``ATTACH_CODES_PER_OPERATOR_HOUR``): a phone is not a
    target for repeated texts."""

    code = "agents.attach_codes_exhausted"
    default_message = _("Too many codes were sent for this number. Try again in an hour.")


class AttachCodeMissing(InvalidInput):
    code = "agents.attach_code_missing"
    default_message = _("No code is waiting for this number at your centre: send one first.")


class AttachCodeExpired(InvalidInput):
    code = "agents.attach_code_expired"
    default_message = _("This code has expired: send a new one.")


class AttachCodeWrong(InvalidInput):
    code = "agents.attach_code_wrong"
    default_message = _("Wrong code.")


class AttachCodeLocked(InvalidInput):
    code = "agents.attach_code_locked"
    default_message = _("Too many wrong codes: this code no longer works. Send a new one.")


class PhoneUnreachable(InvalidInput):
    code = "agents.phone_unreachable"
    default_message = _("Sokoni cannot send a text message to this number.")
