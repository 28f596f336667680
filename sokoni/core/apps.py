from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sokoni.core"
    label = "core"
