from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "sokoni.catalog"
    label = "catalog"
    verbose_name = _("Catalogue")

    def ready(self) -> None:
        from sokoni.catalog.services import village_products_reindex
        from sokoni.villages.registry import on_village_changed

        # A village's name and specialities are part of its products' search text.
        on_village_changed(village_products_reindex)
