from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo organisations built from the seed documents; installed for ``vitrina demo``."""

    name = "vitrina.demo"
    label = "demo"
    verbose_name = _("Demo")
