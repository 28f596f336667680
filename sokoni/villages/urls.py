from django.urls import path

from sokoni.villages import views

app_name = "villages"
urlpatterns = [
    path("apply/", views.apply, name="apply"),
]
