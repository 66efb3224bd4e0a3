"""Where the demo's stand-in for the networks is shown to people."""

from django.conf import settings


def sandbox_page() -> str:
    """The sandbox's page while the demo runs against it, else ""."""
    if settings.DEMO_MODE and settings.SANDBOX_URL:
        return f"{settings.SANDBOX_URL}/sandbox/"
    return ""
