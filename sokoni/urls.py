from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from sokoni.api.api import api
from sokoni.web.views import home, private_photos, pwa

admin.site.site_header = _("Sokoni administration")
admin.site.site_title = _("Sokoni")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("payments/", include("sokoni.payments.urls")),
    path("channels/", include("sokoni.channels.urls")),
    path("logistics/courier/", include("sokoni.logistics.courier_urls")),
    path("i18n/setlang/", home.set_language, name="set_language"),
    path("healthz", home.healthz, name="healthz"),
    # The service worker's scope is its folder: served at the root, it covers the whole site.
    path("sw.js", pwa.service_worker, name="service_worker"),
    # Dispute evidence and photos sent in messages: checked per request, whatever the storage.
    path(
        "private-photo/dispute/<int:pk>/<int:size>.webp",
        private_photos.dispute_photo,
        name="dispute_photo",
    ),
    path(
        "private-photo/message/<int:pk>/<int:size>.webp",
        private_photos.message_photo,
        name="message_photo",
    ),
]
if settings.SERVE_MEDIA:
    urlpatterns.append(path("media/<path:path>", home.media, name="media"))

urlpatterns += i18n_patterns(
    path("accounts/", include("sokoni.accounts.urls")),
    path("villages/", include("sokoni.villages.urls")),
    path("seller/", include("sokoni.catalog.urls")),
    path("agent/", include("sokoni.agents.urls")),
    path("parcels/", include("sokoni.logistics.urls")),
    path("runs/", include("sokoni.logistics.run_urls")),
    path("exports/", include("sokoni.logistics.export_urls")),
    path("staff/delivery/", include("sokoni.logistics.report_urls")),
    path("", include("sokoni.trust.urls")),
    path("staff/moderation/", include("sokoni.trust.staff_urls")),
    path("", include("sokoni.orders.urls")),
    path("", include("sokoni.web.urls")),
    prefix_default_language=False,
)

handler400 = "sokoni.web.views.home.bad_request"
handler404 = "sokoni.web.views.home.page_not_found"
handler500 = "sokoni.web.views.home.server_error"
