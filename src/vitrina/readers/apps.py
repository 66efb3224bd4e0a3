from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReadersConfig(AppConfig):
    name = "vitrina.readers"
    label = "readers"
    verbose_name = _("Reader services")

    def ready(self):
        from vitrina.core import navigation
        from vitrina.inbox import dialog_hooks
        from vitrina.readers import dialog, rules
        from vitrina.readers.services import consent, linking

        dialog_hooks.register(dialog.handle)
        # Linking, withdrawal and a reader's data answer their buttons, words and events.
        linking.register()
        consent.register()
        navigation.register(
            navigation.NavItem(
                key="readers",
                label=_("Readers"),
                url_name="readers:list",
                order=160,
                visible=rules.can_see_readers_menu,
            )
        )
