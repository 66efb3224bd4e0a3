from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "vitrina.inbox"
    label = "inbox"
    verbose_name = _("Inbox")

    def ready(self):
        import vitrina.inbox.exports  # noqa: F401  (its documents, its part of the report)
        from vitrina.core import navigation, rules

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
