from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "sokoni.logistics"
    label = "logistics"
    verbose_name = _("Delivery and pickup")

    def ready(self) -> None:
        from sokoni.logistics.services import pickup_receipt_guard
        from sokoni.logistics.shipments import shipment_open_on_paid
        from sokoni.orders.registry import on_confirm_receipt, on_paid

        # A parcel waiting at a service centre is received by collecting it with its code.
        on_confirm_receipt(pickup_receipt_guard)
        # A paid order's parcel gets its shipment (label code, legs) at once.
        on_paid(shipment_open_on_paid)
