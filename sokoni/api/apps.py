from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sokoni.api"
    label = "api"
