from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "vitrina.analytics"
    label = "analytics"
    verbose_name = _("Analytics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        import vitrina.analytics.export  # noqa: F401  (registers the period report)
        from vitrina.analytics import rollup  # noqa: F401  (its receivers)
        from vitrina.core import navigation

        navigation.register(
            navigation.NavItem(
                key="analytics", label=_("Analytics"), url_name="analytics:dashboard", order=650
            )
        )
