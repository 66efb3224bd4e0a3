from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "vitrina.channels"
    label = "channels"
    verbose_name = _("Channels")

    def ready(self):
        # These modules read models, which exist only once the apps are loaded.
        import vitrina.channels.export  # noqa: F401  (registers the registry's document)
        from vitrina.channels.providers import registry
        from vitrina.core import navigation, periodic

        # Every provider module registers its network as it is imported.
        registry.autodiscover()

        navigation.register(
            navigation.NavItem(
                key="channels", label=_("Channels"), url_name="channels:list", order=600
            )
        )
        # Network calls, a few at a time: in a thread of its own, by one scheduler.
        periodic.register(
            periodic.PeriodicJob(
                name="channels.refresh_tokens",
                interval=periodic.minutes("TOKEN_REFRESH_MINUTES"),
                run="vitrina.channels.jobs.tokens_refresh",
                once_per_deployment=True,
            )
        )
