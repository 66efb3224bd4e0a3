from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExhibitionsConfig(AppConfig):
    name = "vitrina.exhibitions"
    label = "exhibitions"
    verbose_name = _("Virtual exhibitions")

    def ready(self):
        # Modules that use models are imported once the app registry is ready.
        from vitrina.demo import build
        from vitrina.exhibitions import demo

        if demo.load not in build.STEPS:
            build.STEPS.append(demo.load)
