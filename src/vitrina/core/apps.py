from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vitrina.core"
    label = "core"
