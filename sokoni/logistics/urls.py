"""Parcel pages, at /parcels/ (see sokoni/logistics/views.py)."""

from django.urls import path

from sokoni.logistics import views

app_name = "parcels"
urlpatterns = [
    path("scan/", views.scan, name="scan"),
    path("mine/", views.mine, name="mine"),
    path("p/<str:code>/", views.parcel, name="parcel"),
    path("track/<str:code>/", views.track, name="track"),
    path("label/<int:order_id>/", views.label, name="label"),
    path("slip/<int:order_id>/", views.slip, name="slip"),
]
