from django.urls import path

from sokoni.logistics import export_views

app_name = "exports"
urlpatterns = [
    path("invoice/<int:order_id>/", export_views.invoice, name="invoice"),
    path("customs/<int:order_id>/", export_views.customs, name="customs"),
    path("customs/<int:order_id>/book/", export_views.book, name="book"),
]
