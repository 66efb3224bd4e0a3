from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "vitrina.inbox"
    label = "inbox"
    verbose_name = _("Inbox")

    def ready(self):
        # These modules read models, which exist only once the apps are loaded.
        import vitrina.inbox.exports  # noqa: F401  (its documents, its part of the report)
        from vitrina.core import navigation, periodic, rules

        navigation.register(
            navigation.NavItem(
                key="inbox",
                label=_("Inbox"),
                url_name="inbox:list",
                order=150,
                visible=rules.can_answer_readers,
                badge_url_name="inbox:unread",
            )
        )
        periodic.register(
            periodic.PeriodicJob(
                name="inbox.poll",
                interval=periodic.seconds("INBOX_POLL_SECONDS"),
                run="vitrina.inbox.poller.poll_round",
                enqueue="vitrina.inbox.poller.poll_hand_out",
                once_per_deployment=True,
            )
        )
