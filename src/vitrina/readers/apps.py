from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadersConfig(AppConfig):
    name = "vitrina.readers"
    label = "readers"
    verbose_name = _("Reader services")

    def ready(self):
        from vitrina.inbox import dialog_hooks
        from vitrina.readers import dialog

        dialog_hooks.register(dialog.handle)
