from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "vitrina.analytics"
    label = "analytics"
    verbose_name = _("Analytics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # These modules read models, which exist only once the apps are loaded.
        import vitrina.analytics.export  # noqa: F401  (registers the period report)
        from vitrina.analytics import published, rollup  # noqa: F401  (their receivers)
        from vitrina.core import navigation, periodic

        navigation.register(
            navigation.NavItem(
                key="analytics", label=_("Analytics"), url_name="analytics:dashboard", order=650
            )
        )
        periodic.register(
            periodic.PeriodicJob(
                name="analytics.collect",
                interval=periodic.minutes("COLLECT_INTERVAL_MINUTES"),
                run="vitrina.analytics.rounds.round_run",
                enqueue="vitrina.analytics.rounds.round_hand_out",
                once_per_deployment=True,
            )
        )
