from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "vitrina.strategy"
    label = "strategy"
    verbose_name = _("Strategy")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # These modules read models, which exist only once the apps are loaded.
        # export registers the strategy document; exports_links adds the clicks of short
        # links to the period report and the dashboard.
        from vitrina.core import navigation, periodic
        from vitrina.publishing.payloads import register_rewrite
        from vitrina.strategy import export, exports_links  # noqa: F401
        from vitrina.strategy.links import shorten_payload

        # Links to the library's resources go out as the variant's short links.
        register_rewrite(shorten_payload)
        # Clicks buffered in Redis reach the database (nothing to do in the embedded mode).
        periodic.register(
            periodic.PeriodicJob(
                name="strategy.shortlinks",
                interval=periodic.seconds("SHORTLINK_FLUSH_SECONDS"),
                run="vitrina.strategy.clicks.clicks_flush",
                once_per_deployment=True,
            )
        )

        navigation.register(
            navigation.NavItem(
                key="strategy", label=_("Strategy"), url_name="strategy:overview", order=640
            )
        )
        periodic.register(
            periodic.PeriodicJob(
                name="strategy.health",
                interval=periodic.SettingInterval("STRATEGY_HEALTH_HOURS", 3600.0),
                run="vitrina.strategy.health.runs.weekly_round",
                once_per_deployment=True,
            )
        )
