from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExhibitionsConfig(AppConfig):
    name = "vitrina.exhibitions"
    label = "exhibitions"
    verbose_name = _("Virtual exhibitions")

    def ready(self):
        import vitrina.exhibitions.arrivals  # noqa: F401  (registers its document)
