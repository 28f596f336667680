from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "sokoni.logistics"
    label = "logistics"
    verbose_name = _("Delivery and pickup")

    def ready(self) -> None:
        from sokoni.logistics.services import pickup_receipt_guard
        from sokoni.orders.registry import on_confirm_receipt

        # A parcel waiting at a service centre is received by collecting it with its code.
        on_confirm_receipt(pickup_receipt_guard)
