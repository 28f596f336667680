from django.urls import path

from sokoni.payments import views

app_name = "payments"
urlpatterns = [
    path("webhooks/<slug:provider>/", views.webhook, name="webhook"),
]
