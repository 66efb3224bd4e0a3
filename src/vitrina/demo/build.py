"""Loads (or reloads) the whole demo in one transaction."""

from django.conf import settings
from django.db import transaction

from vitrina.analytics import demo as analytics
from vitrina.content.models import Post
from vitrina.core.models import Organisation, User
from vitrina.demo import content, organisations
from vitrina.inbox import demo as inbox_demo

DEMO_SLUGS = (organisations.KNMB["slug"], organisations.MEDNOGORSK["slug"])
DEMO_USERNAMES = [username for username, *_rest in organisations.PEOPLE]

# Later modules append their loaders here; each takes the result of the previous steps.
STEPS = [content.load, analytics.load, inbox_demo.load]


class DemoRefused(Exception):
    pass


def demo_exists() -> bool:
    return Organisation.objects.filter(slug__in=DEMO_SLUGS).exists()


@transaction.atomic
def build_demo(*, reset: bool = False, sandbox=None) -> dict | None:
    """``sandbox``: a ``SandboxClient`` of the running networks' sandbox; with it the demo's
    channels are connected to it and readers' conversations are made there."""
    if not settings.DEMO_MODE:
        raise DemoRefused("The demo loads only in demo mode (VITRINA_DEMO=1).")
    if demo_exists():
        if not reset:
            return None
        # Posts first: their pictures hold the media library's files, which go with the
        # organisation.
        Post.objects.filter(organisation__slug__in=DEMO_SLUGS).delete()
        Organisation.objects.filter(slug__in=DEMO_SLUGS).delete()
        User.objects.filter(username__in=DEMO_USERNAMES).delete()
    context = organisations.load()
    context["sandbox"] = sandbox
    for step in STEPS:
        step(context)
    return context
