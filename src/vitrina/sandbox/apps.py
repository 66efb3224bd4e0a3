from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SandboxConfig(AppConfig):
    """The local emulators of the networks; installed for its ``vitrina sandbox`` command."""

    name = "vitrina.sandbox"
    label = "sandbox"
    verbose_name = _("Networks' sandbox")
