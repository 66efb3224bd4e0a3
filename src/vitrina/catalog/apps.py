from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "vitrina.catalog"
    label = "catalog"
    verbose_name = _("Catalogue")

    def ready(self):
        import vitrina.catalog.booklist  # noqa: F401  (registers its document)
        from vitrina.core import navigation

        navigation.register(
            navigation.NavItem(
                key="catalog", label=_("Catalogue"), url_name="catalog:list", order=300
            )
        )
