from django.urls import path

from sokoni.trust import staff_views

app_name = "moderation"
urlpatterns = [
    path("", staff_views.queue_view, name="queue"),
    path("reports/<int:report_id>/", staff_views.report_view, name="report"),
]
