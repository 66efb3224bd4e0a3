from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "vitrina.catalog"
    label = "catalog"
