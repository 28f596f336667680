from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sokoni.web"
    label = "web"
