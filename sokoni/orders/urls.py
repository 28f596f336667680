from django.urls import path  # noqa: F401 - the web helper fills these in

app_name = "orders"
urlpatterns: list = []
