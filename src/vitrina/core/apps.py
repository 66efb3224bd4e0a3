from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "vitrina.core"
    label = "core"
    verbose_name = _("Organisations and people")

    def ready(self):
        # Modules that use models are imported once the app registry is ready.
        from vitrina.core import navigation, rules, signals  # noqa: F401
        from vitrina.core.search import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="vitrina-search")

        navigation.register(
            navigation.NavItem(
                key="settings",
                label=_("Settings"),
                url_name="settings-home",
                order=900,
            )
        )
