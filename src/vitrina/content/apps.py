from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "vitrina.content"
    label = "content"
    verbose_name = _("Content")

    def ready(self):
        # Modules that use models are imported once the app registry is ready.
        from vitrina.core import navigation

        navigation.register(
            navigation.NavItem(
                key="calendar", label=_("Calendar"), url_name="content:calendar", order=100
            )
        )
        navigation.register(
            navigation.NavItem(key="posts", label=_("Posts"), url_name="content:posts", order=200)
        )
