from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "vitrina.catalog"
    label = "catalog"
    verbose_name = _("Catalogue")

    def ready(self):
        import vitrina.catalog.booklist  # noqa: F401  (registers its document)
        from vitrina.catalog import demo
        from vitrina.core import navigation
        from vitrina.demo import build

        navigation.register(
            navigation.NavItem(
                key="catalog", label=_("Catalogue"), url_name="catalog:list", order=300
            )
        )
        if demo.load not in build.STEPS:
            build.STEPS.append(demo.load)
