from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "vitrina.api"
    label = "api"
