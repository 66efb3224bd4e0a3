from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "vitrina.strategy"
    label = "strategy"
    verbose_name = _("Strategy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # These modules read models, which exist only once the apps are loaded.
        import vitrina.strategy.export  # noqa: F401  (registers the strategy document)
        from vitrina.core import navigation

        navigation.register(
            navigation.NavItem(
                key="strategy", label=_("Strategy"), url_name="strategy:overview", order=640
            )
        )
