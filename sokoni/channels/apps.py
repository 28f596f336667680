from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "sokoni.channels"
    label = "channels"
    verbose_name = _("USSD and SMS")
