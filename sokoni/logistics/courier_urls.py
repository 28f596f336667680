from django.urls import path

from sokoni.logistics import export_views

app_name = "courier"
urlpatterns = [
    path("<slug:gateway>/events/", export_views.events, name="events"),
]
