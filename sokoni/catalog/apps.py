from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "sokoni.catalog"
    label = "catalog"
    verbose_name = _("Catalogue")

    def ready(self) -> None:
        from sokoni.catalog.services import village_listing_refresh, village_products_reindex
        from sokoni.villages.registry import on_village_changed, on_village_status_changed

        # A village's name and specialities are part of its products' search text.
        on_village_changed(village_products_reindex)
        # A village's status decides whether its products are listed publicly.
        on_village_status_changed(village_listing_refresh)
