from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "vitrina.publishing"
    label = "publishing"
    verbose_name = _("Publication")

    def ready(self):
        # The registry reads models, which exist only once the apps are loaded.
        from vitrina.core import periodic

        # Short and safe on several schedulers: in every scheduler's tick.
        periodic.register(
            periodic.PeriodicJob(
                name="publishing.dispatch",
                interval=periodic.seconds("SCHEDULER_INTERVAL_SECONDS"),
                run="vitrina.publishing.jobs.dispatch_here",
                enqueue="vitrina.publishing.jobs.dispatch_to_workers",
                inline=True,
            )
        )
