from django.urls import path

from sokoni.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.seller_home, name="seller_home"),
]
