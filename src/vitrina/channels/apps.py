from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "vitrina.channels"
    label = "channels"
    verbose_name = _("Channels")

    def ready(self):
        import vitrina.channels.export  # noqa: F401  (registers the registry's document)
        from vitrina.channels.providers import registry
        from vitrina.core import navigation

        # Every provider module registers its network as it is imported.
        registry.autodiscover()

        navigation.register(
            navigation.NavItem(
                key="channels", label=_("Channels"), url_name="channels:list", order=600
            )
        )
